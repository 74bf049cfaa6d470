"""“Hồ sơ của tôi”: a dossier's page with its public timeline, what a supplement asks for and the upload of it
all at once, withdrawal with a reason, the rating, the electronic result, the payment's return."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import DocumentVersion, Rating, Status
from dossiers.services import DocumentInput
from payments import services as payment_services
from payments.models import Payment
from tests.citizen.conftest import own_dossier
from tests.factories import PDF_BYTES


def in_supplement(world, dossier):
    dossier = services.receive_dossier(dossier=dossier, actor=world.counter)
    dossier = services.start_processing(dossier=dossier, actor=world.counter, assignee=world.counter)
    dossier = services.complete_step(dossier=dossier, actor=world.counter)
    dossier = services.send_back(dossier=dossier, actor=world.specialist, note="Xem lại")
    return services.request_supplement(
        dossier=dossier,
        actor=world.counter,
        missing_documents=[
            {"component": "to-khai", "name": "Tờ khai", "reason": "Thiếu chữ ký"},
            {"component": "cccd", "name": "Căn cước", "reason": "Bản chụp mờ"},
        ],
    )


def test_the_page_shows_what_is_asked_and_the_supplement_hands_it_all_in_at_once(minh, world):
    dossier = in_supplement(world, own_dossier(world))

    page = minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()
    response = minh.post(
        f"/dich-vu-cong/ho-so/{dossier.code}/bo-sung/",
        {
            "doc-to-khai": SimpleUploadedFile("to-khai-ky.pdf", PDF_BYTES),
            "doc-cccd": SimpleUploadedFile("cccd.pdf", PDF_BYTES),
            "note": "Đã ký",
        },
    )

    for words in ("Cần bổ sung", "Tờ khai", "Thiếu chữ ký", "Căn cước", "Bản chụp mờ"):
        assert words in page, words
    assert "Trả lại bước trước" not in page  # moves between steps stay inside
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    versions = DocumentVersion.objects.filter(dossier=dossier, component="to-khai").order_by("version")
    assert [v.version for v in versions] == [1, 2]  # the old version stays
    assert DocumentVersion.objects.filter(dossier=dossier, component="cccd").count() == 1


def test_a_supplement_adds_pages_to_one_document_or_replaces_its_files(minh, world):
    dossier = in_supplement(world, own_dossier(world))
    url = f"/dich-vu-cong/ho-so/{dossier.code}/bo-sung/"
    page = minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()
    assert 'name="add" value="to-khai"' in page

    response = minh.post(
        url,
        {
            "doc-to-khai": [SimpleUploadedFile("trang-2.pdf", PDF_BYTES), SimpleUploadedFile("trang-3.pdf", PDF_BYTES)],
            "add": ["to-khai"],  # the missing pages join the page already handed in
        },
    )

    assert response.status_code == 302
    to_khai = DocumentVersion.objects.filter(dossier=dossier, component="to-khai")
    assert sorted((v.version, v.part) for v in to_khai) == [(1, 1), (1, 2), (1, 3)]
    assert "3 tệp" in minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()

    dossier = services.request_supplement(dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"])
    minh.post(url, {"doc-to-khai": [SimpleUploadedFile("to-khai-moi.pdf", PDF_BYTES)]})  # replaced

    to_khai = DocumentVersion.objects.filter(dossier=dossier, component="to-khai")
    assert sorted((v.version, v.part) for v in to_khai) == [(1, 1), (1, 2), (1, 3), (2, 1)]  # all kept
    page = minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()
    assert "1 tệp" in page and "2 phiên bản" in page


def test_a_supplement_without_files_is_refused_with_a_message(minh, world):
    dossier = in_supplement(world, own_dossier(world))

    response = minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/bo-sung/", {"note": ""})

    assert response.status_code == 400
    assert "Hãy tải lên các giấy tờ được yêu cầu bổ sung." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT


def test_withdrawal_needs_a_reason(minh, world):
    dossier = own_dossier(world)

    empty = minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/rut/", {"reason": ""})
    done = minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/rut/", {"reason": "Nộp nhầm thủ tục"})

    assert empty.status_code == 400
    assert "Hãy cho biết lý do rút hồ sơ." in empty.content.decode()
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.get(action="withdraw").note == "Nộp nhầm thủ tục"


def test_the_returned_dossier_offers_its_result_and_is_rated_once(minh, world):
    dossier = services.receive_dossier(dossier=own_dossier(world), actor=world.counter)
    dossier = services.start_processing(dossier=dossier, actor=world.counter)
    early = minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/danh-gia/", {"value": "satisfied"})
    dossier = services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved")
    services.add_documents(
        dossier=dossier,
        actor=world.counter,
        documents=[
            DocumentInput(component="ket-qua", name="Giấy khai sinh", file=SimpleUploadedFile("kq.pdf", PDF_BYTES))
        ],
        is_result=True,
    )
    dossier = services.return_result(dossier=dossier, actor=world.counter)
    result = DocumentVersion.objects.get(dossier=dossier, is_result=True)

    page = minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()
    download = minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/giay-to/{result.pk}/")
    rated = minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/danh-gia/", {"value": "very_satisfied", "comment": "Tốt"})
    again = minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/danh-gia/", {"value": "not_satisfied"})

    assert early.status_code == 409
    assert "Hồ sơ chưa trả kết quả nên chưa thể đánh giá" in early.content.decode()
    assert "Giấy khai sinh" in page and "Đánh giá mức độ hài lòng" in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert rated.status_code == 302
    assert again.status_code == 409
    assert "mỗi hồ sơ chỉ đánh giá một lần" in again.content.decode()
    assert Rating.objects.get(dossier=dossier).value == "very_satisfied"
    assert "Bạn đã đánh giá: Rất hài lòng." in minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()


def test_another_applicant_s_dossier_is_not_found(minh, world):
    dossier = world.online_dossier()

    assert minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/").status_code == 404
    assert minh.post(f"/dich-vu-cong/ho-so/{dossier.code}/rut/", {"reason": "x"}).status_code == 404


def test_the_payment_return_page_reads_its_parameters(client, minh, world, settings):
    settings.PAYMENT_PLATFORM_URL = "http://127.0.0.1:9"  # the platform does not answer: the record says pending
    settings.PAYMENT_SECRET = "test-payment-secret"
    dossier = own_dossier(world)
    payment = Payment.objects.create(dossier=dossier, method="online", amount=8000, reference="OS251208ABCDEF")

    back = minh.get(
        "/dich-vu-cong/thanh-toan/ket-qua/",
        {"ma_ho_so": dossier.code, "ma_giao_dich": payment.reference, "trang_thai": "paid"},
    )
    unknown = minh.get("/dich-vu-cong/thanh-toan/ket-qua/", {"ma_giao_dich": "KHONG-CO"})

    assert back.status_code == 302
    assert back["Location"] == f"/dich-vu-cong/ho-so/{dossier.code}/?thanh_toan=pending"
    page = minh.get(back["Location"]).content.decode()
    assert "Giao dịch đang chờ xác nhận" in page  # the platform's word, not the browser's, decides
    assert unknown.status_code == 404
    assert "Không tìm thấy giao dịch thanh toán này." in unknown.content.decode()


def test_the_applicant_chooses_how_to_be_notified(minh, world):
    from notifications.models import Preference

    saved = minh.post("/dich-vu-cong/thong-bao/", {"sms": "on"})
    page = minh.get("/dich-vu-cong/ho-so/").content.decode()

    assert saved.status_code == 302
    preference = Preference.objects.get()
    assert (preference.email, preference.sms) == (False, True)
    assert 'name="sms" id="id_sms" checked' in page
    assert 'name="email" id="id_email" checked' not in page


def test_a_fee_due_later_shows_in_my_dossiers_with_a_pay_button(minh, world):
    dossier = services.receive_dossier(dossier=own_dossier(world), actor=world.counter)
    dossier = services.start_processing(dossier=dossier, actor=world.counter)
    untouched = own_dossier(world)
    page = minh.get("/dich-vu-cong/ho-so/").content.decode()
    assert "Còn phải nộp" not in page

    payment_services.request_financial_obligation(
        dossier=dossier, actor=world.counter, amount=120_000, reason="Lệ phí trước bạ"
    )

    page = minh.get("/dich-vu-cong/ho-so/").content.decode()
    assert "Còn phải nộp 120.000 đồng" in page
    assert f'action="/dich-vu-cong/ho-so/{dossier.code}/thanh-toan/"' in page
    assert f'action="/dich-vu-cong/ho-so/{untouched.code}/thanh-toan/"' not in page


def test_my_dossiers_reads_what_every_listed_dossier_owes_in_the_same_queries_however_many_owe(minh, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def owing():
        dossier = services.receive_dossier(dossier=own_dossier(world), actor=world.counter)
        dossier = services.start_processing(dossier=dossier, actor=world.counter)
        payment_services.request_financial_obligation(
            dossier=dossier, actor=world.counter, amount=50_000, reason="Lệ phí trước bạ"
        )
        own_dossier(world)  # and one filed online, not yet received: its fee is an estimate

    owing()
    with CaptureQueriesContext(connection) as few:
        page = minh.get("/dich-vu-cong/ho-so/").content.decode()
    assert page.count("Còn phải nộp 50.000 đồng") == 1
    for _ in range(3):
        owing()
    with CaptureQueriesContext(connection) as many:
        page = minh.get("/dich-vu-cong/ho-so/").content.decode()
    assert page.count("Còn phải nộp 50.000 đồng") == 4
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"][:90] for q in many.captured_queries]
