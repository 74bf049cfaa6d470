"""Ends of processing: resolution, returning the result, withdrawal and stop (form 05)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflows.clock import ClockEventKind
from workflows.models import ReturnChannel

from ..models import Action, Dossier, Result, Status, StepStatus
from .errors import InvalidInput, _require_note
from .recording import WHOLE, transition


def resolve_dossier(*, dossier, actor, result: str, note: str = "", expected_version=None, at=None) -> Dossier:
    """A leader ends processing with a result: an approval or a reasoned refusal."""
    if result not in Result.values:
        raise InvalidInput(_("Kết quả phải là “approved” hoặc “refused”."), errors={"result": [str(result)]})
    if result == Result.REFUSED:
        _require_note(note, _("Phải nêu lý do khi từ chối giải quyết."))
    with transition(dossier, Action.RESOLVE, actor, expected_version=expected_version, at=at) as change:
        change.close_step(StepStatus.CLOSED)
        change.dossier.resolve(at=change.at, result=result, note=note)
        change.clock(ClockEventKind.STOPPED, reason="resolved")
        change.note, change.data = note, {"result": result}
    return change.dossier


def return_result(
    *, dossier, actor, channel: str | None = None, note: str = "", expected_version=None, at=None
) -> Dossier:
    """Hand the result to the applicant (counter, post or online)."""
    with transition(
        dossier, Action.RETURN_RESULT, actor, expected_version=expected_version, related=WHOLE, at=at
    ) as change:
        channel = channel or change.dossier.return_channel
        if channel not in ReturnChannel.values:
            raise InvalidInput(_("Hình thức trả kết quả không hợp lệ: %(v)s.") % {"v": channel})
        change.dossier.return_result(at=change.at, channel=channel)
        change.note, change.data = note, {"channel": channel}
    return change.dossier


def withdraw_dossier(*, dossier, actor, note: str = "", expected_version=None, at=None) -> Dossier:
    """Withdrawn at the applicant's request, from any open state."""
    with transition(dossier, Action.WITHDRAW, actor, expected_version=expected_version, at=at) as change:
        change.close_step(StepStatus.CLOSED)
        change.dossier.withdraw(at=change.at)
        if change.before != Status.SUBMITTED:
            change.clock(ClockEventKind.STOPPED, reason="withdrawn")
        change.note = note
    return change.dossier


def stop_dossier(*, dossier, actor, note: str, expected_version=None, at=None) -> Dossier:
    """Form 05: the agency stops processing with a legal reason."""
    _require_note(note, _("Phải nêu căn cứ, lý do dừng xử lý."))
    with transition(dossier, Action.STOP, actor, expected_version=expected_version, at=at) as change:
        change.close_step(StepStatus.CLOSED)
        change.dossier.stop(at=change.at, reason=note)
        change.clock(ClockEventKind.STOPPED, reason="stopped")
        change.note, change.data = note, {"form": "05/TT-VPCP-2025"}
    return change.dossier
