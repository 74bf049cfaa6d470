"""`manage.py import_dossiers`: bad rows reported with their line numbers while the rest goes in, a rerun
that resumes where an interrupted one stopped, and dossiers handled in the system never written over."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from dossiers.models import Dossier, DossierEvent
from reports import importing
from reports.importing import import_file
from reports.models import DossierFact, ImportRun
from tests.reports.helpers import write_csv, write_jsonl


def good(world, code, **changes):
    row = {
        "code": code,
        "procedure_code": world.procedure.code,
        "agency_code": world.agency.code,
        "channel": "online",
        "submitted_at": "2022-03-01T07:50:00+07:00",
        "received_at": "2022-03-01T08:00:00+07:00",
        "due_at": "2022-03-04T08:00:00+07:00",
        "resolved_at": "2022-03-03T10:00:00+07:00",
        "returned_at": "2022-03-03T15:00:00+07:00",
        "status": "returned",
        "supplements": "0",
        "fee": "0",
        "paid_online": "false",
        "result_electronic": "true",
        "rating": "satisfied",
    }
    row.update(changes)
    return row


def test_bad_rows_are_reported_by_line_and_the_rest_goes_in(world, tmp_path):
    rows = [
        good(world, "H-1"),
        good(world, "H-2", procedure_code="9.999999"),
        good(world, "H-3", received_at="01/03/2022"),
        good(world, "H-4", received_at="2022-03-01T08:00:00"),
        good(world, "H-5", status="approved"),
        good(world, "H-6", resolved_at="2022-02-01T08:00:00+07:00"),
        good(world, "H-7", channel="fax"),
        good(world, "H-8", rating="great"),
        good(world, "H-9", agency_code="000.00.99.H52", status="withdrawn", resolved_at="", rating=""),
        good(world, "H-10", fee="-5"),
        good(world, "H-11", paid_online="maybe"),
        good(world, "H-12", status="received", resolved_at="", returned_at="", rating=""),
    ]
    path = write_csv(tmp_path / "history.csv", rows)
    err = io.StringIO()
    call_command("import_dossiers", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    messages = err.getvalue()
    for line, words in (
        (3, "không có thủ tục mã 9.999999"),
        (4, "received_at không phải ngày giờ ISO 8601"),
        (5, "received_at thiếu múi giờ"),
        (6, "trạng thái không hợp lệ: approved"),
        (7, "các thời điểm phải theo thứ tự"),
        (8, "hình thức nộp phải là online, counter hoặc post"),
        (9, "đánh giá phải là"),
        (10, "không có cơ quan mã 000.00.99.H52"),
        (11, "fee phải là số nguyên không âm"),
        (12, "paid_online phải là true hoặc false"),
    ):
        assert f"Dòng {line}: {words}" in messages, (line, messages)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["H-1", "H-12"]
    imported = Dossier.objects.get(code="H-1")
    entry = DossierEvent.objects.get(dossier=imported)
    assert (entry.note, entry.data["imported"]) == ("Nhập từ dữ liệu lịch sử", {"file": "history.csv", "line": 2})
    assert imported.verdict == "early" and imported.rating.value == "satisfied"


def test_a_missing_column_stops_the_import_before_anything_is_written(world, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("code,procedure_code\nH-1,1.000001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Tệp thiếu cột: agency_code, channel, status"):
        call_command("import_dossiers", str(path), "--no-progress")
    assert not Dossier.objects.exists()


def test_an_interrupted_import_resumes_after_its_last_batch(world, tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "history.jsonl", [good(world, f"R-{n}") for n in range(10)])
    writer_write = importing.Writer.write
    calls = []

    def failing_third_batch(self, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise KeyboardInterrupt  # the operator stops it, or the machine goes down, mid-batch
        return writer_write(self, rows)

    monkeypatch.setattr(importing.Writer, "write", failing_third_batch)
    with pytest.raises(KeyboardInterrupt):
        import_file(path, batch_size=3)
    assert Dossier.objects.count() == 6  # two whole batches; nothing of the third
    assert ImportRun.objects.get().lines_done == 6
    monkeypatch.setattr(importing.Writer, "write", writer_write)
    outcomes = import_file(path, batch_size=3)
    assert (outcomes.skipped_lines, outcomes.imported, outcomes.created) == (6, 4, 4)
    assert Dossier.objects.count() == 10
    assert DossierEvent.objects.count() == 10 and DossierFact.objects.count() == 10


def test_a_code_handled_in_the_system_is_not_written_over(world, tmp_path):
    live = world.dossier_in("processing")
    path = write_csv(tmp_path / "clash.csv", [good(world, live.code), good(world, "H-1")])
    outcomes = import_file(path)
    assert outcomes.errors == [(2, f"mã {live.code} là của một hồ sơ đang được xử lý trong hệ thống, không nhập đè")]
    live.refresh_from_db()
    assert live.status == "processing" and Dossier.objects.filter(code="H-1").exists()


def test_breakdown_by_agency_procedure_and_month_reads_what_was_imported(world, tmp_path):
    from reports.periods import parse
    from reports.selectors import breakdown

    rows = [
        good(world, "B-1"),
        good(world, "B-2", channel="counter", submitted_at="", result_electronic="false"),
        good(
            world,
            "B-3",
            received_at="2022-04-20T08:00:00+07:00",
            submitted_at="2022-04-20T07:00:00+07:00",
            due_at="2022-04-25T08:00:00+07:00",
            resolved_at="2022-04-28T08:00:00+07:00",
            returned_at="2022-04-28T09:00:00+07:00",
        ),
    ]
    import_file(write_csv(tmp_path / "history.csv", rows))
    found = breakdown(period=parse("2022"))
    mine = {
        row["month"]: row
        for row in found
        if (row["agency_id"], row["procedure_id"]) == (world.agency.pk, world.procedure.pk)
    }
    assert sorted(mine) == [dt.date(2022, 3, 1), dt.date(2022, 4, 1)]
    march, april = mine[dt.date(2022, 3, 1)], mine[dt.date(2022, 4, 1)]
    assert (march["received"], march["received_online"], march["resolved"], march["early"]) == (2, 1, 2, 2)
    assert (april["received"], april["late"], april["rated"], april["satisfied"]) == (1, 1, 1, 1)
    assert all(type(value) is int for name, value in march.items() if name not in ("month",) and name[-7:] != "seconds")
