"""The dossier's and its steps' clocks: ledger rows appended and folded onto the stored readings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from workflows.calendar import WorkingCalendar, calendar_of
from workflows.clock import ClockEntry, ClockReading, classify, read_clock
from workflows.models import ProcessStep, TimeUnit

from ..models import ClockEvent, Dossier, DossierStep, Status


def dossier_calendar(dossier: Dossier) -> WorkingCalendar:
    """The working calendar a dossier's time is counted in: its competent agency's."""
    return calendar_of(dossier.competent_agency_id)


def remaining_working_seconds(dossier: Dossier, now: dt.datetime | None = None) -> float | None:
    """Working time left before the due date (negative when late); the stored remainder while the
    clock is stopped."""
    if not dossier.clock_running or dossier.due_at is None:
        return dossier.remaining_seconds
    return dossier_calendar(dossier).between(now or timezone.now(), dossier.due_at)


def _step_calendar(step: DossierStep) -> WorkingCalendar:
    """The working calendar a step's time is counted in: the agency's doing it."""
    return calendar_of(step.agency_id)


def _clock(
    dossier: Dossier,
    kind: str,
    at: dt.datetime,
    *,
    step: DossierStep | None = None,
    budget_seconds: float | None = None,
    new_due_at=None,
    reason: str = "",
) -> ClockEvent:
    return ClockEvent(
        dossier=dossier,
        step=step,
        kind=kind,
        at=at,
        budget_seconds=budget_seconds,
        new_due_at=new_due_at,
        reason=reason[:255],
    )


def _both_clocks(
    dossier: Dossier, step: DossierStep | None, kind: str, at: dt.datetime, *, restart: bool = False, reason: str = ""
) -> list[ClockEvent]:
    """The same event on the dossier's clock and on its current step's: a pause, a resume, or a restart
    with the full budgets (the procedure's and the step's)."""
    events = [_clock(dossier, kind, at, budget_seconds=_dossier_budget(dossier) if restart else None, reason=reason)]
    if step is not None:
        budget = _budget(dossier, step.process_step) if restart else None
        events.append(_clock(dossier, kind, at, step=step, budget_seconds=budget, reason=reason))
    return events


def _append_clocks(dossier: Dossier, events: Sequence[ClockEvent]) -> None:
    """Append clock events and fold them onto the readings stored with the dossier and its steps, so
    the due dates follow from the ledger without re-reading it (`read_dossier_clock` replays it whole)."""
    if not events:
        return
    ClockEvent.objects.bulk_create(events)  # one INSERT for all of them
    dossier_events = [e for e in events if e.step_id is None]
    if dossier_events:
        calendar = dossier_calendar(dossier)
        reading = read_clock((_entry(e) for e in dossier_events), calendar, ClockReading.from_json(dossier.clock_state))
        _apply_dossier_reading(dossier, reading)
    steps = {e.step_id: e.step for e in events if e.step_id}
    for step_id, step in steps.items():
        calendar = _step_calendar(step)
        reading = read_clock(
            (_entry(e) for e in events if e.step_id == step_id), calendar, ClockReading.from_json(step.clock_state)
        )
        step.clock_state = reading.to_json()
        step.due_at = reading.due_at or reading.last_due_at
        step.remaining_seconds = reading.remaining_seconds
        if reading.ended_at and step.due_at:
            step.verdict = classify(end_at=reading.ended_at, due_at=step.due_at, calendar=calendar)
        step.save(update_fields=["clock_state", "due_at", "remaining_seconds", "verdict", "status", "completed_at"])


def _entry(event: ClockEvent) -> ClockEntry:
    return ClockEntry(event.kind, event.at, event.budget_seconds, event.new_due_at)


def _apply_dossier_reading(dossier: Dossier, reading: ClockReading) -> None:
    dossier.clock_state = reading.to_json()
    dossier.clock_running = reading.running
    dossier.due_at = reading.due_at or reading.last_due_at
    dossier.appointment_at = reading.appointment_at
    dossier.remaining_seconds = reading.remaining_seconds
    if reading.ended_at and dossier.due_at and dossier.status in (Status.RESOLVED, Status.STOPPED):
        dossier.verdict = classify(
            end_at=reading.ended_at,
            due_at=dossier.due_at,
            supplement_requests=dossier.supplement_requests,
            calendar=dossier_calendar(dossier),
            stopped_with_remaining=reading.remaining_seconds if dossier.status == Status.STOPPED else None,
        )


def read_dossier_clock(dossier: Dossier):
    """The dossier's clock as the ledger says now (for screens that want more than the stored fields)."""
    entries = [
        ClockEntry(k, a, b, n)
        for k, a, b, n in dossier.clock_events.filter(step__isnull=True)
        .order_by("id")
        .values_list("kind", "at", "budget_seconds", "new_due_at")
    ]
    return read_clock(entries, dossier_calendar(dossier))


def _budget(dossier: Dossier, step: ProcessStep) -> float:
    """A step's time limit in working seconds. Its hours are set in working days of the length its process
    version was written for (`ProcessVersion.day_hours`); where the dossier's days are shorter or longer (a
    version for every commune, each with its own hours), the step keeps its share of the procedure's limit, so
    the steps still add up to it."""
    seconds = float(step.time_limit_hours) * 3600
    process = dossier.process if dossier.process_id == step.process_id else step.process
    written_at = process.agency_id or dossier.procedure.competent_agency_id  # as ProcessVersion.day_hours says
    if dossier.procedure.time_unit != TimeUnit.DAYS or written_at == dossier.competent_agency_id:
        return seconds
    return seconds * dossier_calendar(dossier).day_seconds() / calendar_of(written_at).day_seconds()


def _dossier_budget(dossier: Dossier) -> float:
    """The procedure's legal limit in working seconds, its days as long as the competent agency's."""
    return dossier.procedure.time_limit_seconds(dossier_calendar(dossier).day_seconds())
