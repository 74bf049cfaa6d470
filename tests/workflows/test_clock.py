"""The clock of a dossier and of its steps (DOMAIN §3, §5): due dates from the ledger, supplement and
pause time not counted, apologies, and the early / on-time / late verdict."""

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers import services
from dossiers.models import ClockEvent, DossierEvent, DossierStep, Status
from dossiers.services import InvalidInput
from tests.factories import ProcedureFactory, at, make_process
from workflows.calendar import calendar_for
from workflows.clock import ClockEntry, ClockEventKind, ClockReading, Verdict, classify, read_clock
from workflows.models import SupplementPolicy

HOUR = 3600.0
STARTED, PAUSED, RESUMED = ClockEventKind.STARTED, ClockEventKind.PAUSED, ClockEventKind.RESUMED
RESTARTED, EXTENDED, STOPPED = ClockEventKind.RESTARTED, ClockEventKind.EXTENDED, ClockEventKind.STOPPED


def reload(dossier):
    dossier.refresh_from_db()
    return dossier


def processing(world, *, received=None, started=None):
    """A counter dossier received at `received` (default Tue 12/8/2025 09:00, due Fri 15/8 09:00) and
    started an hour later."""
    received = received or at(2025, 8, 12, 9)
    dossier = world.counter_dossier(when=received)
    return services.start_processing(
        dossier=dossier, actor=world.counter, at=started or received + dt.timedelta(hours=1)
    )


# -- due dates --------------------------------------------------------------------------------------
def test_three_working_days_from_tuesday_morning(world):
    dossier = reload(world.counter_dossier(when=at(2025, 8, 12, 9)))
    assert dossier.due_at == at(2025, 8, 15, 9)
    assert dossier.appointment_at == at(2025, 8, 15, 9)
    assert dossier.remaining_seconds == 24 * HOUR
    assert dossier.clock_running is True


def test_due_date_across_tet_2026(world):
    # Thu 12/2: 6 h (9:00–17:00 less lunch); Fri 13/2: 8 h; 14/2–22/2 weekend and Tết;
    # Mon 23/2: 8 h; Tue 24/2: the last 2 h, to 9:00.
    dossier = reload(world.counter_dossier(when=at(2026, 2, 12, 9)))
    assert dossier.due_at == at(2026, 2, 24, 9)


def test_due_date_counts_the_make_up_saturday(world):
    # Thu 24/4/2025: 6 h; Fri 25/4: 8 h; Sat 26/4 (make-up working day): 8 h; Mon 28/4: 2 h.
    dossier = reload(world.counter_dossier(when=at(2025, 4, 24, 9)))
    assert dossier.due_at == at(2025, 4, 28, 9)


# -- the clock stops in supplement and pause ---------------------------------------------------------
def test_time_in_supplement_does_not_count_with_the_resume_policy(world):
    dossier = processing(world)
    # 12/8 9:00–17:00 is 6 h, 13/8 7:00–9:00 is 2 h: 8 h used, 16 h left.
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Bản sao sổ hộ khẩu"], at=at(2025, 8, 13, 9)
    )
    dossier = reload(dossier)
    assert dossier.status == Status.SUPPLEMENT
    assert dossier.clock_running is False
    assert dossier.remaining_seconds == 16 * HOUR
    services.submit_supplement(dossier=dossier, actor=world.counter, at=at(2025, 8, 18, 9))
    dossier = reload(dossier)
    assert dossier.clock_running is True
    assert dossier.remaining_seconds == 16 * HOUR
    # Mon 18/8 from 9:00: 6 h; Tue 19/8: 8 h; Wed 20/8: 2 h.
    assert dossier.due_at == at(2025, 8, 20, 9)
    assert ClockEvent.objects.filter(dossier=dossier, step__isnull=True, kind=RESUMED).count() == 1


def test_the_restart_policy_gives_the_full_limit_again(world):
    world.procedure.supplement_policy = SupplementPolicy.RESTART
    world.procedure.save()
    dossier = processing(world)
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"], at=at(2025, 8, 13, 9)
    )
    services.submit_supplement(dossier=dossier, actor=world.counter, at=at(2025, 8, 18, 9))
    dossier = reload(dossier)
    assert dossier.remaining_seconds == 24 * HOUR
    # Mon 18/8 from 9:00: 6 h; Tue 19/8 and Wed 20/8: 16 h; Thu 21/8: 2 h.
    assert dossier.due_at == at(2025, 8, 21, 9)
    assert ClockEvent.objects.filter(dossier=dossier, step__isnull=True, kind=RESTARTED).count() == 1


