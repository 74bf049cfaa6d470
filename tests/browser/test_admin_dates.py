"""An admin types a date in the calendar's add form, day first, and the widget's calendar agrees."""

import datetime as dt

import pytest
from django.utils import timezone

from workflows.models import CalendarDay

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_to_admin(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("matkhau123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_admin_types_10_12_2026_and_gets_10_december(page, live_server):
    from tests.factories import UserFactory

    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    sign_in_to_admin(page, live_server, admin)

    page.goto(f"{live_server.url}/admin/workflows/calendarday/add/")
    page.locator("#id_date").fill("10/12/2026")
    page.locator("#id_kind").select_option(label="Ngày nghỉ bổ sung")
    page.locator("#id_name").fill("Nghỉ bù")
    page.get_by_role("button", name="Lưu lại", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/workflows/calendarday/")

    day = CalendarDay.objects.get(name="Nghỉ bù")
    assert day.date == dt.date(2026, 12, 10)

    page.goto(f"{live_server.url}/admin/workflows/calendarday/{day.pk}/change/")
    assert page.locator("#id_date").input_value() == "10/12/2026"
    page.locator(".datetimeshortcuts a", has=page.locator(".date-icon")).click()
    calendar = page.locator(".calendarbox").first
    assert "THÁNG MƯỜI HAI 2026" in calendar.inner_text().upper()
    calendar.get_by_role("link", name="24", exact=True).click()
    assert page.locator("#id_date").input_value() == "24/12/2026"

    page.locator(".datetimeshortcuts a", has_text="Hôm nay").click()
    assert page.locator("#id_date").input_value() == f"{timezone.localdate():%d/%m/%Y}"
