"""Working-time arithmetic on the calendar tables (DOMAIN §3, §5).

One place computes working time: `WorkingCalendar.add` (an instant plus a working duration) and
`WorkingCalendar.between` (the working time between two instants). Working hours come from the agency,
days off and make-up working days from `CalendarDay`; nothing here is a constant of the calendar.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable

import holidays
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import Agency, CalendarDay, CalendarYear, DayKind, DayPart

DEFAULT_HOURS = ((dt.time(7, 0), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))
_VERSION_KEY = "onestop:calendar-version"
_RECHECK_SECONDS = 5.0


class WorkingCalendar:
    """Working intervals of each day for one agency: its hours minus days off plus make-up days."""

    def __init__(
        self, *, hours=DEFAULT_HOURS, days: dict[dt.date, tuple[str, str]] | None = None, tz=None, year_loader=None
    ):
        self.hours = tuple(hours)
        self.days = dict(days or {})
        self.tz = tz or timezone.get_default_timezone()
        self._year_loader = year_loader
        self._years_checked: set[int] = set()

    # -- days ---------------------------------------------------------------------------------------
    def _check_year(self, year: int) -> None:
        if self._year_loader is not None and year not in self._years_checked:
            self._years_checked.add(year)
            self.days.update(self._year_loader(year))

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
    def _local(self, instant: dt.datetime) -> dt.datetime:
        if timezone.is_naive(instant):
            raise ValueError("working-time arithmetic needs aware datetimes")
        return instant.astimezone(self.tz)

    def _windows(self, start: dt.datetime) -> Iterable[tuple[dt.datetime, dt.datetime]]:
        """Working windows (aware, local) from the day of `start` on, clipped to begin at `start`."""
        day = start.date()
        for _ in range(3660):  # ten years of days is a broken calendar, not a long procedure
            for a, b in self.intervals(day):
                wa = dt.datetime.combine(day, a, tzinfo=self.tz)
                wb = dt.datetime.combine(day, b, tzinfo=self.tz)
                if wb <= start:
                    continue
                yield max(wa, start), wb
            day += dt.timedelta(days=1)
        raise ValueError("no working time found in ten years: check the calendar")

    def next_working_instant(self, instant: dt.datetime) -> dt.datetime:
        """`instant` itself if it falls in working time, else the start of the next working interval.
        DOMAIN §3: a submission outside working hours counts from the next working time."""
        return next(iter(self._windows(self._local(instant))))[0]

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant when `seconds` of working time have passed from `start`."""
        remaining = float(seconds)
        start = self._local(start)
        if remaining <= 0:
            return self.next_working_instant(start)
        for wa, wb in self._windows(start):
            span = (wb - wa).total_seconds()
            if remaining <= span:
                return wa + dt.timedelta(seconds=remaining)
            remaining -= span
        raise AssertionError("unreachable")

    def _windows_back(self, end: dt.datetime) -> Iterable[tuple[dt.datetime, dt.datetime]]:
        """Working windows from the day of `end` backwards, clipped to finish at `end`."""
        day = end.date()
        for _ in range(3660):
            for a, b in reversed(self.intervals(day)):
                wa = dt.datetime.combine(day, a, tzinfo=self.tz)
                wb = dt.datetime.combine(day, b, tzinfo=self.tz)
                if wa >= end:
                    continue
                yield wa, min(wb, end)
            day -= dt.timedelta(days=1)
        raise ValueError("no working time found in ten years: check the calendar")

    def subtract(self, end: dt.datetime, seconds: float) -> dt.datetime:
        """The instant `seconds` of working time before `end`."""
        remaining = float(seconds)
        for wa, wb in self._windows_back(self._local(end)):
            span = (wb - wa).total_seconds()
            if remaining <= span:
                return wb - dt.timedelta(seconds=remaining)
            remaining -= span
        raise AssertionError("unreachable")

    def shift(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """`add` for a positive duration, `subtract` for a negative one (an over-spent budget)."""
        return self.add(start, seconds) if seconds >= 0 else self.subtract(start, -seconds)

    def between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working seconds from `a` to `b` (negative when `b` is before `a`)."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.between(b, a)
        total = 0.0
        for wa, wb in self._windows(a):
            if wa >= b:
                break
            total += (min(wb, b) - wa).total_seconds()
        return total


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


# -- loading ----------------------------------------------------------------------------------------
def load_national_year(year: int) -> None:
    """Copy one year of Vietnam's public holidays and make-up working days from the `holidays` package
    into the table, once; after that the table is the admins' to edit."""
    if CalendarYear.objects.filter(year=year).exists():
        return
    national = holidays.country_holidays("VN", years=year)
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
        state = _local.state = {"version": None, "checked": 0.0, "calendars": {}}
    return state


def invalidate_calendars() -> None:
    """Forget cached calendars here and, through the shared cache, in every other process."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)
    _cache_state()["calendars"].clear()
    _cache_state()["checked"] = 0.0


def calendar_for(agency: Agency | None) -> WorkingCalendar:
    """The working calendar of an agency (cached per process; edits are seen within seconds)."""
    state = _cache_state()
    now = time.monotonic()
    if now - state["checked"] > _RECHECK_SECONDS:
        version = cache.get(_VERSION_KEY)
        if version != state["version"]:
            state["calendars"].clear()
            state["version"] = version
        state["checked"] = now
    key = agency.pk if agency is not None else None
    found = state["calendars"].get(key)
    if found is None:
        hours = agency.working_hours if agency is not None else DEFAULT_HOURS
        found = WorkingCalendar(hours=hours, year_loader=lambda year: _rows_for_year(key, year))
        state["calendars"][key] = found
    return found
