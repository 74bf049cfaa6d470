"""History that cannot be rewritten unnoticed: every history row sealed with a hash of its content chained to
the row before it, the database refusing UPDATE (and on PostgreSQL DELETE) of the history and the clock ledger,
and `manage.py verify_history` finding the first broken row of a dossier whose history was changed anyway, as a
database superuser could (the trigger disabled)."""

import datetime as dt
import hashlib
import io
import json
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from dossiers import sealing, services
from dossiers.models import ClockEvent, Dossier, DossierEvent
from tests.factories import at

TABLE = "dossiers_dossierevent"


def verify(*codes) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_history", *codes, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@contextmanager
def trigger_off(table=TABLE):
    """As a database superuser would: the append-only trigger out of the way for the statements inside."""
    name = f"{table}_append_only"
    if connection.vendor == "postgresql":
        sql(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        yield
        sql(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
            (definition,) = cursor.fetchone()
            cursor.execute(f"DROP TRIGGER {name}")
            yield
            cursor.execute(definition)


@pytest.fixture
def handled(world):
    """A dossier taken through several changes, with notes, a payment-like record with data, and Vietnamese."""
    when = at(2025, 8, 12, 9)
    dossier = world.online_dossier(when=when)
    h = dt.timedelta(hours=1)
    services.receive_dossier(dossier=dossier, actor=world.counter, at=when + h)
    services.start_processing(dossier=dossier, actor=world.counter, at=when + 2 * h)
    services.record_event(
        dossier=dossier,
        actor=world.counter,
        action="note",
        note="Đã gọi điện cho người nộp",
        data={"z": [1, 2.5, None], "a": {"đ": "ơ"}},
        at=when + 3 * h,
    )
    services.complete_step(dossier=dossier, actor=world.counter, at=when + 4 * h)
    services.pause_dossier(dossier=dossier, actor=world.specialist, reason="verification", at=when + 5 * h)
    dossier.refresh_from_db()
    return dossier


def test_each_row_is_sealed_with_its_content_and_the_seal_before_it(handled):
    events = list(handled.events.order_by("seq"))
    assert len(events) == handled.event_seq == 6
    previous = ""
    for event in events:
        # Recomputed here from the row as read back, by the documented serialisation, not by the module's own.
        content = [
            handled.code,
            event.seq,
            event.action,
            event.from_status,
            event.to_status,
            event.step_id,
            event.step_name,
            event.actor_id,
            event.actor_name,
            (event.at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1),
            event.note,
            event.data,
        ]
        body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        assert event.digest == hashlib.sha256(previous.encode() + b"\n" + body).hexdigest()
        previous = event.digest
    assert handled.history_digest == previous
    assert verify()[0]
    ok, out = verify(handled.code)
    assert ok and "1 hồ sơ, 6 hàng lịch sử" in out and "nguyên vẹn" in out


def test_a_transition_seals_its_row_without_an_extra_statement(world):
    dossier = world.online_dossier(when=at(2025, 8, 12, 9))
    with CaptureQueriesContext(connection) as queries:
        services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "dossiers_dossier"')]
    assert len(updates) == 1 and "history_digest" in updates[0]
    dossier.refresh_from_db()
    assert dossier.history_digest == dossier.events.get(seq=2).digest != ""


def test_the_database_refuses_to_update_history_and_the_clock_ledger(handled):
    for statement in (
        f"UPDATE {TABLE} SET note = 'sửa' WHERE dossier_id = %s",
        "UPDATE dossiers_clockevent SET reason = 'sửa' WHERE dossier_id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement, [handled.pk])
    assert not DossierEvent.objects.filter(note="sửa").exists()
    assert not ClockEvent.objects.filter(reason="sửa").exists()


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_history_and_the_clock_ledger(handled):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's triggers")
    for table in (TABLE, "dossiers_clockevent"):
        with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
            sql(f"DELETE FROM {table} WHERE dossier_id = %s", [handled.pk])
    assert handled.events.count() == 6 and handled.clock_events.exists()


def test_a_row_changed_behind_the_triggers_back_is_reported_with_a_non_zero_exit(handled, world):
    other = world.online_dossier(when=at(2025, 8, 13, 9))
    with trigger_off():
        sql(f"UPDATE {TABLE} SET note = 'Đã xử lý đúng hạn' WHERE dossier_id = %s AND seq = 3", [handled.pk])
    ok, out = verify()
    assert not ok
    assert f"{handled.code} #3:" in out and "đã bị sửa" in out
    assert other.code not in out.split("CommandError")[0].split("hàng lịch sử đã kiểm tra")[0]
    assert "lịch sử của 1 hồ sơ không còn nguyên vẹn" in out
    assert verify(other.code)[0]


def test_a_row_resealed_by_whoever_changed_it_breaks_the_next_one(handled):
    row = handled.events.get(seq=2)
    values = {**row.sealed_values(), "to_status": "resolved"}
    forged = sealing.digest(handled.events.get(seq=1).digest, values)
    with trigger_off():
        sql(f"UPDATE {TABLE} SET to_status = 'resolved', digest = %s WHERE id = %s", [forged, row.pk])
    ok, out = verify(handled.code)
    assert not ok and f"{handled.code} #3:" in out


def test_a_row_taken_out_of_the_middle_or_the_end_is_reported(handled):
    with trigger_off():
        sql(f"DELETE FROM {TABLE} WHERE dossier_id = %s AND seq = 4", [handled.pk])
    ok, out = verify(handled.code)
    assert not ok and f"{handled.code} #4: hàng lịch sử này bị thiếu" in out

    with trigger_off():
        sql(f"DELETE FROM {TABLE} WHERE dossier_id = %s AND seq >= 4", [handled.pk])
    ok, out = verify(handled.code)
    assert not ok and f"{handled.code} #4: hồ sơ có 6 hàng lịch sử nhưng chỉ còn 3" in out


def test_a_history_cut_short_and_renumbered_does_not_end_with_the_dossiers_seal(handled):
    with trigger_off():
        sql(f"DELETE FROM {TABLE} WHERE dossier_id = %s AND seq = 6", [handled.pk])
    Dossier.objects.filter(pk=handled.pk).update(event_seq=5)
    ok, out = verify(handled.code)
    assert not ok and f"{handled.code} #5: lịch sử không kết thúc bằng dấu niêm phong" in out


@pytest.mark.django_db
def test_an_unknown_code_is_an_error():
    ok, out = verify("KHONG-CO")
    assert not ok and "không tìm thấy 1 mã hồ sơ" in out


def test_the_walk_goes_batch_by_batch(world):
    dossiers = [world.online_dossier(when=at(2025, 8, 12, 9)) for _ in range(5)]
    with trigger_off():
        sql(f"UPDATE {TABLE} SET actor_name = 'ai đó' WHERE dossier_id = %s", [dossiers[3].pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match="5 hồ sơ, 5 hàng"):
        call_command("verify_history", "--batch-size", "2", stdout=out)
    assert out.getvalue().splitlines() == [
        f"{dossiers[3].code} #1: nội dung hàng lịch sử không khớp dấu niêm phong (đã bị sửa)"
    ]


def test_bulk_writers_seal_a_batch_chained_per_dossier():
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    row = {"seq": 1, "action": "note", "from_status": "", "to_status": "returned", "step_id": None,
           "step_name": "", "actor_id": None, "actor_name": "", "at": moment, "note": "", "data": {}}  # fmt: skip
    rows = [{**row, "code": "A"}, {**row, "code": "B"}, {**row, "code": "A", "seq": 2}]
    heads = sealing.seal(rows, previous={"B": "f" * 64})
    assert rows[0]["digest"] == sealing.digest("", rows[0])
    assert rows[1]["digest"] == sealing.digest("f" * 64, rows[1])
    assert rows[2]["digest"] == sealing.digest(rows[0]["digest"], rows[2]) == heads["A"]
    assert heads == {"A": rows[2]["digest"], "B": rows[1]["digest"]}
    # The same instant written in another time zone seals alike.
    local = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert sealing.digest("", {**row, "code": "A", "at": local}) == rows[0]["digest"]


def test_imported_dossiers_are_sealed_and_a_reimport_keeps_their_seal(world, tmp_path):
    from reports.importing import import_file
    from tests.reports.helpers import write_csv

    def row(code, **changes):
        return {
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
            **changes,
        }

    ended = row("NHAP-2", status="withdrawn", resolved_at="", returned_at="", rating="")
    import_file(write_csv(tmp_path / "a.csv", [row("NHAP-1"), ended]), batch_size=1)
    imported = Dossier.objects.filter(code__startswith="NHAP-")
    assert imported.count() == 2 and "" not in {d.history_digest for d in imported}
    assert verify()[0]
    import_file(write_csv(tmp_path / "b.csv", [row("NHAP-1", rating="not_satisfied")]))
    ok, out = verify("NHAP-1", "NHAP-2")
    assert ok, out
    # The verifier recomputes what the import sealed: an imported row changed afterwards is found.
    with trigger_off():
        sql(f"UPDATE {TABLE} SET note = '' WHERE dossier_id = %s", [imported.get(code="NHAP-2").pk])
    ok, out = verify()
    assert not ok and "NHAP-2 #1:" in out and "NHAP-1" not in out.split("CommandError")[0]


@pytest.mark.django_db(transaction=True)
def test_the_history_a_database_already_holds_is_sealed_by_the_migration(world):
    from django.db.migrations.executor import MigrationExecutor

    from dossiers.models import Status

    def migrate(*targets):
        executor = MigrationExecutor(connection)
        executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())

    dossier = world.dossier_in(Status.PAUSED)
    migrate(("dossiers", "0010_document_parts_unlinked_applicant"))  # before seals: the rows lose theirs
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET note = 'ghi trước khi niêm phong' WHERE dossier_id = %s", [dossier.pk])
    finally:
        migrate()
    dossier.refresh_from_db()
    events = list(dossier.events.order_by("seq"))
    assert len(events) == dossier.event_seq > 1 and {e.note for e in events} == {"ghi trước khi niêm phong"}
    assert dossier.history_digest == events[-1].digest != ""
    assert verify(dossier.code)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"UPDATE {TABLE} SET note = '' WHERE dossier_id = %s", [dossier.pk])