def test_the_step_clock_also_stops_in_supplement(world):
    dossier = processing(world)  # step 1 (4 h) started 12/8 10:00, due 16:00
    step = DossierStep.objects.get(dossier=dossier)
    assert step.due_at == at(2025, 8, 12, 16)
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"], at=at(2025, 8, 12, 11)
    )
    services.submit_supplement(dossier=dossier, actor=world.counter, at=at(2025, 8, 13, 9))
    step.refresh_from_db()
    # 1 h used, 3 h left from 13/8 9:00: 2.5 h in the morning, 0.5 h after lunch.
    assert step.due_at == at(2025, 8, 13, 14)
    assert step.remaining_seconds == 3 * HOUR


def test_pause_and_resume(world):
    dossier = processing(world)
    services.pause_dossier(dossier=dossier, actor=world.counter, reason="inter_agency", at=at(2025, 8, 13, 9))
    dossier = reload(dossier)
    assert dossier.status == Status.PAUSED
    assert dossier.clock_running is False
    assert dossier.remaining_seconds == 16 * HOUR
    services.resume_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 18, 9))
    dossier = reload(dossier)
    assert dossier.clock_running is True
    assert dossier.due_at == at(2025, 8, 20, 9)
    kinds = list(ClockEvent.objects.filter(dossier=dossier, step__isnull=True).values_list("kind", flat=True))
    assert kinds == [STARTED, PAUSED, RESUMED]


# -- apology (form 04) ------------------------------------------------------------------------------
def test_an_apology_sets_a_new_appointment_but_keeps_the_due_date(world):
    dossier = processing(world)
    services.apologize(
        dossier=dossier,
        actor=world.leader,
        new_appointment=dt.date(2025, 8, 20),
        note="Chờ xác minh của cơ quan liên quan",
        at=at(2025, 8, 14, 10),
    )
    dossier = reload(dossier)
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(2025, 8, 15, 9)
    assert dossier.appointment_at == at(2025, 8, 20, 17)
    extended = ClockEvent.objects.get(dossier=dossier, kind=EXTENDED)
    assert extended.new_due_at == at(2025, 8, 20, 17)
    event = dossier.events.get(action="apologize")
    assert event.data["new_appointment_at"] == at(2025, 8, 20, 17).isoformat()
    # The original due date still decides: resolved before the new appointment is still late.
    services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 19, 10))
    dossier = reload(dossier)
    assert dossier.verdict == Verdict.LATE
    assert dossier.due_at == at(2025, 8, 15, 9)


@pytest.mark.parametrize(
    ("new_appointment", "words"),
    [
        (dt.date(2025, 8, 14), "phải sau ngày hẹn hiện tại"),  # before the appointment (15/8 9:00)
        (at(2025, 8, 15, 9), "phải sau ngày hẹn hiện tại"),  # the appointment itself
        (dt.date(2025, 8, 23), "không phải ngày làm việc"),  # a Saturday
        (dt.date(2025, 9, 2), "không phải ngày làm việc"),  # National Day
    ],
)
def test_an_apology_is_refused_for_a_date_not_after_the_current_one_or_not_working(world, new_appointment, words):
    dossier = reload(processing(world))
    events, clocks = dossier.events.count(), ClockEvent.objects.filter(dossier=dossier).count()
    with pytest.raises(InvalidInput) as refused:
        services.apologize(
            dossier=dossier, actor=world.leader, new_appointment=new_appointment, note="Xin lỗi", at=at(2025, 8, 14)
        )
    assert refused.value.status == 400
    assert words in refused.value.message
    dossier = reload(dossier)
    assert dossier.appointment_at == at(2025, 8, 15, 9)
    assert dossier.events.count() == events
    assert ClockEvent.objects.filter(dossier=dossier).count() == clocks


def test_a_second_apology_must_go_beyond_the_first(world):
    dossier = processing(world)
    services.apologize(
        dossier=dossier, actor=world.leader, new_appointment=dt.date(2025, 8, 20), note="Lần 1", at=at(2025, 8, 14)
    )
    with pytest.raises(InvalidInput):
        services.apologize(
            dossier=dossier,
            actor=world.leader,
            new_appointment=dt.date(2025, 8, 19),
            note="Lần 2",
            at=at(2025, 8, 14, 15),
        )
    services.apologize(
        dossier=dossier, actor=world.leader, new_appointment=dt.date(2025, 8, 22), note="Lần 2", at=at(2025, 8, 14, 15)
    )
    assert reload(dossier).appointment_at == at(2025, 8, 22, 17)


