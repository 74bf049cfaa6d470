"""Processing steps: starting, completing, sending back and assigning handlers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from onestop import fastsql
from workflows.clock import ClockEventKind
from workflows.models import ProcessStep, StaffRole

from .. import permissions as perms
from ..models import Action, ClockEvent, Dossier, DossierStep, HandlerRole, Result, StepAssignment, StepStatus
from .clocks import _append_clocks, _budget, _clock
from .documents import DocumentInput, _add_documents, _doc_refs
from .errors import InvalidInput, _require_note
from .recording import _WHOLE, _check_step, _locked, _now, _record
from .rules import _check


def _open_step(dossier: Dossier, process_step: ProcessStep, at, *, assignee=None, by=None) -> DossierStep:
    step = DossierStep.objects.create(
        dossier=dossier,
        process_step=process_step,
        order=process_step.order,
        name=process_step.name,
        role=process_step.role,
        agency_id=dossier.agency_of(process_step),
        started_at=at,
        assignee=assignee,
    )
    if assignee is not None:
        StepAssignment.objects.create(step=step, user=assignee, role=HandlerRole.MAIN, assigned_by=by, assigned_at=at)
    return step


def _close_step(dossier: Dossier, step: DossierStep | None, at, status: str) -> list[ClockEvent]:
    if step is None:
        return []
    step.status, step.completed_at = status, at
    return [_clock(dossier, ClockEventKind.STOPPED, at, step=step)]


def _check_assignee(user, agency_id: int) -> None:
    if user is not None and not user.is_superuser and not perms.has_role(user, agency_id, *StaffRole.values):
        raise InvalidInput(
            _("Cán bộ %(user)s không thuộc cơ quan thực hiện bước này.") % {"user": user.get_username()},
            errors={"assignee": [_("Không thuộc cơ quan thực hiện.")]},
        )


def start_processing(*, dossier, actor, note: str = "", assignee=None, expected_version=None, at=None) -> Dossier:
    """Received → processing: the first step of the dossier's process version is opened."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        dossier.process = dossier.running_process()
        _check(dossier, Action.START, actor)
        at, before = _now(at), dossier.status
        first = dossier.step_to_open(Action.START)
        _check_assignee(assignee, dossier.agency_of(first))
        step = _open_step(dossier, first, at, assignee=assignee, by=actor)
        dossier.start(first_step=step)
        _append_clocks(dossier, [_clock(dossier, ClockEventKind.STARTED, at, step=step, budget_seconds=_budget(first))])
        _record(
            dossier,
            action=Action.START,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"process_version": dossier.process.number},
        )
    return dossier


def complete_step(
    *,
    dossier,
    actor,
    note: str = "",
    assignee=None,
    result: str = "",
    documents: Sequence[DocumentInput] = (),
    expected_version=None,
    expected_step: int | None = None,
    at=None,
) -> Dossier:
    """Finish the current step: the next one opens, or after the last the dossier is resolved."""
    if result and result not in Result.values:
        raise InvalidInput(_("Kết quả phải là “approved” hoặc “refused”."), errors={"result": [result]})
    if result == Result.REFUSED:
        _require_note(note, _("Phải nêu lý do khi từ chối giải quyết."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check_step(dossier, expected_step)
        _check(dossier, Action.COMPLETE_STEP, actor)
        at, before, current = _now(at), dossier.status, dossier.current_step
        following = dossier.step_to_open(Action.COMPLETE_STEP)
        versions = _add_documents(dossier, documents, actor, is_result=following is None)
        clocks = _close_step(dossier, current, at, StepStatus.DONE)
        next_step = None
        if following is not None:
            _check_assignee(assignee, dossier.agency_of(following))
            next_step = _open_step(dossier, following, at, assignee=assignee, by=actor)
            clocks.append(
                _clock(dossier, ClockEventKind.STARTED, at, step=next_step, budget_seconds=_budget(following))
            )
        dossier.complete_step(next_step=next_step, at=at, result=result, result_note=note)
        if next_step is None:
            clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="resolved"))
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.COMPLETE_STEP,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=current,
            data={
                "next_step": next_step.name if next_step else None,
                "documents": _doc_refs(versions),
                "result": dossier.result,
            },
        )
    return dossier


def send_back(
    *, dossier, actor, note: str, expected_version=None, expected_step: int | None = None, at=None
) -> Dossier:
    """Return the dossier to the previous step (trả lại bước trước), to the handler who did it."""
    _require_note(note, _("Phải nêu lý do trả lại bước trước."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check_step(dossier, expected_step)
        _check(dossier, Action.SEND_BACK, actor)
        at, before, current = _now(at), dossier.status, dossier.current_step
        previous = dossier.process.step_before(current.order)
        last_pass = (
            DossierStep.objects.filter(dossier=dossier, process_step=previous).order_by("-started_at", "-id").first()
        )
        clocks = _close_step(dossier, current, at, StepStatus.SENT_BACK)
        step = _open_step(dossier, previous, at, assignee=last_pass.assignee if last_pass else None, by=actor)
        clocks.append(_clock(dossier, ClockEventKind.STARTED, at, step=step, budget_seconds=_budget(previous)))
        dossier.send_back(previous_step=step)
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.SEND_BACK,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=current,
            data={"to_step": step.name},
        )
    return dossier


def assign_handlers(
    *,
    dossier,
    actor,
    main=None,
    co_handlers=(),
    followers=(),
    note: str = "",
    expected_version=None,
    expected_step: int | None = None,
    at=None,
) -> Dossier:
    """A leader (re)assigns the current step: main handler, co-handlers and followers."""
    if main is None and not co_handlers and not followers:
        raise InvalidInput(_("Chọn ít nhất một cán bộ để phân công."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check_step(dossier, expected_step)
        _check(dossier, Action.ASSIGN, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        people = [(main, HandlerRole.MAIN)] if main is not None else []
        people += [(u, HandlerRole.CO) for u in co_handlers] + [(u, HandlerRole.FOLLOWER) for u in followers]
        for user, _role in people:
            _check_assignee(user, step.agency_id)
        previous_main = step.assignee
        if main is not None:
            step.assignee = main
            step.save(update_fields=["assignee"])
        for user, role in people:
            StepAssignment.objects.update_or_create(
                step=step, user=user, defaults={"role": role, "assigned_by": actor, "assigned_at": at}
            )
        dossier.assign()
        _record(
            dossier,
            action=Action.ASSIGN,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={
                "main": main.get_username() if main else None,
                "previous_main": previous_main.get_username() if previous_main else None,
                "co_handlers": [u.get_username() for u in co_handlers],
                "followers": [u.get_username() for u in followers],
            },
        )
    return dossier
