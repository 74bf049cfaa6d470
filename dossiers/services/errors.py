"""Refusals: each with a message a person understands and the HTTP status it is answered with."""

from __future__ import annotations


class DossierError(Exception):
    """A refusal with a message a person understands; `status` is the HTTP answer."""

    status = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None, errors: dict | None = None, **extra):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.errors = errors or {}
        self.extra = extra


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
