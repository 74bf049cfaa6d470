"""Pauses, resumptions and apologies with a new appointment (form 04)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from onestop import fastsql
from workflows.clock import ClockEventKind

from ..limits import APPOINTMENT_HORIZON
from ..models import Action, Dossier, PauseReason
from .clocks import _append_clocks, _both_clocks, _clock, dossier_calendar
from .errors import InvalidInput, _require_note
from .recording import _WHOLE, _locked, _now, _record
from .rules import _check


def pause_dossier(*, dossier, actor, reason: str, note: str = "", expected_version=None, at=None) -> Dossier:
    """Wait on something outside the agency; the clock stops."""
    if reason not in PauseReason.values:
        raise InvalidInput(
            _("Lý do tạm dừng không hợp lệ; chọn một trong: %s") % ", ".join(PauseReason.values),
            errors={"reason": [reason]},
        )
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.PAUSE, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        dossier.pause(reason=reason)
        _append_clocks(dossier, _both_clocks(dossier, step, ClockEventKind.PAUSED, at, reason=reason))
        _record(
            dossier,
            action=Action.PAUSE,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"reason": reason},
        )
    return dossier


def resume_dossier(*, dossier, actor, note: str = "", expected_version=None, at=None) -> Dossier:
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.RESUME, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        dossier.resume()
        _append_clocks(dossier, _both_clocks(dossier, step, ClockEventKind.RESUMED, at))
        _record(dossier, action=Action.RESUME, from_status=before, actor=actor, at=at, note=note, step=step)
    return dossier


def apologize(*, dossier, actor, new_appointment, note: str, expected_version=None, at=None) -> Dossier:
    """Form 04: apologise and set a new appointment date. The original due date still decides lateness."""
    _require_note(note, _("Phải nêu lý do xin lỗi và hẹn lại."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        at, before = _now(at), dossier.status
        dossier.as_of = at  # DOMAIN §3: an apology comes before the dossier is late, at the time it is made
        _check(dossier, Action.APOLOGIZE, actor)
        calendar = dossier_calendar(dossier)
        new_at = _appointment_instant(new_appointment, dossier)
        if new_at > at + APPOINTMENT_HORIZON:
            message = _("Ngày hẹn mới không được quá %(days)s ngày kể từ hôm nay.") % {"days": APPOINTMENT_HORIZON.days}
            raise InvalidInput(message, errors={"new_appointment": [message]})
        if not calendar.is_working_day(timezone.localtime(new_at).date()):
            raise InvalidInput(
                _("Ngày hẹn mới %(d)s không phải ngày làm việc.") % {"d": f"{timezone.localtime(new_at):%d/%m/%Y}"}
            )
        current = dossier.appointment_at
        if current and new_at <= current:
            raise InvalidInput(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(d)s).")
                % {"d": f"{timezone.localtime(current):%d/%m/%Y %H:%M}"}
            )
        dossier.apologize(new_appointment_at=new_at)
        _append_clocks(dossier, [_clock(dossier, ClockEventKind.EXTENDED, at, new_due_at=new_at, reason=note)])
        _record(
            dossier,
            action=Action.APOLOGIZE,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            data={
                "previous_appointment_at": current.isoformat() if current else None,
                "new_appointment_at": new_at.isoformat(),
                "form": "04/TT-VPCP-2025",
            },
        )
    return dossier


def _appointment_instant(value, dossier: Dossier) -> dt.datetime:
    """A date means the end of that working day at the competent agency."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        end = dossier.competent_agency.afternoon_end
        return dt.datetime.combine(value, end, tzinfo=timezone.get_current_timezone())
    raise InvalidInput(_("Ngày hẹn mới không hợp lệ."), errors={"new_appointment": [str(value)]})
