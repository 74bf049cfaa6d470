"""The worklist exported to Excel and CSV with the screen's tab and filters applied."""

import csv
import io

from openpyxl import load_workbook

from dossiers.models import Status
from tests.factories import ProcedureFactory, at, make_process


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_csv_export_has_the_tab_and_filters_of_the_screen(client, world):
    other = ProcedureFactory(competent_agency=world.agency, name="Cấp phiếu lý lịch tư pháp")
    make_process(other)
    waiting = world.dossier_in(Status.RECEIVED)
    other_dossier = world.counter_dossier(procedure=other, when=at(2025, 8, 12, 10))
    processing = world.dossier_in(Status.PROCESSING, when=at(2025, 8, 12, 11))
    client.force_login(world.counter)

    response = client.get("/can-bo/xuat/csv/", {"tab": "tat-ca", "thu_tuc": world.procedure.pk})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="so-theo-doi-tat-ca-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Mã hồ sơ", "Chủ hồ sơ", "Số điện thoại"]
    codes = {row[0] for row in rows[1:]}
    assert codes == {waiting.code, processing.code}
    assert other_dossier.code not in codes
    row = next(r for r in rows[1:] if r[0] == processing.code)
    assert row[1] == "Nguyễn Văn An"
    assert "Đang xử lý" in row

    searched = csv_rows(client.get("/can-bo/xuat/csv/", {"tab": "tat-ca", "q": processing.code}))
    assert [r[0] for r in searched[1:]] == [processing.code]


def test_excel_export_is_a_workbook_with_the_same_rows(client, world):
    dossiers = [world.dossier_in(Status.RECEIVED, when=at(2025, 8, 12, 9 + i)) for i in range(3)]
    client.force_login(world.counter)

    response = client.get("/can-bo/xuat/xlsx/", {"tab": "tat-ca"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ"
    assert {r[0] for r in rows[1:]} == {d.code for d in dossiers}
    assert sheet.title == "Tất cả"


def test_export_shows_only_what_the_officer_may_see(client, world):
    mine = world.dossier_in(Status.RECEIVED)
    client.force_login(world.outsider)

    rows = csv_rows(client.get("/can-bo/xuat/csv/", {"tab": "tat-ca"}))

    assert mine.code not in {r[0] for r in rows[1:]}


def test_unknown_export_kind_is_a_vietnamese_404(client, world):
    client.force_login(world.counter)

    response = client.get("/can-bo/xuat/pdf/")

    assert response.status_code == 404
    assert "chọn CSV hoặc Excel" in response.content.decode()


def test_worklist_links_its_exports_with_its_filters(client, world):
    client.force_login(world.counter)

    page = client.get("/can-bo/", {"tab": "qua-han", "q": "An"}).content.decode()

    assert 'href="/can-bo/xuat/xlsx/?q=An&amp;tab=qua-han"' in page
    assert 'href="/can-bo/xuat/csv/?q=An&amp;tab=qua-han"' in page
