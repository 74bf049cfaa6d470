"""Reporting periods (Art. 31 of 003): quarters cut on the 14th of their last month, the year from 15
December of the year before to 14 December."""

import datetime as dt

import pytest

from reports.periods import PeriodError, parse, pieces, reporting_quarter_of, reporting_year_of

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2022", D(2021, 12, 15), D(2022, 12, 14)),
        ("2025-Q1", D(2024, 12, 15), D(2025, 3, 14)),
        ("2025-Q2", D(2025, 3, 15), D(2025, 6, 14)),
        ("2025-Q3", D(2025, 6, 15), D(2025, 9, 14)),
        ("2025-q4", D(2025, 9, 15), D(2025, 12, 14)),
        ("2025-07", D(2025, 7, 1), D(2025, 7, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_periods(text, first, last):
    period = parse(text)
    assert (period.first, period.last) == (first, last)


def test_a_day_range_and_its_mistakes():
    period = parse(first="2025-07-03", last="2025-08-20")
    assert (period.first, period.last) == (D(2025, 7, 3), D(2025, 8, 20))
    with pytest.raises(PeriodError, match="from"):
        parse(first="2025-07-03")
    with pytest.raises(PeriodError, match="sau ngày bắt đầu"):
        parse(first="2025-08-03", last="2025-07-01")
    with pytest.raises(PeriodError, match="YYYY-MM-DD"):
        parse(first="3/7/2025", last="2025-08-01")
    for bad in ("", "2025-Q5", "2025-13", "năm nay"):
        with pytest.raises(PeriodError):
            parse(bad)


def test_the_edges_of_the_reporting_year_and_quarter():
    assert reporting_year_of(D(2024, 12, 14)) == 2024
    assert reporting_year_of(D(2024, 12, 15)) == 2025
    assert reporting_quarter_of(D(2025, 3, 14)).label == "2025-Q1"
    assert reporting_quarter_of(D(2025, 3, 15)).label == "2025-Q2"
    assert reporting_quarter_of(D(2024, 12, 20)).label == "2025-Q1"


def test_periods_are_read_from_whole_half_months_and_edge_days():
    days, halves = pieces(parse("2022"))
    assert days == [] and len(halves) == 24 and halves[0] == D(2021, 12, 15) and halves[-1] == D(2022, 12, 1)
    days, halves = pieces(parse("2025-07"))
    assert days == [] and halves == [D(2025, 7, 1), D(2025, 7, 15)]
    days, halves = pieces(parse(first="2025-07-03", last="2025-07-20"))
    assert halves == [] and len(days) == 18
    days, halves = pieces(parse(first="2025-06-30", last="2025-08-02"))
    assert halves == [D(2025, 7, 1), D(2025, 7, 15)]
    assert days == [D(2025, 6, 30), D(2025, 8, 1), D(2025, 8, 2)]
