"""At the counter, in a real browser: the screen says why an action is missing (a fee owed, an online payment
awaited), the officer collects the fee on the same screen, and only then hands the result back."""

import pytest

from dossiers import services
from dossiers.models import Dossier, Status
from tests.conftest import World
from tests.factories import ProcedureFactory, at, make_process
from workflows.models import OnlineLevel

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("matkhau123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/can-bo/")


def test_counter_collects_the_fee_then_returns_the_result(page, live_server):
    world = World()
    procedure = ProcedureFactory(competent_agency=world.agency, online_level=OnlineLevel.PARTIAL, fee_amount=200_000)
    make_process(procedure)
    dossier = world.counter_dossier(procedure=procedure)
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))
    services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 12, 14))
    sign_in(page, live_server, world.counter)

    page.goto(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
    blocked = page.locator(".actions .blocked")
    assert "Chưa thể “Trả kết quả”" in blocked.inner_text()
    assert "Hồ sơ còn nợ 200.000 đồng phí, lệ phí" in blocked.inner_text()
    assert page.locator("#tt-return-result").count() == 0

    page.get_by_text("Thu phí tại quầy", exact=True).click()
    page.get_by_label("Số biên lai").fill("BL-2026-0001")
    page.get_by_role("button", name="Ghi nhận đã thu 200.000 đ").click()
    page.wait_for_load_state()
    assert "Đã ghi nhận thu 200.000 đồng, biên lai số BL-2026-0001." in page.content()
    assert page.locator(".actions .blocked").count() == 0

    page.locator("#tt-return-result summary").click()
    page.locator("#tt-return-result button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã thực hiện “Trả kết quả”" in page.content()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED


def test_an_online_dossier_awaiting_its_online_payment_says_why_it_cannot_start(page, live_server):
    world = World()
    procedure = ProcedureFactory(competent_agency=world.agency, online_level=OnlineLevel.FULL, fee_amount=50_000)
    make_process(procedure)
    dossier = world.online_dossier(procedure=procedure)
    services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))
    sign_in(page, live_server, world.counter)

    page.goto(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")

    assert page.locator("#tt-start").count() == 0
    text = page.locator(".actions").inner_text()
    assert "Chưa thể “Chuyển xử lý”" in text
    assert "chờ công dân thanh toán trực tuyến 50.000 đồng" in text
