"""Supplement requests (one complete list of what is missing) and the applicant's answer."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from workflows.clock import ClockEventKind
from workflows.models import SupplementPolicy

from ..models import Action, Dossier, Status
from .documents import DocumentInput, _add_documents, _doc_refs
from .errors import InvalidInput
from .recording import transition


def _normalise_missing(missing) -> list[dict]:
    items = []
    for item in missing or []:
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise InvalidInput(
                _("Mỗi giấy tờ cần bổ sung phải có tên."), errors={"missing_documents": [_("Mỗi mục cần có “name”.")]}
            )
        items.append({k: str(v) for k, v in item.items() if k in {"component", "name", "reason"}})
    if not items:
        raise InvalidInput(
            _("Phải nêu đầy đủ, một lần, các giấy tờ cần bổ sung."),
            errors={"missing_documents": [_("Danh sách không được để trống.")]},
        )
    return items


def request_supplement(*, dossier, actor, missing_documents, note: str = "", expected_version=None, at=None) -> Dossier:
    """Ask the applicant, once and completely, for what is missing. At receipt the dossier stays
    submitted; during processing it goes to `supplement` and the clock stops."""
    items = _normalise_missing(missing_documents)
    with transition(dossier, Action.REQUEST_SUPPLEMENT, actor, expected_version=expected_version, at=at) as change:
        change.dossier.request_supplement(missing=items)
        if change.before == Status.PROCESSING:
            change.both_clocks(ClockEventKind.PAUSED, reason="supplement")
        change.note, change.data = note, {"missing_documents": items}
    return change.dossier


def submit_supplement(
    *, dossier, actor, documents: Sequence[DocumentInput] = (), note: str = "", expected_version=None, at=None
) -> Dossier:
    """The applicant hands in what was asked for: new document versions under the same code; the clock
    resumes or restarts as the procedure says."""
    with transition(
        dossier,
        Action.SUBMIT_SUPPLEMENT,
        actor,
        expected_version=expected_version,
        related=("procedure",),
        at=at,
    ) as change:
        dossier = change.dossier
        versions = _add_documents(dossier, documents, actor)
        asked = dossier.missing_documents
        dossier.submit_supplement()
        if change.before == Status.SUPPLEMENT:
            restart = dossier.procedure.supplement_policy == SupplementPolicy.RESTART
            change.both_clocks(ClockEventKind.RESTARTED if restart else ClockEventKind.RESUMED, restart=restart)
        change.note, change.data = note, {"documents": _doc_refs(versions), "requested": asked}
    return dossier
