"""The printed notices beside the receipt (Circular 01/2018 and 03/2025): supplement request, refusal,
apology with the new appointment (form 04), stop notice (form 05) and the hand-over slip, each with the
dossier code, Vietnamese text and the QR code of the tracking address."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from dossiers import services
from dossiers.models import Status
from dossiers.tracking import lookup_secret, tracking_url
from tests.dossiers.test_receipt import pdf_text
from tests.factories import at


def notice(client, dossier, slug):
    return client.get(f"/can-bo/ho-so/{dossier.code}/in/{slug}/")


def text_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def test_supplement_request_lists_each_document_and_why(client, world):
    dossier = world.online_dossier()
    services.request_supplement(
        dossier=dossier,
        actor=world.counter,
        missing_documents=[{"name": "Bản sao giấy khai sinh", "reason": "bản chụp bị mờ, không đọc được"}],
        note="Nộp lại bản rõ nét",
        at=at(2025, 8, 12, 10),
    )
    client.force_login(world.counter)

    text = text_of(notice(client, dossier, "yeu-cau-bo-sung"))

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert dossier.code in text
    assert "1. Bản sao giấy khai sinh — lý do: bản chụp bị mờ, không đọc được" in text
    assert "Nộp lại bản rõ nét" in text


def test_refusal_gives_the_reason(client, world):
    dossier = world.dossier_in(Status.REJECTED)
    client.force_login(world.counter)

    text = text_of(notice(client, dossier, "tu-choi"))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền" in text
    assert dossier.code in text


def test_apology_carries_the_old_and_new_appointment(client, world):
    dossier = world.dossier_in(Status.PROCESSING)
    old = dossier.appointment_at
    services.apologize(
        dossier=dossier,
        actor=world.leader,
        new_appointment=at(2025, 8, 22).date(),
        note="Chờ ý kiến Sở Xây dựng",
        at=at(2025, 8, 13, 9),
    )
    client.force_login(world.leader)

    text = text_of(notice(client, dossier, "xin-loi"))

    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Mẫu số 04" in text
    assert "Chờ ý kiến Sở Xây dựng" in text
    assert "ngày 22/08/2025" in text
    assert f"{old.astimezone(dossier.received_at.tzinfo):%d/%m/%Y}" in text


def test_stop_notice_is_form_05_with_its_reason(client, world):
    dossier = world.dossier_in(Status.STOPPED)
    client.force_login(world.leader)

    text = text_of(notice(client, dossier, "dung-xu-ly"))

    assert "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ" in text
    assert "Mẫu số 05" in text
    assert "Quá hạn bổ sung" in text


def test_hand_over_slip_follows_the_dossier_through_its_steps(client, world):
    dossier = world.dossier_in(Status.RETURNED)
    client.force_login(world.counter)

    text = text_of(notice(client, dossier, "giao-nhan"))

    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    first_step = dossier.process.ordered_steps()[0]
    assert f"1. Bước {first_step.order}. {first_step.name}" in text
    assert "Bên giao: Bộ phận tiếp nhận và trả kết quả" in text
    assert "Trả kết quả cho người nộp" in text


@pytest.mark.parametrize("slug", ["tu-choi", "dung-xu-ly", "xin-loi", "yeu-cau-bo-sung"])
def test_a_notice_with_nothing_to_print_is_404_in_vietnamese(client, world, slug):
    dossier = world.dossier_in(Status.PROCESSING)
    client.force_login(world.counter)

    response = notice(client, dossier, slug)

    assert response.status_code == 404
    assert "chưa có phiếu này để in" in response.content.decode()


def test_dossier_screen_links_the_notices_it_has(client, world):
    dossier = world.dossier_in(Status.STOPPED)
    client.force_login(world.leader)

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()

    assert f"/can-bo/ho-so/{dossier.code}/in/dung-xu-ly/" in page
    assert f"/can-bo/ho-so/{dossier.code}/in/giao-nhan/" in page
    assert "/in/tu-choi/" not in page


def test_every_form_embeds_the_qr_of_the_tracking_address_with_its_secret(client, world, settings):
    settings.SITE_URL = "https://motcua.sonla.gov.vn"
    dossier = world.dossier_in(Status.STOPPED)
    client.force_login(world.leader)

    url = tracking_url(dossier)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "motcua.sonla.gov.vn", "/tra-cuu/")
    assert parse_qs(parts.query) == {"ma": [dossier.code], "k": [lookup_secret(dossier.code)]}
    assert lookup_secret(dossier.code) != lookup_secret(world.dossier_in(Status.RECEIVED).code)
    for response in (notice(client, dossier, "dung-xu-ly"), client.get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf")):
        page = PdfReader(io.BytesIO(response.content)).pages[0]
        assert len(page.images) == 1
