"""GET /api/v1/procedures/, /procedures/{code}/ and /agencies/: the public catalogue."""

from tests.dossiers.api_support import client_for
from tests.factories import AgencyFactory


def test_procedures_list_shows_time_limit_documents_and_current_process(world):
    response = client_for().get("/api/v1/procedures/")

    assert response.status_code == 200
    [row] = [r for r in response.json()["results"] if r["code"] == world.procedure.code]
    assert row["time_limit"] == 3.0
    assert row["time_unit"] == "days"
    assert row["online_level"] == "partial"
    assert row["fee_amount"] == 0
    assert row["competent_agency"]["code"] == world.agency.code
    assert [d["code"] for d in row["documents"]] == ["to-khai", "cccd"]
    assert {c["code"] for c in row["return_channels"]} == {"counter", "post", "online"}
    steps = row["current_process"]["steps"]
    assert [s["name"] for s in steps] == ["Tiếp nhận", "Thẩm định", "Phê duyệt", "Ký"]
    assert [s["role"] for s in steps] == ["counter", "specialist", "leader", "leader"]
    assert sum(s["time_limit_hours"] for s in steps) == 24


def test_procedure_detail_by_code(world):
    response = client_for().get(f"/api/v1/procedures/{world.procedure.code}/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == world.procedure.name
    assert body["current_process"]["number"] == world.process.number
    assert body["current_process"]["steps"][1]["time_limit_hours"] == 12


def test_unknown_procedure_is_404_with_vietnamese_message(db):
    response = client_for().get("/api/v1/procedures/9.999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không có thủ tục mã “9.999999”.", "code": "not_found"}


def test_procedure_list_searches_by_name(world):
    response = client_for().get("/api/v1/procedures/", {"q": "không-có-thủ-tục-này"})

    assert response.json()["results"] == []


def test_agencies_with_identifier_codes_tier_and_parent(world):
    AgencyFactory(code="000.01.99.H52", name="Phòng Hộ tịch", parent=world.agency)

    response = client_for().get("/api/v1/agencies/")

    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["results"]}
    assert rows["000.00.31.H52"]["tier"] == "centre"
    assert rows["000.00.31.H52"]["tier_label"] == "Trung tâm Phục vụ hành chính công"
    assert rows["000.01.99.H52"]["parent"] == world.agency.code
    assert rows[world.agency.code]["parent"] is None