def test_no_apology_once_late_and_the_dossier_stays_late(world):
    dossier = processing(world)  # due 15/8 9:00
    events = dossier.events.count()

    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.apologize(
            dossier=dossier, actor=world.leader, new_appointment=dt.date(2025, 8, 25), note="Trễ", at=at(2025, 8, 18)
        )

    assert "đã quá hạn giải quyết nên không còn xin lỗi và hẹn lại được" in refused.value.message
    dossier = reload(dossier)
    assert dossier.appointment_at == at(2025, 8, 15, 9)
    assert dossier.events.count() == events
    services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 19, 10))
    assert reload(dossier).verdict == Verdict.LATE


def test_no_apology_for_a_paused_dossier_whose_time_ran_out(world):
    dossier = processing(world)
    services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification", at=at(2025, 8, 18))

    with pytest.raises(services.TransitionNotAllowed):
        services.apologize(
            dossier=dossier, actor=world.leader, new_appointment=dt.date(2025, 8, 25), note="Trễ", at=at(2025, 8, 19)
        )


# -- verdicts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("resolved", "verdict"),
    [
        (at(2025, 8, 13, 10), Verdict.EARLY),  # a working day before the due day
        (at(2025, 8, 15, 8), Verdict.ON_TIME),  # the due day, before the hour
        (at(2025, 8, 15, 9), Verdict.ON_TIME),  # the due instant itself
        (at(2025, 8, 15, 10), Verdict.LATE),
        (at(2025, 8, 18, 8), Verdict.LATE),
    ],
)
def test_verdict_of_a_resolved_dossier(world, resolved, verdict):
    dossier = processing(world)
    services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=resolved)
    dossier = reload(dossier)
    assert dossier.status == Status.RESOLVED
    assert dossier.clock_running is False
    assert dossier.verdict == verdict


def _supplement_round(world, dossier, asked, handed_in):
    services.request_supplement(dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"], at=asked)
    services.submit_supplement(dossier=dossier, actor=world.counter, at=handed_in)


def test_one_supplement_request_does_not_make_it_late(world):
    dossier = processing(world)
    _supplement_round(world, dossier, at(2025, 8, 12, 11), at(2025, 8, 12, 14))
    services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 13, 9))
    assert reload(dossier).verdict == Verdict.EARLY


def test_more_than_one_supplement_request_during_processing_counts_as_late(world):
    dossier = processing(world)
    _supplement_round(world, dossier, at(2025, 8, 12, 11), at(2025, 8, 12, 14))
    _supplement_round(world, dossier, at(2025, 8, 12, 15), at(2025, 8, 12, 16))
    services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 13, 9))
    dossier = reload(dossier)
    assert dossier.supplement_requests == 2
    assert dossier.verdict == Verdict.LATE


def test_a_supplement_asked_at_receipt_is_not_counted_against_processing(world):
    dossier = world.online_dossier(when=at(2025, 8, 11, 9))
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"], at=at(2025, 8, 11, 10)
    )
    services.submit_supplement(dossier=dossier, actor=world.applicant, at=at(2025, 8, 12, 8))
    services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 9))
    dossier = reload(dossier)
    assert dossier.supplement_requests == 0
    assert dossier.status == Status.RECEIVED


def test_classify():
    due = at(2025, 8, 15, 9)
    cal = None
    assert classify(end_at=at(2025, 8, 14, 16), due_at=due, calendar=cal) == Verdict.EARLY
    assert classify(end_at=at(2025, 8, 15, 7), due_at=due, calendar=cal) == Verdict.ON_TIME
    assert classify(end_at=at(2025, 8, 15, 9, 1), due_at=due, calendar=cal) == Verdict.LATE
    assert classify(end_at=at(2025, 8, 13), due_at=due, supplement_requests=2, calendar=cal) == Verdict.LATE
    # A stop is judged by the legal time left when it stopped, not by the last due date.
    assert classify(end_at=at(2025, 8, 16), due_at=due, stopped_with_remaining=3600.0) == Verdict.ON_TIME
    assert classify(end_at=at(2025, 8, 14), due_at=due, stopped_with_remaining=-60.0) == Verdict.LATE


def test_classify_uses_the_local_day(db):
    # 15/8 00:30 local is still 14/8 in UTC; with the local calendar it is the due day: on time, not early.
    cal = calendar_for(None)
    assert classify(end_at=at(2025, 8, 15, 0, 30), due_at=at(2025, 8, 15, 9), calendar=cal) == Verdict.ON_TIME


