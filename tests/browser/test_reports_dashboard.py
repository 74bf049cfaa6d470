"""The indicator dashboard in a browser: a supervisor signs in, sees the province's 2022 figures with their
charts, goes down to an agency, to its procedure, and to the dossiers behind a number."""

import pytest

from reports.importing import import_file
from tests.factories import AgencyFactory, ProcedureFactory, officer
from tests.reports.helpers import write_csv
from workflows.models import AgencyTier, StaffRole

pytestmark = pytest.mark.django_db(transaction=True)


def row(code, procedure, agency, *, online, late=False):
    return {
        "code": code,
        "procedure_code": procedure.code,
        "agency_code": agency.code,
        "channel": "online" if online else "counter",
        "submitted_at": "",
        "received_at": "2022-05-09T08:00:00+07:00",
        "due_at": "2022-05-12T08:00:00+07:00",
        "resolved_at": "2022-05-16T08:00:00+07:00" if late else "2022-05-10T08:00:00+07:00",
        "returned_at": "2022-05-17T08:00:00+07:00",
        "status": "returned",
        "supplements": "0",
        "fee": "0",
        "paid_online": "false",
        "result_electronic": "true" if online else "false",
        "rating": "satisfied",
    }


def test_from_the_province_to_the_dossiers_behind_a_number(page, live_server, tmp_path):
    justice = AgencyFactory(code="000.00.12.H52", name="Sở Tư pháp tỉnh Sơn La")
    district = AgencyFactory(
        code="000.00.57.H52", name="Ủy ban nhân dân huyện Mộc Châu", tier=AgencyTier.DISTRICT, is_active=False
    )
    civil = ProcedureFactory(competent_agency=justice, name="Cấp phiếu lý lịch tư pháp")
    rows = [row(f"LLTP-{n}", civil, justice, online=n < 3, late=n == 0) for n in range(4)]
    rows += [row(f"MC-{n}", civil, district, online=False) for n in range(2)]
    import_file(write_csv(tmp_path / "2022.csv", rows))
    supervisor = officer(AgencyFactory(tier=AgencyTier.CENTRE), StaffRole.SUPERVISOR, "giamsat")
    supervisor.set_password("mat-khau-giam-sat")
    supervisor.save()

    page.goto(f"{live_server.url}/bao-cao/?period=2022")
    page.get_by_label("Tên đăng nhập").fill("giamsat")
    page.get_by_label("Mật khẩu").fill("mat-khau-giam-sat")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/bao-cao/?period=2022")
    assert page.get_by_role("heading", name="Chỉ số giải quyết thủ tục hành chính toàn tỉnh").is_visible()
    assert page.locator("svg.chart").count() == 2
    assert page.get_by_role("img", name="Hồ sơ theo tháng").is_visible()
    table = page.locator("table.figures").first
    assert "Ủy ban nhân dân huyện Mộc Châu" in table.inner_text() and "không còn hoạt động" in table.inner_text()

    page.get_by_role("link", name="Sở Tư pháp tỉnh Sơn La").click()
    assert page.get_by_role("heading", name="Sở Tư pháp tỉnh Sơn La").is_visible()
    procedure_row = page.locator("table.figures tbody tr", has_text="Cấp phiếu lý lịch tư pháp")
    cells = procedure_row.locator("td")
    assert cells.nth(1).inner_text() == "4" and cells.nth(2).inner_text() == "3"  # received, online
    assert cells.nth(6).inner_text() == "1"  # late
    cells.nth(6).get_by_role("link").click()
    assert page.get_by_role("heading", name="Quá hạn: 1 hồ sơ").is_visible()
    assert page.get_by_role("link", name="LLTP-0").is_visible()
    assert page.get_by_role("link", name="LLTP-1").count() == 0
