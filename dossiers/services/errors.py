"""Refusals: each with a message a person understands and the HTTP status it is answered with."""

from __future__ import annotations

from onestop.refusals import Refusal


class DossierError(Refusal):
    """A refusal of a dossier's use case with a message a person understands; `status` is the HTTP answer."""


class InvalidInput(DossierError):
    status, code = 400, "invalid"


class ActionForbidden(DossierError):
    status, code = 403, "permission_denied"


class TransitionNotAllowed(DossierError):
    status, code = 409, "transition_not_allowed"


class ChangedUnderYou(DossierError):
    status, code = 409, "conflict"


class DossierNotFound(DossierError):
    status, code = 404, "not_found"


def _require_note(note: str, message: str) -> None:
    if not note or not note.strip():
        raise InvalidInput(message, errors={"note": [message]})