# -- step due dates ---------------------------------------------------------------------------------
def test_each_step_has_its_own_due_date_and_verdict(world):
    dossier = processing(world)  # steps of 4, 12, 4 and 4 working hours
    first = DossierStep.objects.get(dossier=dossier, order=1)
    assert first.due_at == at(2025, 8, 12, 16)  # 10:00 + 1.5 h + 2.5 h after lunch
    services.complete_step(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 15))
    first.refresh_from_db()
    assert first.verdict == Verdict.ON_TIME
    second = DossierStep.objects.get(dossier=dossier, order=2)
    # From 12/8 15:00: 2 h that day, 8 h on 13/8, 2 h on 14/8.
    assert second.due_at == at(2025, 8, 14, 9)
    services.complete_step(dossier=dossier, actor=world.specialist, at=at(2025, 8, 14, 11))
    second.refresh_from_db()
    assert second.verdict == Verdict.LATE
    third = DossierStep.objects.get(dossier=dossier, order=3)
    assert third.due_at == at(2025, 8, 14, 17)  # 11:00 + 0.5 h, then 13:30 + 3.5 h
    # The dossier's own due date is not moved by the steps.
    assert reload(dossier).due_at == at(2025, 8, 15, 9)


# -- properties of read_clock -----------------------------------------------------------------------
MINUTE = 60
starts = st.integers(min_value=0, max_value=600 * 24 * 60).map(
    lambda minutes: at(2025, 1, 2, 0) + dt.timedelta(minutes=minutes)
)
budgets = st.integers(min_value=1, max_value=15 * 8 * 60).map(lambda minutes: float(minutes * MINUTE))
gaps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=20 * 24 * 60), st.integers(min_value=0, max_value=20 * 24 * 60)),
    max_size=5,
)
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _ledger(start, budget, pairs):
    """STARTED, then a pause and a resume per pair (gap before the pause, length of the pause)."""
    entries = [ClockEntry(STARTED, start, budget)]
    now = start
    for gap, length in pairs:
        now += dt.timedelta(minutes=gap)
        entries.append(ClockEntry(PAUSED, now))
        now += dt.timedelta(minutes=length)
        entries.append(ClockEntry(RESUMED, now))
    return entries


@PROPERTY
@given(start=starts, budget=budgets, pairs=gaps)
def test_pauses_never_make_the_due_date_earlier(province, start, budget, pairs):
    dues = [read_clock(_ledger(start, budget, pairs[:k]), province).due_at for k in range(len(pairs) + 1)]
    assert dues[0] == province.add(start, budget)
    assert all(earlier <= later for earlier, later in zip(dues, dues[1:], strict=False))


@PROPERTY
@given(start=starts, budget=budgets, pairs=gaps, end_paused=st.booleans())
def test_consumed_time_never_exceeds_elapsed_working_time(province, start, budget, pairs, end_paused):
    entries = _ledger(start, budget, pairs)
    if end_paused and pairs:
        entries = entries[:-1]
    reading = read_clock(entries, province)
    consumed = reading.budget_seconds - reading.remaining_seconds
    assert 0 <= consumed <= province.between(start, entries[-1].at)
    assert reading.running is not (end_paused and bool(pairs))


@PROPERTY
@given(start=starts, budget=budgets, pairs=gaps, later=st.integers(0, 30 * 24 * 60), new_budget=budgets)
def test_restart_resets_remaining_to_the_full_budget(province, start, budget, pairs, later, new_budget):
    entries = _ledger(start, budget, pairs)
    restart_at = entries[-1].at + dt.timedelta(minutes=later)
    reading = read_clock([*entries, ClockEntry(RESTARTED, restart_at, new_budget)], province)
    assert reading.running
    assert reading.remaining_seconds == new_budget
    assert reading.budget_seconds == new_budget
    assert reading.due_at == province.add(restart_at, new_budget)
    assert reading.started_at == start


@PROPERTY
@given(start=starts, budget=budgets, pairs=gaps, later=st.integers(0, 30 * 24 * 60))
def test_an_extension_moves_the_appointment_not_the_due_date(province, start, budget, pairs, later):
    entries = _ledger(start, budget, pairs)
    plain = read_clock(entries, province)
    new_date = plain.due_at + dt.timedelta(days=3)
    extended = read_clock([*entries, ClockEntry(EXTENDED, entries[-1].at, new_due_at=new_date)], province)
    assert extended.due_at == plain.due_at
    assert extended.remaining_seconds == plain.remaining_seconds
    assert extended.appointment_at == new_date
    stopped_at = entries[-1].at + dt.timedelta(minutes=later)
    ended = read_clock([*entries, ClockEntry(STOPPED, stopped_at)], province)
    assert not ended.running
    assert ended.ended_at == stopped_at
    assert ended.last_due_at == plain.due_at


