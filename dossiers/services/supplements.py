"""Supplement requests (one complete list of what is missing) and the applicant's answer."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from onestop import fastsql
from workflows.clock import ClockEventKind
from workflows.models import SupplementPolicy

from ..models import Action, Dossier, Status
from .clocks import _append_clocks, _both_clocks
from .documents import DocumentInput, _add_documents, _doc_refs
from .errors import InvalidInput
from .recording import _locked, _now, _record
from .rules import _check


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
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.REQUEST_SUPPLEMENT, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        dossier.request_supplement(missing=items)
        if before == Status.PROCESSING:
            _append_clocks(dossier, _both_clocks(dossier, step, ClockEventKind.PAUSED, at, reason="supplement"))
        _record(
            dossier,
            action=Action.REQUEST_SUPPLEMENT,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"missing_documents": items},
        )
    return dossier


def submit_supplement(
    *, dossier, actor, documents: Sequence[DocumentInput] = (), note: str = "", expected_version=None, at=None
) -> Dossier:
    """The applicant hands in what was asked for: new document versions under the same code; the clock
    resumes or restarts as the procedure says."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=("procedure",))
        _check(dossier, Action.SUBMIT_SUPPLEMENT, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        versions = _add_documents(dossier, documents, actor)
        asked = dossier.missing_documents
        dossier.submit_supplement()
        if before == Status.SUPPLEMENT:
            restart = dossier.procedure.supplement_policy == SupplementPolicy.RESTART
            kind = ClockEventKind.RESTARTED if restart else ClockEventKind.RESUMED
            _append_clocks(dossier, _both_clocks(dossier, step, kind, at, restart=restart))
        _record(
            dossier,
            action=Action.SUBMIT_SUPPLEMENT,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"documents": _doc_refs(versions), "requested": asked},
        )
    return dossier
