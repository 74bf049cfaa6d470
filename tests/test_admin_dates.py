"""Dates in the admin are read day first (10/12/2026 is 10 December 2026), shown as dd/mm/yyyy, and the date
widget writes what the form reads."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import formats, translation

from workflows.models import CalendarDay, DayKind, DayPart


def test_a_typed_date_is_read_day_first(client, world):
    client.force_login(world.admin)

    response = client.post(
        reverse("admin:workflows_calendarday_add"),
        {"date": "10/12/2026", "kind": DayKind.DAY_OFF, "part": DayPart.FULL, "name": "Nghỉ bù"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarDay.objects.get(name="Nghỉ bù").date == dt.date(2026, 12, 10)


def test_a_date_that_only_reads_month_first_is_refused(client, world):
    client.force_login(world.admin)

    response = client.post(
        reverse("admin:workflows_calendarday_add"),
        {"date": "12/31/2026", "kind": DayKind.DAY_OFF, "part": DayPart.FULL, "name": "Sai"},
    )

    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    assert not CalendarDay.objects.filter(name="Sai").exists()


def test_dates_are_shown_and_prefilled_as_dd_mm_yyyy(client, world):
    day = CalendarDay.objects.create(date=dt.date(2026, 12, 10), kind=DayKind.DAY_OFF, name="Nghỉ bù")
    client.force_login(world.admin)

    change = client.get(reverse("admin:workflows_calendarday_change", args=[day.pk])).content.decode()

    assert 'value="10/12/2026"' in change
    with translation.override("vi"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert formats.date_format(dt.date(2026, 12, 10), "SHORT_DATE_FORMAT") == "10/12/2026"


def test_the_widgets_calendar_writes_the_format_the_form_reads(client, world):
    client.force_login(world.admin)

    catalogue = client.get(reverse("admin:jsi18n")).content.decode()

    assert re.search(r'"DATE_INPUT_FORMATS": \[\s*"%d/%m/%Y"', catalogue)
