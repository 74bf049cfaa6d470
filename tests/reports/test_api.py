"""GET /api/v1/reports/indicators/: who sees what, the periods and groupings it reads, and its CSV and
Excel answers in seed 001's layout."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.dossiers.api_support import client_for
from tests.factories import ProcedureFactory, make_process, officer
from workflows.models import StaffRole

URL = "/api/v1/reports/indicators/"


@pytest.fixture
def figures(world):
    """Two dossiers of the world's agency (one resolved, one received) and one of the other agency."""
    world.dossier_in("resolved")
    world.counter_dossier()
    elsewhere = ProcedureFactory(competent_agency=world.other_agency)
    make_process(elsewhere)
    return world, world.counter_dossier(procedure=elsewhere)


def test_a_supervisor_sees_the_province_by_agency(figures):
    world, _other = figures
    supervisor = officer(world.centre, StaffRole.SUPERVISOR, "giamsat")
    answer = client_for(supervisor).get(URL, {"period": "2025-08", "group_by": "agency"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["period"] == {"label": "2025-08", "from": "2025-08-01", "to": "2025-08-31", "reporting_year": 2025}
    group = next(g for g in body["groups"] if g["code"] == world.agency.code)
    assert group["name"] == "Sở Tư pháp"
    assert (group["counts"]["received"], group["counts"]["resolved"], group["counts"]["in_progress"]) == (2, 1, 1)
    assert group["rates"]["on_time_rate"] == 100.0
    other = next(g for g in body["groups"] if g["code"] == world.other_agency.code)
    assert (other["counts"]["received"], other["counts"]["resolved"]) == (1, 0)
    assert body["total"]["counts"]["received"] == 3
    assert "bổ sung quá một lần là quá hạn" in body["definitions"]["rates"]["on_time_rate"]["formula"]
    assert body["definitions"]["rates"]["online_rate"]["source"].startswith("Báo cáo 01/CĐS")


def test_a_leader_sees_his_agency_only(figures):
    world, _other = figures
    answer = client_for(world.leader).get(URL, {"period": "2025", "group_by": "agency"})
    assert answer.status_code == 200
    assert [g["code"] for g in answer.json()["groups"]] == [world.agency.code]
    refused = client_for(world.leader).get(URL, {"period": "2025", "agency": world.other_agency.code})
    assert refused.status_code == 403
    assert "cơ quan mình" in refused.json()["detail"]


def test_counter_officers_applicants_and_strangers_are_refused(world):
    assert client_for(world.counter).get(URL, {"period": "2025"}).status_code == 403
    assert client_for(world.applicant).get(URL, {"period": "2025"}).status_code == 403
    assert client_for().get(URL, {"period": "2025"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"period": "2025-Q7"}, "period", "Quý phải từ 1 đến 4"),
        ({"period": "hôm qua"}, "period", "Kỳ báo cáo không hợp lệ"),
        ({"from": "2025-08-01"}, "period", "Cần cả ngày bắt đầu"),
        ({"period": "2025", "group_by": "phường"}, "group_by", "Cách nhóm không hợp lệ"),
        ({"period": "2025", "agency": "000.99.99.H52"}, "agency", "Không có cơ quan"),
    ],
)
def test_bad_queries_are_refused_with_a_reason(world, query, field, words):
    answer = client_for(world.admin).get(URL, query)
    assert answer.status_code == 400
    assert words in answer.json()["errors"][field][0]


def test_groupings_by_field_procedure_tier_and_province(figures):
    world, _other = figures
    for group_by, code in (
        ("field", world.procedure.field.code),
        ("procedure", world.procedure.code),
        ("tier", "department"),
        ("province", "province"),
    ):
        query = {"from": "2025-08-01", "to": "2025-08-31", "group_by": group_by, "agency": world.agency.code}
        body = client_for(world.admin).get(URL, query).json()
        assert [g["code"] for g in body["groups"]] == [code], group_by
        assert body["groups"][0]["counts"]["received"] == 2


def test_csv_in_seed_001_layout(figures):
    world, _other = figures
    answer = client_for(world.admin).get(URL, {"period": "2025-08", "format": "csv"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="chi-so-2025-08-agency.csv"' in answer["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Kỳ báo cáo", "2025-08"]
    header = rows[1]
    assert header[:8] == [
        "STT",
        "Tên cơ quan, đơn vị",
        "DVC trực tuyến (một phần, toàn trình)",
        "DVC trực tuyến có phát sinh hồ sơ",
        "Tỷ lệ DVC trực tuyến có phát sinh hồ sơ (%)",
        "Tiếp nhận",
        "Tiếp nhận trực tuyến",
        "Tỷ lệ hồ sơ trực tuyến (%)",
    ]
    first = rows[2]
    assert first[0] == "1" and first[1] == "Sở Tư pháp" and first[5] == "2" and first[7] == "0.00%"
    assert rows[-1][1] == "Toàn tỉnh"


def test_excel_in_seed_001_layout(figures):
    world, _other = figures
    answer = client_for(world.admin).get(URL, {"period": "2025-08", "format": "xlsx"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet["A2"].value == "STT" and sheet["F2"].value == "Tiếp nhận"
    assert (sheet["B3"].value, sheet["F3"].value, sheet["H3"].value) == ("Sở Tư pháp", 2, 0)
    assert sheet["H3"].number_format == "0.00%"


def test_targets_beside_the_actual_figure(figures):
    from reports.models import Target

    world, _other = figures
    Target.objects.create(agency=world.agency, year=2025, indicator="on_time_rate", value=90)
    group = client_for(world.admin).get(URL, {"period": "2025"}).json()["groups"][0]
    assert group["targets"] == [
        {
            "indicator": "on_time_rate",
            "label": "Tỷ lệ giải quyết đúng hạn",
            "target": 90.0,
            "actual": 100.0,
            "gap": 10.0,
            "source": "",
        }
    ]
