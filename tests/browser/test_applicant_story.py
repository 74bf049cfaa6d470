"""The applicant's whole story in Chromium: sign in through the e-identity simulator, find a procedure by a
search without diacritics, see the form prefilled, upload and submit; the counter receives it; pay online and
come back to a confirmation; a supplement is asked, seen and handed in; the dossier is resolved and returned;
rate it; open the receipt QR code's URL as a phone that scanned it would. A phone-sized screen throughout."""

import io
import re
import threading

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect
from pypdf import PdfReader

from citizen.eid_sim.server import Provider, build_server, load_key
from dossiers import services
from dossiers.models import Dossier, Rating, Status
from dossiers.services import DocumentInput
from notifications.models import SimulatedSms
from portal.processes import free_port
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import World
from tests.dossiers.api_support import client_for
from tests.factories import PDF_BYTES, ProcedureFactory, make_process
from tests.payments.conftest import SECRET, payment_sim  # noqa: F401  (the simulator's session fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def eid_url(tmp_path_factory):
    provider = Provider(
        key=load_key(tmp_path_factory.mktemp("eid") / "key.json"),
        client_id="onestop",
        client_secret="browser-eid-secret",
        population_token="browser-population-token",
    )
    httpd = build_server(host="127.0.0.1", port=free_port(), provider=provider)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def story(settings, live_server, eid_url, payment_sim, monkeypatch):  # noqa: F811
    from onestop.celery import app
    from portal import conf as portal_conf

    monkeypatch.setattr(portal_conf, "KICK_ENABLED", False)  # no portal here
    settings.EID_URL = eid_url
    settings.EID_CLIENT_SECRET = "browser-eid-secret"
    settings.EID_POPULATION_TOKEN = "browser-population-token"
    settings.SITE_URL = live_server.url
    settings.PAYMENT_PLATFORM_URL = payment_sim.url
    settings.PAYMENT_SECRET = SECRET
    settings.PAYMENT_CALLBACK_URL = f"{live_server.url}/api/v1/payments/callback/"
    settings.PAYMENT_RETURN_URL = f"{live_server.url}/dich-vu-cong/thanh-toan/ket-qua/"
    payment_sim.reset()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # notifications are sent in the server's thread after each commit
    world = World()
    procedure = ProcedureFactory(
        name="Đăng ký khai sinh",
        competent_agency=world.agency,
        online_level="full",
        fee_amount=8000,
        documents=[("to-khai", "Tờ khai đăng ký khai sinh", True), ("giay-chung-sinh", "Giấy chứng sinh", True)],
    )
    make_process(procedure)
    yield world, procedure
    app.conf.task_always_eager = eager


