"""The clock of a dossier or of a step, derived from its append-only ledger (DOMAIN §5).

`read_clock` is the only function that turns clock events into a due date; `classify` is the only
early / on-time / late verdict. Worklists, the tracking page and reports all use these two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import WorkingCalendar


class ClockEventKind(models.TextChoices):
    STARTED = "started", _("Bắt đầu tính thời hạn")
    PAUSED = "paused", _("Tạm dừng tính thời hạn")
    RESUMED = "resumed", _("Tiếp tục tính thời hạn")
    RESTARTED = "restarted", _("Tính lại thời hạn từ đầu")
    EXTENDED = "extended", _("Gia hạn (hẹn lại ngày trả)")
    STOPPED = "stopped", _("Kết thúc tính thời hạn")


class Verdict(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


@dataclass(frozen=True)
class ClockEntry:
    kind: str
    at: dt.datetime
    budget_seconds: float | None = None  # for STARTED and RESTARTED
    new_due_at: dt.datetime | None = None  # for EXTENDED


@dataclass(frozen=True)
class ClockReading:
    running: bool
    started_at: dt.datetime | None
    due_at: dt.datetime | None  # when the legal time runs out, net of stopped time; None while stopped
    remaining_seconds: float  # legal time left (negative once late)
    budget_seconds: float
    extended_due_at: dt.datetime | None  # the re-dated appointment (form 04), if any
    ended_at: dt.datetime | None
    last_due_at: dt.datetime | None  # the due date as it stood when the clock last ran

    @property
    def appointment_at(self) -> dt.datetime | None:
        """The date promised to the applicant: the re-dated one if the agency apologised."""
        return self.extended_due_at or self.due_at or self.last_due_at


def read_clock(entries: Iterable[ClockEntry], calendar: WorkingCalendar) -> ClockReading:
    """Replay a ledger. Events must be in the order they were recorded."""
    running = False
    started_at = None
    run_from: dt.datetime | None = None
    consumed = 0.0
    budget = 0.0
    extended = None
    ended = None
    last_due = None
    for e in entries:
        if e.kind == ClockEventKind.STARTED:
            started_at = started_at or e.at
            budget = float(e.budget_seconds or 0)
            consumed, run_from, running = 0.0, e.at, True
        elif e.kind == ClockEventKind.RESTARTED:
            budget = float(e.budget_seconds if e.budget_seconds is not None else budget)
            consumed, run_from, running = 0.0, e.at, True
        elif e.kind == ClockEventKind.PAUSED and running:
            last_due = calendar.shift(run_from, budget - consumed)
            consumed += calendar.between(run_from, e.at)
            running, run_from = False, None
        elif e.kind == ClockEventKind.RESUMED and not running and ended is None:
            run_from, running = e.at, True
        elif e.kind == ClockEventKind.EXTENDED:
            extended = e.new_due_at
        elif e.kind == ClockEventKind.STOPPED:
            if running:
                last_due = calendar.shift(run_from, budget - consumed)
                consumed += calendar.between(run_from, e.at)
                running, run_from = False, None
            ended = e.at
    due = None
    if running:
        due = last_due = calendar.shift(run_from, budget - consumed)
    return ClockReading(
        running=running,
        started_at=started_at,
        due_at=due,
        remaining_seconds=budget - consumed,
        budget_seconds=budget,
        extended_due_at=extended,
        ended_at=ended,
        last_due_at=last_due,
    )


def classify(
    *, end_at: dt.datetime, due_at: dt.datetime, supplement_requests: int = 0, calendar: WorkingCalendar | None = None
) -> str:
    """Early / on time / late (Decision 766): on time when the end is no later than the due date net of
    supplement time; more than one supplement request during processing counts as late; early when it
    ended on a working day before the due day."""
    if supplement_requests > 1 or end_at > due_at:
        return Verdict.LATE
    tz = calendar.tz if calendar is not None else dt.UTC
    if end_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return Verdict.EARLY
    return Verdict.ON_TIME


def due_at_for(entries: Sequence[ClockEntry], calendar: WorkingCalendar) -> dt.datetime | None:
    return read_clock(entries, calendar).due_at
