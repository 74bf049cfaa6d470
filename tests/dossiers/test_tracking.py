"""Public tracking (GET /api/v1/track/{code}/ and the /tra-cuu/ page) and the home page."""

import io
from urllib.parse import parse_qsl, urlsplit

import pytest
import zxingcpp
from pypdf import PdfReader
from rest_framework.throttling import ScopedRateThrottle

from dossiers import services
from dossiers.api.serializers import mask_name
from dossiers.tracking import lookup_secret, tracking_url
from tests.dossiers.api_support import client_for


def test_tracking_shows_status_dates_and_timeline_without_personal_data(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)
    services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification", note="Gọi số 0912345678")

    response = client_for().get(f"/api/v1/track/{dossier.code}/")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["procedure"] == {"code": world.procedure.code, "name": world.procedure.name}
    assert body["status"] == "paused"
    assert body["status_label"] == "Tạm dừng"
    assert body["applicant"] == "Nguyễn V** A*"
    assert body["received_at"] is not None
    assert body["appointment_at"] is not None
    assert [e["action"] for e in body["timeline"]] == ["receive", "start", "pause"]
    assert body["timeline"][1]["step"] == "Tiếp nhận"
    text = response.content.decode()
    for secret in ("0912345678", "Nguyễn Văn An", "canbo.motcua", world.counter.get_full_name(), "Gọi số"):
        assert secret not in text
    assert set(body["timeline"][0]) == {"action", "label", "status", "status_label", "step", "at"}


def test_tracking_needs_no_login_even_with_bad_credentials(world):
    dossier = world.counter_dossier()
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get(f"/api/v1/track/{dossier.code}/").status_code == 200


def test_unknown_code_is_404_in_vietnamese(db):
    response = client_for().get("/api/v1/track/000.00.12.H52-250812-9999/")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Không tìm thấy hồ sơ có mã “000.00.12.H52-250812-9999”")


