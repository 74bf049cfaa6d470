"""The working calendar (DOMAIN §3): counter hours, weekends, Vietnamese public holidays from the
`holidays` package, an admin's extra days off and make-up working Saturdays."""

import datetime as dt
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers import services
from dossiers.models import ClockEvent
from tests.factories import AgencyFactory, at
from workflows.calendar import calendar_for, calendar_of
from workflows.clock import ClockEventKind
from workflows.models import CalendarDay, DayKind, DayPart

HOUR = 3600
MORNING = (dt.time(7, 0), dt.time(11, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))


def d(year, month, day):
    return dt.date(year, month, day)


# -- hours ------------------------------------------------------------------------------------------
def test_a_weekday_has_the_default_counter_hours_of_eight_hours(province):
    tuesday = d(2025, 8, 12)
    assert province.intervals(tuesday) == [MORNING, AFTERNOON]
    assert province.between(at(2025, 8, 12, 0), at(2025, 8, 13, 0)) == 8 * HOUR


def test_an_agency_counts_on_its_own_hours(db):
    agency = AgencyFactory(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(16, 30),
    )
    cal = calendar_for(agency)
    assert cal.intervals(d(2025, 8, 12)) == [(dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(16, 30))]
    # 4 h in the morning, then the afternoon starts at 13:00, not 13:30.
    assert cal.add(at(2025, 8, 12, 7, 30), 5 * HOUR) == at(2025, 8, 12, 14, 0)
    assert calendar_for(None).add(at(2025, 8, 12, 7, 30), 5 * HOUR) == at(2025, 8, 12, 14, 30)


def test_edited_agency_hours_are_used_at_once(db):
    agency = AgencyFactory()
    assert calendar_for(agency).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 14, 0)
    agency.afternoon_start = dt.time(13, 0)
    agency.save()
    assert calendar_for(agency).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 13, 30)


def test_a_calendar_found_by_agency_key_counts_on_its_hours_and_sees_an_edit_at_once(db):
    """`calendar_of` (a dossier's calendar, found by its agency's key) reads the hours once and keeps them; saving
    the agency forgets them at once in this process."""
    agency = AgencyFactory(afternoon_start=dt.time(13, 0))
    assert calendar_of(agency.pk).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 13, 30)
    assert calendar_of(agency.pk) is calendar_of(agency.pk)
    assert calendar_of(None).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 14, 0)
    agency.afternoon_start = dt.time(14, 0)
    agency.save()
    assert calendar_of(agency.pk).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 14, 30)


def test_an_agency_edited_in_another_process_is_seen_within_seconds(db, monkeypatch):
    """Another process's edit reaches this one through the shared cache: once the recheck interval has passed,
    the cached hours are forgotten and read again."""
    from django.core.cache import cache

    from workflows import calendar

    calendar.load_national_year(2025)  # a year's first load is an edit of the calendar too
    agency = AgencyFactory()
    assert calendar_of(agency.pk).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 14, 0)
    AgencyFactory._meta.model.objects.filter(pk=agency.pk).update(afternoon_start=dt.time(13, 0))  # no save()
    cache.set(calendar._VERSION_KEY, "set by another process", None)
    assert calendar_of(agency.pk).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 14, 0)  # not yet rechecked
    now = time.monotonic()
    monkeypatch.setattr(calendar.time, "monotonic", lambda: now + calendar._RECHECK_SECONDS + 1)
    assert calendar_of(agency.pk).add(at(2025, 8, 12, 7), 5 * HOUR) == at(2025, 8, 12, 13, 30)


