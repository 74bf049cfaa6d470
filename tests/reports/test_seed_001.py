"""Seed 001's table, imported one row per dossier, comes back from the report of the 2022 reporting year."""

import time

from django.core.management import call_command

from reports.periods import parse
from reports.selectors import indicator_report
from seeds.data.indicators import ONLINE_2022, online_2022_rows
from seeds.loaders import SeedReport, load_catalogue
from tests.reports.helpers import write_csv


def test_seed_001_table_from_an_import(db, tmp_path):
    load_catalogue(SeedReport())
    path = write_csv(tmp_path / "so-lieu-2022.csv", online_2022_rows({}, "1.001193"))
    started = time.monotonic()
    call_command("import_dossiers", str(path), "--no-progress")
    print("import", time.monotonic() - started)
    report = indicator_report(period=parse("2022"), group_by="agency")
    by_code = {g.code: g for g in report.groups}
    for code, total, online in ONLINE_2022:
        group = by_code[code]
        assert group.counts["received"] == total, code
        assert group.counts["received_online"] == online, code
        assert group.rates["online_rate"] == round(100 * online / total, 2), code