def shot(page, name: str) -> None:
    """Keep what the applicant saw at this step (test-artifacts/screenshots/), to be looked at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"applicant-{name}.png"), full_page=True)


def test_the_applicant_files_pays_supplements_and_rates_online(page, live_server, story, tmp_path):
    world, procedure = story
    page.set_viewport_size({"width": 390, "height": 844})
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF_BYTES)
    second_page = tmp_path / "to-khai-trang-2.pdf"
    second_page.write_bytes(PDF_BYTES + b"trang 2")

    # Find the procedure without diacritics.
    page.goto(f"{live_server.url}/dich-vu-cong/")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    expect(page.get_by_text("Tờ khai đăng ký khai sinh")).to_be_visible()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    # Sign in through the e-identity simulator, then back to the form, prefilled.
    expect(page.get_by_text("Đăng nhập bằng tài khoản định danh điện tử")).to_be_visible()
    page.get_by_role("button", name=re.compile("Lò Văn Minh")).click()
    expect(page.locator("#known-name")).to_have_text("Lò Văn Minh")
    expect(page.locator("#known-id")).to_have_text("014090001234")
    expect(page.locator("#known-address")).to_have_text("Bản Hài, phường Chiềng Cơi, tỉnh Sơn La")
    expect(page.get_by_label("Số điện thoại nhận thông báo")).to_have_value("0912000111")
    shot(page, "1-form")

    # Upload (two scanned pages of one document) and submit.
    page.get_by_label("Tờ khai đăng ký khai sinh").set_input_files([str(scan), str(second_page)])
    page.get_by_label("Giấy chứng sinh").set_input_files(str(scan))
    page.get_by_label("Trực tuyến").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator("#status")).to_have_text("Mới đăng ký (chờ tiếp nhận)")
    dossier = Dossier.objects.get()
    assert dossier.submission_seconds is not None
    pages = dossier.documents.filter(component="to-khai").order_by("part")
    assert [(v.version, v.part, v.size) for v in pages] == [(1, 1, len(PDF_BYTES)), (1, 2, len(PDF_BYTES) + 7)]
    expect(page.locator('#documents li[data-component="to-khai"]')).to_contain_text("2 tệp")

    # The counter receives it; the applicant is told by SMS.
    services.receive_dossier(dossier=dossier, actor=world.counter)
    assert SimulatedSms.objects.filter(to="0912000111", body__contains=dossier.code).exists()
    page.reload()
    expect(page.locator("#status")).to_have_text("Đã tiếp nhận")

    # Pay online on the payment platform and come back to a confirmation.
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(page.locator("#payment-outcome")).to_have_text("Thanh toán thành công. Cảm ơn bạn.")
    expect(page.locator("#fee")).to_contain_text("Đã nộp đủ phí, lệ phí")
    shot(page, "2-paid")

    # Processing starts; a supplement is asked: the page says exactly what and why; hand it all in.
    dossier = services.start_processing(dossier=dossier, actor=world.counter)
    services.request_supplement(
        dossier=dossier,
        actor=world.counter,
        missing_documents=[{"component": "to-khai", "name": "Tờ khai đăng ký khai sinh", "reason": "Thiếu chữ ký"}],
    )
    page.reload()
    expect(page.locator("#asked")).to_contain_text("Tờ khai đăng ký khai sinh — Thiếu chữ ký")
    shot(page, "3-supplement")
    page.locator("#asked-title ~ form").get_by_label("Tờ khai đăng ký khai sinh").set_input_files(str(scan))
    page.get_by_role("button", name="Nộp bổ sung").click()
    expect(page.locator("#status")).to_have_text("Đang xử lý")

    # Resolved, with an electronic result, and returned; the applicant rates it.
    dossier = services.resolve_dossier(dossier=Dossier.objects.get(), actor=world.leader, result="approved")
    result = SimpleUploadedFile("ket-qua.pdf", PDF_BYTES)
    services.add_documents(
        dossier=dossier,
        actor=world.counter,
        documents=[DocumentInput("ket-qua", name="Trích lục khai sinh", file=result)],
        is_result=True,
    )
    services.return_result(dossier=dossier, actor=world.counter)
    page.reload()
    expect(page.locator("#status")).to_have_text("Đã trả kết quả")
    expect(page.get_by_role("link", name="Trích lục khai sinh")).to_be_visible()
    page.get_by_label("Rất hài lòng").check()
    page.get_by_label("Góp ý (không bắt buộc)").fill("Nhanh, không phải đi lại")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("#rating")).to_have_text("Bạn đã đánh giá: Rất hài lòng.")
    assert Rating.objects.get().comment == "Nhanh, không phải đi lại"
    shot(page, "4-rated")
    assert Dossier.objects.get().status == Status.RETURNED

    # The receipt's QR code, scanned: its URL shows the owner's view of the tracking page.
    receipt = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").content
    image = next(iter(PdfReader(io.BytesIO(receipt)).pages[0].images)).image
    (decoded,) = zxingcpp.read_barcodes(image.convert("L"))
    assert decoded.text.startswith(f"{live_server.url}/tra-cuu/?ma=")
    phone = page.context.browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    visitor = phone.new_page()
    visitor.goto(decoded.text)
    expect(visitor.get_by_text("Lò Văn Minh")).to_be_visible()
    expect(visitor.get_by_text("Đã trả kết quả").first).to_be_visible()
    shot(visitor, "5-qr-tracking")
    phone.close()
