"""The browser fixture itself: the public tracking page answers an unknown code in Vietnamese."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_tracking_an_unknown_code_says_so_in_the_browser(page, live_server):
    page.goto(f"{live_server.url}/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill("000.00.31.H52-250812-9999")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    assert "000.00.31.H52-250812-9999" in page.content() or "Không tìm thấy" in page.content()
