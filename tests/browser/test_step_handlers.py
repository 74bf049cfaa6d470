"""In a real browser: an officer who sees a dossier whose current step is another handler's is told why he
cannot finish it, and whose step it is; the step's own handler finishes it from the same screen."""

import pytest

from dossiers import services
from dossiers.models import Dossier, Status
from tests.browser.test_counter_fees import sign_in
from tests.conftest import World
from tests.factories import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_step_of_another_handler_says_whose_it_is(page, live_server):
    world = World()
    dossier = world.dossier_in(Status.PROCESSING)
    services.complete_step(dossier=dossier, actor=world.counter, assignee=world.specialist, at=at(2025, 8, 12, 11))
    sign_in(page, live_server, world.counter)

    page.goto(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
    assert page.locator("#tt-complete-step").count() == 0
    note = page.locator(".actions .blocked").inner_text()
    assert "Chưa thể “Hoàn thành bước”" in note
    assert "Hồ sơ đang ở bước “Thẩm định”" in note
    assert "Chuyên viên xử lý của Sở Tư pháp" in note

    page.context.clear_cookies()
    sign_in(page, live_server, world.specialist)
    page.goto(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
    assert page.locator(".actions .blocked").count() == 0
    page.locator("#tt-complete-step summary").click()
    page.locator("#tt-complete-step button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã thực hiện “Hoàn thành bước”" in page.content()
    assert Dossier.objects.get(pk=dossier.pk).current_step.name == "Phê duyệt"
