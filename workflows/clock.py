"""The clock of a dossier or of a step, derived from its append-only ledger (DOMAIN §5).

`read_clock` is the only function that turns clock events into a due date; `classify` is the only
early / on-time / late verdict. Worklists, the tracking page and reports all use these two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

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
    running: bool = False
    started_at: dt.datetime | None = None
    due_at: dt.datetime | None = None  # when the legal time runs out, net of stopped time; None while stopped
    remaining_seconds: float = 0.0  # legal time left when the clock last stopped or (re)started
    budget_seconds: float = 0.0
    extended_due_at: dt.datetime | None = None  # the re-dated appointment (form 04), if any
    ended_at: dt.datetime | None = None
    last_due_at: dt.datetime | None = None  # the due date as it stood when the clock last ran
    run_from: dt.datetime | None = None  # when the current run began

    @property
    def appointment_at(self) -> dt.datetime | None:
        """The date promised to the applicant: the re-dated one if the agency apologised."""
        return self.extended_due_at or self.due_at or self.last_due_at

    def to_json(self) -> dict:
        """The reading as stored beside the ledger on the dossier or step row."""
        stored = self.__dict__.copy()
        for name in _DATETIMES:
            value = stored[name]
            if value is not None:
                stored[name] = value.isoformat()
        return stored

    @classmethod
    def from_json(cls, data: dict) -> ClockReading:
        """A stored reading; a key it lacks (a row stored before the field existed) takes the field's default, a key
        that is no field is ignored."""
        values = _DEFAULT_VALUES.copy()
        values.update(data if data.keys() <= _NAMES else {name: data[name] for name in _NAMES & data.keys()})
        for name in _DATETIMES:
            value = values[name]
            if isinstance(value, str):
                values[name] = _from_iso(value)
        return _made(values)


_DEFAULT_VALUES = {f.name: f.default for f in fields(ClockReading)}  # what from_json fills a missing key with
_NAMES = frozenset(_DEFAULT_VALUES)  # what _replace may change
_DATETIMES = tuple(f.name for f in fields(ClockReading) if f.type.startswith("dt.datetime"))  # stored as ISO 8601
_from_iso = dt.datetime.fromisoformat

EMPTY = ClockReading()


def _replace(reading: ClockReading, **changes) -> ClockReading:
    """`dataclasses.replace` for a reading, in a third of its time: the values copied and changed, without running
    `__init__` again (the class has no `__post_init__`, so `__init__` only sets the fields). A name that is no field
    is refused, as `dataclasses.replace` refuses it."""
    if not changes.keys() <= _NAMES:
        raise TypeError(f"ClockReading has no field {sorted(changes.keys() - _NAMES)}")
    values = reading.__dict__.copy()
    values.update(changes)
    return _made(values)


def _made(values: dict) -> ClockReading:
    """A reading with these values (every field's), without running `__init__`: the class has no `__post_init__`,
    so `__init__` would only set the fields."""
    made = object.__new__(ClockReading)
    made.__dict__.update(values)
    return made


def advance(reading: ClockReading, e: ClockEntry, calendar: WorkingCalendar) -> ClockReading:
    """The clock after one more ledger event. Replaying a ledger is folding this over it from EMPTY; a
    service folds only the events it appends onto the reading stored with the row."""
    if e.kind in (ClockEventKind.STARTED, ClockEventKind.RESTARTED):
        if e.kind == ClockEventKind.STARTED:
            budget, started_at = float(e.budget_seconds or 0), reading.started_at or e.at
        else:  # a restart after a supplement: the budget given, else the one it had
            budget = float(e.budget_seconds if e.budget_seconds is not None else reading.budget_seconds)
            started_at = reading.started_at
        due = calendar.shift(e.at, budget)
        return _replace(
            reading,
            running=True,
            started_at=started_at,
            run_from=e.at,
            remaining_seconds=budget,
            budget_seconds=budget,
            due_at=due,
            last_due_at=due,
        )
    if e.kind == ClockEventKind.PAUSED and reading.running:
        return _halted(reading, e.at, calendar)
    if e.kind == ClockEventKind.RESUMED and not reading.running and reading.ended_at is None:
        due = calendar.shift(e.at, reading.remaining_seconds)
        return _replace(reading, running=True, run_from=e.at, due_at=due, last_due_at=due)
    if e.kind == ClockEventKind.EXTENDED:
        return _replace(reading, extended_due_at=e.new_due_at)
    if e.kind == ClockEventKind.STOPPED:
        return _replace(_halted(reading, e.at, calendar) if reading.running else reading, ended_at=e.at)
    return reading


def _halted(reading: ClockReading, at: dt.datetime, calendar: WorkingCalendar) -> ClockReading:
    """The running clock stopped at `at`: the working time spent since it last ran is taken off."""
    return _replace(
        reading,
        running=False,
        run_from=None,
        due_at=None,
        last_due_at=reading.due_at,
        remaining_seconds=reading.remaining_seconds - calendar.between(reading.run_from, at),
    )


def read_clock(entries: Iterable[ClockEntry], calendar: WorkingCalendar, reading: ClockReading = EMPTY) -> ClockReading:
    """Replay a ledger (in the order it was recorded), from scratch or from a stored reading."""
    for entry in entries:
        reading = advance(reading, entry, calendar)
    return reading


def classify(
    *,
    end_at: dt.datetime,
    due_at: dt.datetime,
    supplement_requests: int = 0,
    calendar: WorkingCalendar | None = None,
    stopped_with_remaining: float | None = None,
) -> str:
    """Early / on time / late (Decision 766): on time when the end is no later than the due date net of
    supplement time; more than one supplement request during processing counts as late; early when it
    ended on a working day before the due day. A stop (form 05, `stopped_with_remaining` = the working
    time left when it stopped) is not a resolution: late only if the legal time had already run out, since
    comparing with the last due date would count time spent waiting in supplement against it."""
    if stopped_with_remaining is not None:
        return Verdict.LATE if stopped_with_remaining < 0 else Verdict.ON_TIME
    if supplement_requests > 1 or end_at > due_at:
        return Verdict.LATE
    tz = calendar.tz if calendar is not None else dt.UTC
    if end_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return Verdict.EARLY
    return Verdict.ON_TIME