def test_the_embedded_default_shares_the_invalidation_between_processes(tmp_path):
    """Without Redis, the cache the calendars' invalidation goes through is one every process of the system reads
    (the web, the worker, the scheduler): what one process sets, another sees."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(ONESTOP_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="onestop.settings")
    code = (
        "import sys, django; django.setup(); from django.core.cache import cache; from workflows import calendar; "
        "calendar.invalidate_calendars() if sys.argv[1] == 'edit' else None; print(cache.get(calendar._VERSION_KEY))"
    )

    def process(what: str) -> str:
        ran = subprocess.run([sys.executable, "-c", code, what], env=env, capture_output=True, text=True, check=True)
        return ran.stdout.strip()

    before = process("read")
    edited = process("edit")
    assert edited != before and edited != "None"
    assert process("read") == edited
    assert process("edit") not in (edited, "None")  # every invalidation a new value


def test_weekends_are_not_working_days(province):
    assert province.intervals(d(2025, 8, 16)) == []  # Saturday
    assert province.intervals(d(2025, 8, 17)) == []  # Sunday
    friday_afternoon = at(2025, 8, 15, 16)
    assert province.add(friday_afternoon, 2 * HOUR) == at(2025, 8, 18, 8)
    assert province.between(at(2025, 8, 15, 17), at(2025, 8, 18, 7)) == 0


# -- national holidays ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "holiday",
    [
        d(2025, 1, 1),  # New Year
        d(2025, 1, 27),  # Tết 2025: 27/1 – 31/1
        d(2025, 1, 28),
        d(2025, 1, 29),
        d(2025, 1, 30),
        d(2025, 1, 31),
        d(2025, 4, 7),  # Hùng Kings day 2025
        d(2025, 4, 30),
        d(2025, 5, 1),
        d(2025, 5, 2),  # swapped with the make-up Saturday 26/4/2025
        d(2025, 9, 1),
        d(2025, 9, 2),
        d(2026, 2, 16),  # Tết 2026: 16/2 – 20/2
        d(2026, 2, 17),
        d(2026, 2, 18),
        d(2026, 2, 19),
        d(2026, 2, 20),
        d(2026, 4, 27),  # Hùng Kings day 2026 falls on a Sunday, observed on Monday
        d(2026, 4, 30),
        d(2026, 5, 1),
        d(2026, 9, 2),
    ],
)
def test_vietnamese_public_holidays_are_days_off(province, holiday):
    assert holiday.weekday() < 5
    assert not province.is_working_day(holiday)
    row = CalendarDay.objects.get(date=holiday, agency__isnull=True)
    assert row.kind == DayKind.HOLIDAY
    assert row.source == "national"


def test_the_holidays_are_loaded_into_the_editable_table_once(province):
    province.is_working_day(d(2025, 3, 3))
    count = CalendarDay.objects.filter(date__year=2025).count()
    assert count >= 12
    calendar_for(None).is_working_day(d(2025, 3, 3))
    assert CalendarDay.objects.filter(date__year=2025).count() == count


def test_tet_2026_leaves_a_nine_day_gap(province):
    friday_before = at(2026, 2, 13, 16)
    assert province.add(friday_before, 2 * HOUR) == at(2026, 2, 23, 8)
    assert province.between(at(2026, 2, 13, 17), at(2026, 2, 23, 7)) == 0


# -- admin edits ------------------------------------------------------------------------------------
def test_an_extra_day_off_changes_results_at_once(db):
    monday = d(2025, 8, 18)
    before = calendar_for(None).add(at(2025, 8, 15, 16), 2 * HOUR)
    assert before == at(2025, 8, 18, 8)
    CalendarDay.objects.create(date=monday, kind=DayKind.DAY_OFF, name="Nghỉ bổ sung")
    assert not calendar_for(None).is_working_day(monday)
    assert calendar_for(None).add(at(2025, 8, 15, 16), 2 * HOUR) == at(2025, 8, 19, 8)


def test_bulk_edits_of_the_calendar_change_results_at_once(db):
    friday_afternoon = at(2025, 8, 15, 16)
    assert calendar_for(None).add(friday_afternoon, 2 * HOUR) == at(2025, 8, 18, 8)
    CalendarDay.objects.bulk_create([CalendarDay(date=d(2025, 8, 18), kind=DayKind.DAY_OFF, name="Nghỉ")])
    assert calendar_for(None).add(friday_afternoon, 2 * HOUR) == at(2025, 8, 19, 8)
    CalendarDay.objects.filter(date=d(2025, 8, 18)).update(part=DayPart.MORNING)
    assert calendar_for(None).add(friday_afternoon, 2 * HOUR) == at(2025, 8, 18, 14, 30)
    CalendarDay.objects.filter(date=d(2025, 8, 18)).delete()
    assert calendar_for(None).add(friday_afternoon, 2 * HOUR) == at(2025, 8, 18, 8)


def test_a_morning_off_leaves_the_afternoon(db):
    CalendarDay.objects.create(date=d(2025, 8, 19), kind=DayKind.DAY_OFF, part=DayPart.MORNING)
    cal = calendar_for(None)
    assert cal.intervals(d(2025, 8, 19)) == [AFTERNOON]
    assert cal.between(at(2025, 8, 19, 0), at(2025, 8, 20, 0)) == 3.5 * HOUR
    assert cal.next_working_instant(at(2025, 8, 19, 8)) == at(2025, 8, 19, 13, 30)


def test_an_afternoon_off_leaves_the_morning(db):
    CalendarDay.objects.create(date=d(2025, 8, 19), kind=DayKind.DAY_OFF, part=DayPart.AFTERNOON)
    cal = calendar_for(None)
    assert cal.intervals(d(2025, 8, 19)) == [MORNING]
    assert cal.add(at(2025, 8, 19, 11), HOUR) == at(2025, 8, 20, 7, 30)


def test_removing_a_day_off_restores_the_working_day(db):
    row = CalendarDay.objects.create(date=d(2025, 8, 19), kind=DayKind.DAY_OFF)
    assert not calendar_for(None).is_working_day(d(2025, 8, 19))
    row.delete()
    assert calendar_for(None).is_working_day(d(2025, 8, 19))


def test_an_agency_day_off_applies_to_that_agency_only(db):
    agency, other = AgencyFactory(), AgencyFactory()
    CalendarDay.objects.create(date=d(2025, 8, 19), kind=DayKind.DAY_OFF, agency=agency)
    assert not calendar_for(agency).is_working_day(d(2025, 8, 19))
    assert calendar_for(other).is_working_day(d(2025, 8, 19))
    assert calendar_for(None).is_working_day(d(2025, 8, 19))


def test_the_make_up_saturday_from_the_holidays_package_is_a_working_day(province):
    saturday = d(2025, 4, 26)
    assert saturday.weekday() == 5
    assert province.intervals(saturday) == [MORNING, AFTERNOON]
    assert CalendarDay.objects.get(date=saturday, agency__isnull=True).kind == DayKind.WORKING
    assert province.add(at(2025, 4, 25, 16), 2 * HOUR) == at(2025, 4, 26, 8)


def test_a_make_up_saturday_added_by_an_admin_is_a_working_day(db):
    saturday = d(2025, 10, 11)
    assert not calendar_for(None).is_working_day(saturday)
    CalendarDay.objects.create(date=saturday, kind=DayKind.WORKING, name="Làm bù")
    assert calendar_for(None).is_working_day(saturday)
    assert calendar_for(None).add(at(2025, 10, 10, 16), 2 * HOUR) == at(2025, 10, 11, 8)


def test_a_make_up_saturday_morning_only(db):
    CalendarDay.objects.create(date=d(2025, 10, 11), kind=DayKind.WORKING, part=DayPart.MORNING)
    assert calendar_for(None).intervals(d(2025, 10, 11)) == [MORNING]


# -- the next working instant -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (at(2025, 8, 12, 9), at(2025, 8, 12, 9)),  # already working time
        (at(2025, 8, 12, 22), at(2025, 8, 13, 7)),  # at night
        (at(2025, 8, 13, 5), at(2025, 8, 13, 7)),  # before the counter opens
        (at(2025, 8, 12, 12), at(2025, 8, 12, 13, 30)),  # at lunch
        (at(2025, 8, 12, 11, 30), at(2025, 8, 12, 13, 30)),  # as the morning closes
        (at(2025, 8, 12, 17), at(2025, 8, 13, 7)),  # as the day closes
        (at(2025, 8, 17, 10), at(2025, 8, 18, 7)),  # on a Sunday
        (at(2026, 2, 17, 10), at(2026, 2, 23, 7)),  # on Tết 2026
        (at(2025, 1, 29, 10), at(2025, 2, 3, 7)),  # on Tết 2025
    ],
)
def test_next_working_instant(province, instant, expected):
    assert province.next_working_instant(instant) == expected


def test_an_online_submission_on_friday_evening_counts_from_monday_morning(world):
    friday_evening = at(2025, 8, 15, 20)
    dossier = world.online_dossier(when=friday_evening)
    services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 18, 10))
    dossier.refresh_from_db()
    started = ClockEvent.objects.get(dossier=dossier, step__isnull=True, kind=ClockEventKind.STARTED)
    assert started.at == at(2025, 8, 18, 7)
    # Three working days from Monday 7:00 run out on Wednesday at 17:00.
    assert dossier.due_at == at(2025, 8, 20, 17)
    assert dossier.appointment_at == at(2025, 8, 20, 17)


# -- add and between --------------------------------------------------------------------------------
instants = st.datetimes(min_value=dt.datetime(2024, 12, 1), max_value=dt.datetime(2026, 11, 30)).map(
    lambda naive: at(naive.year, naive.month, naive.day, naive.hour, naive.minute).replace(
        second=naive.second, microsecond=naive.microsecond
    )
)
durations = st.integers(min_value=0, max_value=40 * 8 * HOUR)
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(start=instants, seconds=durations)
def test_between_undoes_add(province, start, seconds):
    end = province.add(start, seconds)
    assert end >= start
    assert province.between(start, end) == pytest.approx(seconds, abs=1e-6)
    assert province.between(end, start) == pytest.approx(-seconds, abs=1e-6)


@SLOW
@given(start=instants, a=durations, b=durations)
def test_add_is_monotonic(province, start, a, b):
    small, large = sorted((a, b))
    assert province.add(start, small) <= province.add(start, large)


@SLOW
@given(start=instants, later=st.integers(min_value=0, max_value=30 * 24 * HOUR), seconds=durations)
def test_a_later_start_never_ends_earlier(province, start, later, seconds):
    assert province.add(start, seconds) <= province.add(start + dt.timedelta(seconds=later), seconds)


@SLOW
@given(start=instants, seconds=st.integers(min_value=1, max_value=40 * 8 * HOUR))
def test_add_ends_in_working_time(province, start, seconds):
    end = province.add(start, seconds).astimezone(province.tz)
    assert any(a < end.time() <= b for a, b in province.intervals(end.date()))


# The day-by-day walk `add` and `between` replaced by year tables, kept as the oracle they must agree with.
def walk_add(calendar, start, seconds):
    if seconds <= 0:
        return calendar.next_working_instant(start)
    local = start.astimezone(calendar.tz)
    day = local.date()
    sod = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    remaining = float(seconds)
    while True:
        for a, b in calendar._spans(day):
            if b <= sod:
                continue
            a = max(a, sod)
            if remaining <= b - a:
                return dt.datetime.combine(day, dt.time(), tzinfo=calendar.tz) + dt.timedelta(seconds=a + remaining)
            remaining -= b - a
        day, sod = day + dt.timedelta(days=1), 0.0


def walk_between(calendar, a, b):
    total, moment = 0.0, a.astimezone(calendar.tz)
    end = b.astimezone(calendar.tz)
    while moment.date() <= end.date():
        day = moment.date()
        sod = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
        limit = 86400.0 if day < end.date() else end.hour * 3600 + end.minute * 60 + end.second + end.microsecond / 1e6
        total += sum(max(0.0, min(e, limit) - max(s, sod)) for s, e in calendar._spans(day))
        moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=calendar.tz)
    return total


long_durations = st.integers(min_value=1, max_value=400 * 8 * HOUR)


@SLOW
@given(start=instants, seconds=long_durations)
def test_add_agrees_with_the_day_by_day_walk(province, start, seconds):
    assert province.add(start, seconds) == walk_add(province, start, seconds)


@SLOW
@given(a=instants, b=instants)
def test_between_agrees_with_the_day_by_day_walk(province, a, b):
    a, b = sorted((a, b))
    assert province.between(a, b) == pytest.approx(walk_between(province, a, b), abs=1e-6)


@pytest.mark.parametrize(
    "start, seconds, expected",
    [
        # The end of a working interval is the answer, not the start of the next one.
        (at(2025, 8, 18, 7), 4.5 * HOUR, at(2025, 8, 18, 11, 30)),
        (at(2025, 8, 18, 7), 8 * HOUR, at(2025, 8, 18, 17)),
        # Across the new year: Wednesday 31 December 2025 afternoon, then Thursday 1 January (a holiday)
        # is skipped and the rest runs from Friday 2 January.
        (at(2025, 12, 31, 13, 30), 3.5 * HOUR + 1 * HOUR, at(2026, 1, 2, 8)),
    ],
)
def test_add_at_interval_and_year_ends(province, start, seconds, expected):
    assert province.add(start, seconds) == expected
    assert province.between(start, expected) == seconds
