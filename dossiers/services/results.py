"""Ends of processing: resolution, returning the result, withdrawal and stop (form 05)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onestop import fastsql
from workflows.clock import ClockEventKind
from workflows.models import ReturnChannel

from ..models import Action, Dossier, Result, Status, StepStatus
from .clocks import _append_clocks, _clock
from .errors import InvalidInput, _require_note
from .recording import _WHOLE, _locked, _now, _record
from .rules import _check
from .steps import _close_step


def resolve_dossier(*, dossier, actor, result: str, note: str = "", expected_version=None, at=None) -> Dossier:
    """A leader ends processing with a result: an approval or a reasoned refusal."""
    if result not in Result.values:
        raise InvalidInput(_("Kết quả phải là “approved” hoặc “refused”."), errors={"result": [str(result)]})
    if result == Result.REFUSED:
        _require_note(note, _("Phải nêu lý do khi từ chối giải quyết."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.RESOLVE, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        clocks = _close_step(dossier, step, at, StepStatus.CLOSED)
        dossier.resolve(at=at, result=result, note=note)
        clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="resolved"))
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.RESOLVE,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"result": result},
        )
    return dossier


def return_result(
    *, dossier, actor, channel: str | None = None, note: str = "", expected_version=None, at=None
) -> Dossier:
    """Hand the result to the applicant (counter, post or online)."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        channel = channel or dossier.return_channel
        if channel not in ReturnChannel.values:
            raise InvalidInput(_("Hình thức trả kết quả không hợp lệ: %(v)s.") % {"v": channel})
        _check(dossier, Action.RETURN_RESULT, actor)
        at, before = _now(at), dossier.status
        dossier.return_result(at=at, channel=channel)
        _record(
            dossier,
            action=Action.RETURN_RESULT,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            data={"channel": channel},
        )
    return dossier


def withdraw_dossier(*, dossier, actor, note: str = "", expected_version=None, at=None) -> Dossier:
    """Withdrawn at the applicant's request, from any open state."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.WITHDRAW, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        clocks = _close_step(dossier, step, at, StepStatus.CLOSED)
        dossier.withdraw(at=at)
        if before != Status.SUBMITTED:
            clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="withdrawn"))
        _append_clocks(dossier, clocks)
        _record(dossier, action=Action.WITHDRAW, from_status=before, actor=actor, at=at, note=note, step=step)
    return dossier


def stop_dossier(*, dossier, actor, note: str, expected_version=None, at=None) -> Dossier:
    """Form 05: the agency stops processing with a legal reason."""
    _require_note(note, _("Phải nêu căn cứ, lý do dừng xử lý."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.STOP, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        clocks = _close_step(dossier, step, at, StepStatus.CLOSED)
        dossier.stop(at=at, reason=note)
        clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="stopped"))
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.STOP,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"form": "05/TT-VPCP-2025"},
        )
    return dossier
