"""Public tracking (GET /api/v1/track/{code}/ and the /tra-cuu/ page) and the home page."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from dossiers import services
from dossiers.api.serializers import mask_name
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
