"""Seed 001's table, imported one row per dossier, comes back from the indicators API for the 2022 reporting
year, grouped by agency: every agency's dossiers, online dossiers and online rate as the report printed them."""

from django.core.management import call_command

from seeds.data.agencies import CENTRE
from seeds.data.indicators import ONLINE_2022, online_2022_rows
from seeds.loaders import SeedReport, load_catalogue
from tests.dossiers.api_support import client_for
from tests.factories import officer
from tests.reports.helpers import write_csv
from workflows.models import Agency, StaffRole

# The online rate column of report 01/CĐS (3 January 2023), tables 1 and 2, as printed.
PRINTED_RATES = {
    "000.00.17.H52": 100.00,
    "000.00.16.H52": 100.00,
    "000.00.11.H52": 100.00,
    "000.00.04.H52": 98.58,
    "000.00.08.H52": 97.18,
    "000.00.10.H52": 95.33,
    "000.00.12.H52": 80.73,
    "000.00.01.H52": 77.28,
    "000.00.14.H52": 59.29,
    "000.00.13.H52": 46.64,
    "000.00.15.H52": 32.11,
    "000.00.05.H52": 19.56,
    "000.00.07.H52": 11.08,
    "000.00.09.H52": 5.21,
    "000.00.06.H52": 1.19,
    "000.00.02.H52": 0.00,
    "000.00.57.H52": 27.68,
    "000.00.53.H52": 50.58,
    "000.00.59.H52": 17.99,
    "000.00.51.H52": 49.37,
    "000.00.60.H52": 37.91,
    "000.00.58.H52": 36.00,
    "000.00.62.H52": 9.95,
    "000.00.61.H52": 38.51,
    "000.00.52.H52": 9.48,
    "000.00.55.H52": 18.25,
    "000.00.54.H52": 25.70,
    "000.00.56.H52": 5.12,
}


def test_seed_001_table_from_an_import_through_the_api(db, tmp_path):
    load_catalogue(SeedReport())
    rows = list(online_2022_rows({}, "1.001193"))
    assert len(rows) == sum(total for _code, total, _online in ONLINE_2022)
    path = write_csv(tmp_path / "so-lieu-2022.csv", rows)
    call_command("import_dossiers", str(path), "--no-progress")

    supervisor = officer(Agency.objects.get(code=CENTRE), StaffRole.SUPERVISOR, "giamsat")
    answer = client_for(supervisor).get("/api/v1/reports/indicators/", {"period": "2022", "group_by": "agency"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["period"]["from"], body["period"]["to"]) == ("2021-12-15", "2022-12-14")
    by_code = {group["code"]: group for group in body["groups"]}
    assert set(PRINTED_RATES) == {code for code, _total, _online in ONLINE_2022}
    for code, total, online in ONLINE_2022:
        group = by_code[code]
        assert group["counts"]["received"] == total, code
        assert group["counts"]["received_online"] == online, code
        assert group["rates"]["online_rate"] == PRINTED_RATES[code], code
    # Sở Tài chính had no dossier: no rate rather than a made-up 0.
    finance = by_code.get("000.00.03.H52")
    assert finance is None or finance["rates"]["online_rate"] is None
    everyone = sum(total for _code, total, _online in ONLINE_2022)
    assert body["total"]["counts"]["received"] == everyone
    assert body["total"]["counts"]["received_online"] == sum(online for _code, _total, online in ONLINE_2022)