def test_the_dossier_fields_match_the_ledger(world):
    dossier = processing(world)
    services.pause_dossier(dossier=dossier, actor=world.counter, reason="financial", at=at(2025, 8, 13, 9))
    services.resume_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 14, 13, 30))
    dossier = reload(dossier)
    reading = services.read_dossier_clock(dossier)
    assert dossier.due_at == reading.due_at
    assert dossier.remaining_seconds == reading.remaining_seconds
    assert dossier.clock_running == reading.running
    assert DossierEvent.objects.filter(dossier=dossier).count() == 4


def test_a_stored_reading_reads_back_as_it_was_and_missing_keys_take_their_defaults():
    """The reading kept on a dossier or step row (`to_json`) reads back equal, datetimes included; a row
    stored before a field existed reads that field's default, and a key that is no field is ignored."""
    ict = dt.timezone(dt.timedelta(hours=7))
    reading = ClockReading(
        running=True,
        started_at=dt.datetime(2026, 2, 10, 8, 0, tzinfo=ict),
        due_at=dt.datetime(2026, 2, 27, 16, 30, tzinfo=ict),
        remaining_seconds=3600.5,
        budget_seconds=7200.0,
        run_from=dt.datetime(2026, 2, 26, 9, 15, tzinfo=dt.UTC),
    )
    stored = reading.to_json()
    assert stored["due_at"] == "2026-02-27T16:30:00+07:00" and stored["extended_due_at"] is None
    assert ClockReading.from_json(stored) == reading
    del stored["run_from"], stored["budget_seconds"]
    stored["retired_field"] = "2026-02-27T16:30:00+07:00"
    older = ClockReading.from_json(stored)
    assert (older.run_from, older.budget_seconds, older.due_at) == (None, 0.0, reading.due_at)
    assert not hasattr(older, "retired_field")
    assert reading.to_json() is not reading.to_json()  # a new dict each time: changing it leaves the reading alone
    # every date of a reading (the fields that default to None) is stored as text JSON can hold, and read back
    dated = ClockReading(**{f.name: reading.due_at for f in dataclasses.fields(ClockReading) if f.default is None})
    assert ClockReading.from_json(json.loads(json.dumps(dated.to_json()))) == dated


def test_a_reading_changed_by_the_clock_is_the_one_dataclasses_replace_gives():
    """The clock copies a reading without running `__init__` again: the same as `dataclasses.replace` as long as
    the class has no `__post_init__`."""
    from workflows import clock

    at = dt.datetime(2026, 2, 16, 8, 0, tzinfo=dt.UTC)
    reading = ClockReading(running=True, started_at=at, due_at=at, remaining_seconds=3600.0, run_from=at)
    changes = {"running": False, "run_from": None, "due_at": None, "last_due_at": at, "remaining_seconds": 60.0}
    ours = clock._replace(reading, **changes)
    assert ours == dataclasses.replace(reading, **changes) and type(ours) is ClockReading
    assert reading.running and reading.due_at == at  # the original is left as it was
    assert not hasattr(ClockReading, "__post_init__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.running = True
    with pytest.raises(TypeError, match="due_on"):  # a misspelt field is refused, not stored beside the others
        clock._replace(reading, due_on=at)


# -- a working day is as long as the agency's own hours ------------------------------------------------
def test_a_day_of_a_7_5_hour_agency_ends_with_its_working_day(world):
    world.agency.morning_start = dt.time(7, 30)
    world.agency.save()  # 7:30–11:30 and 13:30–17:00: 7.5 hours
    procedure = ProcedureFactory(competent_agency=world.agency, time_limit=1)
    make_process(procedure, steps=[("Tiếp nhận", "counter", "2"), ("Thẩm định", "specialist", "5.5")])

    dossier = world.counter_dossier(procedure=procedure, when=at(2025, 8, 11, 7, 30))  # Monday

    assert reload(dossier).due_at == at(2025, 8, 11, 17)  # that evening, not Tuesday 8:00
    assert reload(dossier).appointment_at == at(2025, 8, 11, 17)


def test_an_8_hour_agency_keeps_its_8_hour_day(world):
    procedure = ProcedureFactory(competent_agency=world.agency, time_limit=1)
    make_process(procedure, steps=[("Tiếp nhận", "counter", "2"), ("Thẩm định", "specialist", "6")])

    dossier = world.counter_dossier(procedure=procedure, when=at(2025, 8, 11, 7, 30))

    assert reload(dossier).due_at == at(2025, 8, 12, 7, 30)
