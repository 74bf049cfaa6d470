"""Processing steps: starting, completing, sending back and assigning handlers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from workflows.clock import ClockEventKind
from workflows.models import ProcessStep, StaffRole

from .. import permissions as perms
from ..models import Action, Dossier, DossierStep, HandlerRole, Result, StepAssignment, StepStatus
from .clocks import _budget
from .documents import DocumentInput, _add_documents, _doc_refs
from .errors import InvalidInput, _require_note
from .recording import WHOLE, transition


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


def _check_assignee(user, agency_id: int) -> None:
    if user is not None and not user.is_superuser and not perms.has_role(user, agency_id, *StaffRole.values):
        raise InvalidInput(
            _("Cán bộ %(user)s không thuộc cơ quan thực hiện bước này.") % {"user": user.get_username()},
            errors={"assignee": [_("Không thuộc cơ quan thực hiện.")]},
        )


def start_processing(*, dossier, actor, note: str = "", assignee=None, expected_version=None, at=None) -> Dossier:
    """Received → processing: the first step of the dossier's process version is opened."""
    with transition(dossier, Action.START, actor, expected_version=expected_version, related=WHOLE, at=at) as change:
        dossier = change.dossier
        dossier.process = dossier.running_process()
        first = dossier.step_to_open(Action.START)
        _check_assignee(assignee, dossier.agency_of(first))
        change.step = _open_step(dossier, first, change.at, assignee=assignee, by=actor)
        dossier.start(first_step=change.step)
        change.clock(ClockEventKind.STARTED, step=change.step, budget_seconds=_budget(dossier, first))
        change.note, change.data = note, {"process_version": dossier.process.number}
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
    with transition(
        dossier,
        Action.COMPLETE_STEP,
        actor,
        expected_version=expected_version,
        expected_step=expected_step,
        related=("procedure",),  # the next step's budget reads its time unit
        at=at,
    ) as change:
        dossier = change.dossier
        following = dossier.step_to_open(Action.COMPLETE_STEP)
        versions = _add_documents(dossier, documents, actor, is_result=following is None)
        change.close_step(StepStatus.DONE)
        next_step = None
        if following is not None:
            _check_assignee(assignee, dossier.agency_of(following))
            next_step = _open_step(dossier, following, change.at, assignee=assignee, by=actor)
            change.clock(ClockEventKind.STARTED, step=next_step, budget_seconds=_budget(dossier, following))
        dossier.complete_step(next_step=next_step, at=change.at, result=result, result_note=note)
        if next_step is None:
            change.clock(ClockEventKind.STOPPED, reason="resolved")
        change.note = note
        change.data = {
            "next_step": next_step.name if next_step else None,
            "documents": _doc_refs(versions),
            "result": dossier.result,
        }
    return dossier


def send_back(
    *, dossier, actor, note: str, expected_version=None, expected_step: int | None = None, at=None
) -> Dossier:
    """Return the dossier to the previous step (trả lại bước trước), to the handler who did it."""
    _require_note(note, _("Phải nêu lý do trả lại bước trước."))
    with transition(
        dossier,
        Action.SEND_BACK,
        actor,
        expected_version=expected_version,
        expected_step=expected_step,
        related=("procedure",),
        at=at,
    ) as change:
        dossier = change.dossier
        previous = dossier.process.step_before(change.step.order)
        last_pass = (
            DossierStep.objects.filter(dossier=dossier, process_step=previous).order_by("-started_at", "-id").first()
        )
        change.close_step(StepStatus.SENT_BACK)
        step = _open_step(dossier, previous, change.at, assignee=last_pass.assignee if last_pass else None, by=actor)
        change.clock(ClockEventKind.STARTED, step=step, budget_seconds=_budget(dossier, previous))
        dossier.send_back(previous_step=step)
        change.note, change.data = note, {"to_step": step.name}
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
    with transition(
        dossier, Action.ASSIGN, actor, expected_version=expected_version, expected_step=expected_step, at=at
    ) as change:
        step = change.step
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
                step=step, user=user, defaults={"role": role, "assigned_by": actor, "assigned_at": change.at}
            )
        change.dossier.assign()
        change.note = note
        change.data = {
            "main": main.get_username() if main else None,
            "previous_main": previous_main.get_username() if previous_main else None,
            "co_handlers": [u.get_username() for u in co_handlers],
            "followers": [u.get_username() for u in followers],
        }
    return change.dossier
