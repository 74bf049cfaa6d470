"""GET /api/v1/dossiers/{code}/receipt.pdf: the receipt, in Vietnamese, with the code as text and QR."""

import io

from pypdf import PdfReader

from tests.dossiers.api_support import client_for


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_receipt_has_code_applicant_procedure_documents_dates_and_officer(world):
    dossier = world.counter_dossier(
        summary="Cấp bản sao trích lục khai sinh",
        return_channel="post",
    )

    response = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert dossier.code in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content)
    assert dossier.code in text
    for words in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Nguyễn Văn An",
        world.procedure.name,
        "Thời gian tiếp nhận",
        "Thời gian hẹn trả kết quả",
        "Qua dịch vụ bưu chính",
        "NGƯỜI TIẾP NHẬN",
        world.counter.get_full_name(),
        "Sở Tư pháp",
    ):
        assert words in text, words


def test_receipt_lists_the_documents_received_and_embeds_a_qr_image(world):
    from dossiers.services import DocumentInput

    dossier = world.counter_dossier(
        documents=[DocumentInput(component="to-khai", name="Tờ khai đăng ký khai sinh", paper_copy=True)]
    )

    content = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").content

    assert "1. Tờ khai đăng ký khai sinh (bản giấy, phiên bản 1)" in pdf_text(content)
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert len(page.images) == 1  # the QR code of the dossier code


def test_applicant_gets_his_receipt_once_received(world):
    dossier = world.online_dossier()
    client = client_for(world.applicant)

    before = client.get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf")
    client_for(world.counter).post(f"/api/v1/dossiers/{dossier.code}/actions/receive/", {}, format="json")
    after = client.get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf")

    assert before.status_code == 409
    assert before.json()["code"] == "not_received"
    assert after.status_code == 200
    assert "Trực tuyến" in pdf_text(after.content)


def test_receipt_of_someone_elses_dossier_is_404(world):
    dossier = world.counter_dossier()

    assert client_for(world.outsider).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").status_code == 404


def test_the_receipt_is_in_vietnamese_whatever_language_the_officer_reads(world):
    """It is the citizen's copy of an administrative form; the officer's screens may be in English."""
    dossier = world.counter_dossier(return_channel="post")
    response = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content)
    for words in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Thời gian hẹn trả kết quả", "Qua dịch vụ bưu chính"):
        assert words in text, words
    assert "RECEIPT" not in text.upper()
    assert (
        client_for(world.counter)
        .get(f"/api/v1/dossiers/{dossier.code}/", HTTP_ACCEPT_LANGUAGE="en")
        .headers["Content-Language"]
        == "en"
    )  # the rest of the API answers in English