def track_rate(monkeypatch, rate):
    """The rate of scope "track", as settings REST_FRAMEWORK DEFAULT_THROTTLE_RATES would give it."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"track": rate})


def test_guessing_is_throttled_with_a_vietnamese_429(world, monkeypatch):
    track_rate(monkeypatch, "3/min")
    dossier = world.counter_dossier()
    client = client_for()
    answers = [client.get(f"/api/v1/track/000.00.12.H52-250812-{n:04d}/").status_code for n in (11, 12)]
    answers.append(client.get(f"/api/v1/track/{dossier.code}/").status_code)
    blocked = client.get(f"/api/v1/track/{dossier.code}/")

    assert answers == [404, 404, 200]
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert blocked.json()["detail"].startswith("Bạn tra cứu quá nhiều lần")
    assert blocked.json()["retry_after_seconds"] > 0
    assert "Retry-After" in blocked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V** A*"),
        ("Lò Thị Ánh Tuyết", "Lò T** Á** T****"),
        ("Công ty TNHH Hoa Ban", "Công t* T*** H** B**"),
        ("An", "An"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


# -- pages ------------------------------------------------------------------------------------------
def test_home_page_links_to_tracking_officers_and_api_docs(client, db):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" in html
    for link in ('href="/tra-cuu/"', 'href="/can-bo/"', 'href="/api/docs/"'):
        assert link in html
    assert "https://" not in html  # no CDN


def test_tracking_page_form_and_result(client, world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)

    empty = client.get("/tra-cuu/")
    found = client.get("/tra-cuu/", {"ma": f"  {dossier.code} "})

    assert empty.status_code == 200
    assert 'name="ma"' in empty.content.decode()
    assert found.status_code == 200
    html = found.content.decode()
    assert dossier.code in html
    assert "Đang xử lý" in html
    assert "Nguyễn V** A*" in html
    assert "Chuyển xử lý" in html
    assert "Tiếp nhận" in html
    assert "Nguyễn Văn An" not in html
    assert "0912345678" not in html


def test_tracking_page_unknown_code_and_throttle(client, world, monkeypatch):
    track_rate(monkeypatch, "2/min")
    missing = client.get("/tra-cuu/", {"ma": "KHONG-CO"})
    client.get("/tra-cuu/", {"ma": "KHONG-CO-2"})
    blocked = client.get("/tra-cuu/", {"ma": "KHONG-CO-3"})
    api_blocked = client_for().get("/api/v1/track/KHONG-CO-4/")

    assert missing.status_code == 404
    assert "Không tìm thấy hồ sơ có mã “KHONG-CO”" in missing.content.decode()
    assert blocked.status_code == 429
    assert "Bạn tra cứu quá nhiều lần" in blocked.content.decode()
    assert api_blocked.status_code == 429  # the page and the API share one budget per client


# -- the receipt's lookup secret, the public-only timeline, the missing documents --------------------
def test_the_lookup_secret_unmasks_the_owner_and_a_wrong_one_answers_as_none(world):
    dossier = world.counter_dossier()
    secret = lookup_secret(dossier.code)
    client = client_for()

    owner = client.get(f"/api/v1/track/{dossier.code}/", {"k": secret.lower()})
    wrong = client.get(f"/api/v1/track/{dossier.code}/", {"k": "AAAAAAAAAAAA"})
    none = client.get(f"/api/v1/track/{dossier.code}/")

    assert owner.json()["applicant"] == "Nguyễn Văn An"
    assert owner.json()["owner"] is True
    assert wrong.json() == none.json()
    assert none.json()["applicant"] == "Nguyễn V** A*"
    assert none.json()["owner"] is False
    assert "Nguyễn Văn An" not in wrong.content.decode()


def test_an_unknown_code_and_a_foreign_one_are_answered_alike(world):
    world.counter_dossier()
    client = client_for()

    unknown = client.get("/api/v1/track/000.00.12.H52-250812-9999/")
    foreign = client.get("/api/v1/track/000.00.01.H01-250812-0001/", {"k": "AAAAAAAAAAAA"})

    assert unknown.status_code == foreign.status_code == 404
    assert unknown.json()["code"] == foreign.json()["code"]
    assert set(unknown.json()) == set(foreign.json()) == {"detail", "code"}


def test_the_public_timeline_leaves_out_internal_moves_between_steps(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)
    dossier = services.complete_step(dossier=dossier, actor=world.counter)
    dossier = services.send_back(dossier=dossier, actor=world.specialist, note="Thiếu chữ ký của Nguyễn Văn An")
    services.record_event(dossier=dossier, actor=world.counter, action="note", note="Đã gọi 0912345678")

    body = client_for().get(f"/api/v1/track/{dossier.code}/").json()

    assert [e["action"] for e in body["timeline"]] == ["receive", "start", "complete-step"]
    assert "Thiếu chữ ký" not in str(body)


def test_a_supplement_lists_the_missing_documents_on_the_page_and_the_api(client, world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)
    services.request_supplement(
        dossier=dossier,
        actor=world.counter,
        missing_documents=[{"name": "Bản sao giấy khai sinh", "reason": "Bản chụp bị mờ"}],
    )

    body = client_for().get(f"/api/v1/track/{dossier.code}/").json()
    page = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()

    assert body["status"] == "supplement"
    assert body["missing_documents"] == [{"name": "Bản sao giấy khai sinh", "reason": "Bản chụp bị mờ"}]
    assert "Bản sao giấy khai sinh" in page
    assert "Bản chụp bị mờ" in page


def test_the_receipt_qr_holds_the_tracking_url_with_the_secret_which_shows_the_owner_view(client, world):
    dossier = world.counter_dossier()
    content = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").content
    image = next(iter(PdfReader(io.BytesIO(content)).pages[0].images)).image

    (decoded,) = zxingcpp.read_barcodes(image.convert("L"))
    url = urlsplit(decoded.text)
    page = client.get(url.path, dict(parse_qsl(url.query)))

    assert decoded.text == tracking_url(dossier)
    assert decoded.text.startswith("http://127.0.0.1:8000/tra-cuu/?ma=")
    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.content.decode()


def test_a_visitor_without_the_lookup_secret_sees_no_personal_data_on_the_page_or_the_api(client, world):
    personal = {
        "applicant_id_number": "014190007777",
        "applicant_email": "bichngoc@example.vn",
        "applicant_address": "Tổ 3, phường Tô Hiệu, tỉnh Sơn La",
    }
    dossier = world.counter_dossier(**personal)  # named Nguyễn Văn An, phone 0912345678
    dossier = services.start_processing(dossier=dossier, actor=world.counter, assignee=world.counter)
    dossier = services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=[{"name": "Tờ khai", "reason": "Thiếu chữ ký"}]
    )

    answers = [
        client.get("/tra-cuu/", {"ma": dossier.code}),
        client.get("/tra-cuu/", {"ma": dossier.code, "k": "AAAAAAAAAAAA"}),
        client_for().get(f"/api/v1/track/{dossier.code}/"),
        client_for().get(f"/api/v1/track/{dossier.code}/", {"k": "AAAAAAAAAAAA"}),
    ]

    for answer in answers:
        assert answer.status_code == 200
        text = answer.content.decode()
        assert "Thiếu chữ ký" in text  # what the applicant must bring is public …
        for value in [*personal.values(), "Nguyễn Văn An", "0912345678", world.counter.get_username()]:
            assert value not in text, value  # … who the applicant is, is not
