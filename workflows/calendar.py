"""Working-time arithmetic on the calendar tables (DOMAIN §3, §5).

One place computes working time: `WorkingCalendar.add` (an instant plus a working duration) and
`WorkingCalendar.between` (the working time between two instants). Working hours come from the agency,
days off and make-up working days from `CalendarDay`; nothing here is a constant of the calendar.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from bisect import bisect_left

import holidays
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import Agency, CalendarDay, CalendarYear, DayKind, DayPart
from .signals import calendar_input_changed

DEFAULT_HOURS = ((dt.time(7, 0), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))
# Holds a token, not a count: the version before incremented "onestop:calendar-version", and a process of it still
# running during an upgrade must not find there a value it cannot increment.
_VERSION_KEY = "onestop:calendar-token"
_RECHECK_SECONDS = 5.0


class WorkingCalendar:
    """Working intervals of each day for one agency: its hours minus days off plus make-up days."""

    def __init__(self, *, hours=DEFAULT_HOURS, year_loader=None):
        self.hours = tuple(hours)
        self.days: dict[dt.date, tuple[str, str]] = {}
        self.tz = timezone.get_default_timezone()
        self._year_loader = year_loader
        self._years_checked: set[int] = set()
        self._span_cache: dict[dt.date, tuple[tuple[float, float], ...]] = {}
        self._year_tables: dict[int, list[float]] = {}

    # -- days ---------------------------------------------------------------------------------------
    def _check_year(self, year: int) -> None:
        if self._year_loader is not None and year not in self._years_checked:
            self._years_checked.add(year)
            self.days.update(self._year_loader(year))
            self._span_cache.clear()
            self._year_tables.clear()

    def intervals(self, day: dt.date) -> list[tuple[dt.time, dt.time]]:
        """The working intervals of a day, in local time."""
        self._check_year(day.year)
        kind, part = self.days.get(day, (None, DayPart.FULL))
        morning, afternoon = self.hours
        if kind == DayKind.WORKING:
            base = {DayPart.FULL: [morning, afternoon], DayPart.MORNING: [morning], DayPart.AFTERNOON: [afternoon]}[
                part
            ]
            return list(base)
        if day.weekday() >= 5:
            return []
        if kind in (DayKind.HOLIDAY, DayKind.DAY_OFF):
            return {DayPart.FULL: [], DayPart.MORNING: [afternoon], DayPart.AFTERNOON: [morning]}[part]
        return [morning, afternoon]

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.intervals(day))

    def day_seconds(self) -> int:
        return sum(_seconds(b) - _seconds(a) for a, b in self.hours)

    # -- instants -----------------------------------------------------------------------------------
    # Working time is walked day by day over each day's spans in seconds since local midnight; datetimes
    # are built only for the answer, so a 60-day limit costs a few dozen additions.
    def _local(self, instant: dt.datetime) -> dt.datetime:
        if timezone.is_naive(instant):
            raise ValueError("working-time arithmetic needs aware datetimes")
        return instant.astimezone(self.tz)

    def _spans(self, day: dt.date) -> tuple[tuple[float, float], ...]:
        found = self._span_cache.get(day)
        if found is None:
            found = tuple((float(_seconds(a)), float(_seconds(b))) for a, b in self.intervals(day))
            self._span_cache[day] = found
        return found

    def _at(self, day: dt.date, seconds_of_day: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(seconds=seconds_of_day)

    @staticmethod
    def _split(instant: dt.datetime) -> tuple[dt.date, float]:
        return instant.date(), (instant.hour * 3600 + instant.minute * 60 + instant.second + instant.microsecond / 1e6)

    def next_working_instant(self, instant: dt.datetime) -> dt.datetime:
        """`instant` itself if it falls in working time, else the start of the next working interval.
        DOMAIN §3: a submission outside working hours counts from the next working time."""
        day, sod = self._split(self._local(instant))
        for _ in range(_MAX_DAYS):
            for a, b in self._spans(day):
                if b > sod:
                    return self._at(day, max(a, sod))
            day, sod = day + _ONE_DAY, 0.0
        raise ValueError("no working time found in ten years: check the calendar")

    # A year's table holds the working seconds before each of its days (and, last, the year's total),
    # so `add` and `between` find a day by bisection instead of walking the days one by one.
    def _year_table(self, year: int) -> list[float]:
        table = self._year_tables.get(year)
        if table is None:
            self._check_year(year)
            day, total, table = dt.date(year, 1, 1), 0.0, [0.0]
            while day.year == year:
                total += sum(b - a for a, b in self._spans(day))
                table.append(total)
                day += _ONE_DAY
            self._year_tables[year] = table
        return table

    def _worked_before(self, day: dt.date, sod: float) -> float:
        """Working seconds of `day` before `sod` seconds past its midnight."""
        return sum(min(b, sod) - a for a, b in self._spans(day) if a < sod)

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant when `seconds` of working time have passed from `start`."""
        if float(seconds) <= 0:
            return self.next_working_instant(start)
        day, sod = self._split(self._local(start))
        year, index = day.year, day.timetuple().tm_yday - 1
        table = self._year_table(year)
        # The target as working seconds since the start of `year`; it lies in the first day whose end
        # reaches it (the end of a working interval, not the start of the next one).
        target = table[index] + self._worked_before(day, sod) + float(seconds)
        for _ in range(_MAX_DAYS // 365 + 1):
            k = bisect_left(table, target, index + 1)
            if k < len(table):
                found = dt.date(year, 1, 1) + dt.timedelta(days=k - 1)
                remaining = target - table[k - 1]
                for a, b in self._spans(found):
                    if remaining <= b - a:
                        return self._at(found, a + remaining)
                    remaining -= b - a
                return self._at(found, self._spans(found)[-1][1])  # float rounding at the day's end
            target -= table[-1]
            year, index = year + 1, 0
            table = self._year_table(year)
        raise ValueError("no working time found in ten years: check the calendar")

    def subtract(self, end: dt.datetime, seconds: float) -> dt.datetime:
        """The instant `seconds` of working time before `end`."""
        remaining = float(seconds)
        day, sod = self._split(self._local(end))
        for _ in range(_MAX_DAYS):
            for a, b in reversed(self._spans(day)):
                if a >= sod:
                    continue
                b = min(b, sod)
                if remaining <= b - a:
                    return self._at(day, b - remaining)
                remaining -= b - a
            day, sod = day - _ONE_DAY, _DAY_END
        raise ValueError("no working time found in ten years: check the calendar")

    def shift(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """`add` for a positive duration, `subtract` for a negative one (an over-spent budget)."""
        return self.add(start, seconds) if seconds >= 0 else self.subtract(start, -seconds)

    def between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working seconds from `a` to `b` (negative when `b` is before `a`)."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.between(b, a)
        total = self._position(b) - self._position(a)
        for year in range(a.year, b.year):
            total += self._year_table(year)[-1]
        return total

    def _position(self, instant: dt.datetime) -> float:
        """Working seconds from the start of the instant's (local) year to the instant."""
        day, sod = self._split(instant)
        return self._year_table(day.year)[day.timetuple().tm_yday - 1] + self._worked_before(day, sod)


_MAX_DAYS = 3660  # ten years of days is a broken calendar, not a long procedure
_ONE_DAY = dt.timedelta(days=1)
_DAY_END = 86400.0


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


# -- loading ----------------------------------------------------------------------------------------
def load_national_year(year: int) -> None:
    """Copy one year of Vietnam's public holidays and make-up working days from the `holidays` package
    into the table, once; after that the table is the admins' to edit."""
    if CalendarYear.objects.filter(year=year).exists():
        return
    national = holidays.country_holidays("VN", years=year, language="vi")
    rows = [
        CalendarDay(date=d, kind=DayKind.HOLIDAY, name=name, source="national")
        for d, name in sorted(national.items())
        if d.year == year
    ]
    rows += [
        CalendarDay(date=d, kind=DayKind.WORKING, name="Ngày làm việc bù", source="national")
        for d in sorted(getattr(national, "weekend_workdays", ()))
        if d.year == year
    ]
    with transaction.atomic():
        CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
        CalendarYear.objects.bulk_create([CalendarYear(year=year)], ignore_conflicts=True)


def _rows_for_year(agency_id: int | None, year: int) -> dict[dt.date, tuple[str, str]]:
    load_national_year(year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days: dict[dt.date, tuple[str, str]] = {}
    rows = CalendarDay.objects.filter(date__range=(start, end), agency__isnull=True).values_list("date", "kind", "part")
    for d, kind, part in rows:
        days[d] = (kind, part)
    if agency_id is not None:  # an agency's own row overrides the province's
        for d, kind, part in CalendarDay.objects.filter(date__range=(start, end), agency_id=agency_id).values_list(
            "date", "kind", "part"
        ):
            days[d] = (kind, part)
    return days


_local = threading.local()


def _cache_state():
    state = getattr(_local, "state", None)
    if state is None:
        state = _local.state = {"version": None, "checked": 0.0, "calendars": {}, "by_agency": {}}
    return state


def invalidate_calendars() -> None:
    """Forget cached calendars here and, through the shared cache, in every other process."""
    # A new value each time (not an increment, which a cache without atomic ones could leave unchanged when two
    # processes make it at once): every process that read the old one sees a change.
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)
    _forget(_cache_state())


@receiver(calendar_input_changed, dispatch_uid="workflows.calendar")
def _calendar_input_changed(sender, **kwargs) -> None:
    invalidate_calendars()  # this process at once; every process again once the edit is committed
    transaction.on_commit(invalidate_calendars)


def _forget(state) -> None:
    state["calendars"].clear()
    state["by_agency"].clear()
    state["checked"] = 0.0


def _current_state():
    """This thread's cached calendars, forgotten if another process invalidated them (checked every few seconds)."""
    state = _cache_state()
    now = time.monotonic()
    if now - state["checked"] > _RECHECK_SECONDS:
        version = cache.get(_VERSION_KEY)
        if version != state["version"]:
            _forget(state)
            state["version"] = version
        state["checked"] = now
    return state


def _calendar(state, agency_id: int | None, hours) -> WorkingCalendar:
    key = (agency_id, hours)  # an agency whose hours were edited gets a new calendar
    found = state["calendars"].get(key)
    if found is None:
        found = WorkingCalendar(hours=hours, year_loader=lambda year: _rows_for_year(agency_id, year))
        state["calendars"][key] = found
    return found


def calendar_for(agency: Agency | None) -> WorkingCalendar:
    """The working calendar of an agency, on the hours of the instance given (cached per process; edits of days
    off are seen within seconds)."""
    hours = tuple(agency.working_hours) if agency is not None else DEFAULT_HOURS
    return _calendar(_current_state(), agency.pk if agency is not None else None, hours)


def calendar_of(agency_id: int | None) -> WorkingCalendar:
    """The working calendar of the agency with this key (the province's for None), for code that holds a row's
    agency key rather than the agency: its hours are read once and cached with the calendar. An edit of the
    agency (`Agency.save`) forgets them here at once and in every other process within seconds, as an edit of
    its days off does."""
    state = _current_state()
    found = state["by_agency"].get(agency_id)
    if found is None:
        hours = DEFAULT_HOURS if agency_id is None else tuple(Agency.objects.get(pk=agency_id).working_hours)
        found = state["by_agency"][agency_id] = _calendar(state, agency_id, hours)
    return found
