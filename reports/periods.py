"""Reporting periods (Art. 31 of 003): a quarter's data is cut on the 14th of its last month and the year
runs from 15 December of the year before to 14 December; besides these, calendar months and day ranges.
A period is a range of local dates, both ends included."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

CUT_DAY = 14  # Art. 31 of 003: the data of a quarter and of the year is cut on the 14th


class PeriodError(ValueError):
    """A period that cannot be read; the message says why, for a person."""


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    label: str

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    @property
    def reporting_year(self) -> int:
        """The reporting year the period ends in (targets are set per reporting year)."""
        return reporting_year_of(self.last)

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def reporting_year(year: int) -> Period:
    """15 December of the year before to 14 December (Art. 31 of 003)."""
    return Period(dt.date(year - 1, 12, CUT_DAY + 1), dt.date(year, 12, CUT_DAY), str(year))


def reporting_quarter(year: int, quarter: int) -> Period:
    """The quarter's data is cut on the 14th of its last month: Q1 runs 15/12 of the year before to 14/3."""
    if quarter not in (1, 2, 3, 4):
        raise PeriodError(_("Quý phải từ 1 đến 4."))
    last = dt.date(year, 3 * quarter, CUT_DAY)
    first = dt.date(year - 1, 12, CUT_DAY + 1) if quarter == 1 else dt.date(year, 3 * quarter - 3, CUT_DAY + 1)
    return Period(first, last, f"{year}-Q{quarter}")


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise PeriodError(_("Tháng phải từ 01 đến 12."))
    days = calendar.monthrange(year, number)[1]
    return Period(dt.date(year, number, 1), dt.date(year, number, days), f"{year}-{number:02d}")


def reporting_year_of(day: dt.date) -> int:
    return day.year + 1 if (day.month, day.day) > (12, CUT_DAY) else day.year


def reporting_quarter_of(day: dt.date) -> Period:
    year = reporting_year_of(day)
    if day.year < year:
        return reporting_quarter(year, 1)
    quarter = next(q for q in (1, 2, 3, 4) if (day.month, day.day) <= (3 * q, CUT_DAY))
    return reporting_quarter(year, quarter)


def day_range(first: dt.date, last: dt.date) -> Period:
    if last < first:
        raise PeriodError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    return Period(first, last, f"{first.isoformat()}…{last.isoformat()}")


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q(\d)$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse(period: str | None = None, *, first: str | None = None, last: str | None = None) -> Period:
    """`2022` (a reporting year), `2025-Q3` (a reporting quarter), `2025-07` (a month), or two ISO dates."""
    if first or last:
        if not (first and last):
            raise PeriodError(_("Cần cả ngày bắt đầu (from) và ngày kết thúc (to)."))
        try:
            return day_range(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        except ValueError as error:
            if isinstance(error, PeriodError):
                raise
            raise PeriodError(_("Ngày phải theo dạng YYYY-MM-DD.")) from None
    text = (period or "").strip()
    if m := _YEAR.match(text):
        return reporting_year(int(m[1]))
    if m := _QUARTER.match(text):
        return reporting_quarter(int(m[1]), int(m[2]))
    if m := _MONTH.match(text):
        return month(int(m[1]), int(m[2]))
    raise PeriodError(
        _("Kỳ báo cáo không hợp lệ: dùng năm (2022), quý (2025-Q3), tháng (2025-07) hoặc from/to (YYYY-MM-DD).")
    )


def half_month_start(day: dt.date) -> dt.date:
    """The first day of the half month holding `day` (the 1st or the 15th)."""
    return day.replace(day=1 if day.day <= CUT_DAY else CUT_DAY + 1)


def half_month_last(start: dt.date) -> dt.date:
    if start.day == 1:
        return start.replace(day=CUT_DAY)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def pieces(period: Period) -> tuple[list[dt.date], list[dt.date]]:
    """The period as the summaries hold it: the days at its ends that do not fill a half month, and the
    half months it covers whole (a reporting quarter or year, or a month, is only half months)."""
    days, halves = [], []
    day = period.first
    while day <= period.last:
        start = half_month_start(day)
        end = half_month_last(start)
        if start == day and end <= period.last:
            halves.append(start)
            day = end + dt.timedelta(days=1)
        else:
            days.append(day)
            day += dt.timedelta(days=1)
    return days, halves
