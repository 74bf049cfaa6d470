"""The benchmarks' COPY loader writes a database the application reads as its own."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.postgres

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


@pytest.fixture(scope="module")
def loaded():
    import dataset

    db = settings.DATABASES["default"]
    base = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    name = f"onestop_dataset_test_{uuid.uuid4().hex[:8]}"
    url = f"{base}/{name}"
    counts = dataset.load(url, dossiers=600, history=True, seed=3)
    with psycopg.connect(url) as conn:
        yield conn, counts, url
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_loader_writes_consistent_dossiers_with_history(loaded):
    conn, counts, _ = loaded
    assert counts["dossiers"] == 600
    rows = conn.execute(
        "SELECT d.code, d.status, d.event_seq, s.dossier_id = d.id, s.status, d.applicant_name"
        " FROM dossiers_dossier d LEFT JOIN dossiers_dossierstep s ON s.id = d.current_step_id"
    ).fetchall()
    assert len(rows) == 600
    states = {status for _, status, *_ in rows}
    assert {"processing", "returned", "supplement"} <= states
    for code, status, _event_seq, own_step, step_status, _name in rows:
        assert re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H52-\d{6}-\d{4}", code)
        if status in ("processing", "supplement", "paused"):
            assert own_step and step_status == "active", code
        else:
            assert own_step is None, code
    assert any(re.search(r"[ăâđêôơưàáảãạễệốồộứữự]", name.lower()) for *_, name in rows)
    # Each dossier's history numbered 1..event_seq, the last row leaving it in its state.
    mismatched = conn.execute(
        "SELECT d.code FROM dossiers_dossier d JOIN LATERAL (SELECT count(*) n, max(seq) top,"
        " (array_agg(to_status ORDER BY seq DESC))[1] last FROM dossiers_dossierevent e WHERE e.dossier_id = d.id) h"
        " ON true WHERE h.n <> d.event_seq OR h.top <> d.event_seq OR h.last <> d.status"
    ).fetchall()
    assert mismatched == []
    running = conn.execute(
        "SELECT count(*) FROM dossiers_dossier d WHERE d.received_at IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM dossiers_clockevent c WHERE c.dossier_id = d.id AND c.step_id IS NULL AND c.kind = 'started')"
    ).fetchone()[0]
    assert running == 0
    # The indexes dropped for the load are there again.
    indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'dossiers_dossier'")}
    assert {"dossier_status_due", "dossier_agency_status"} <= indexes


def test_dossiers_created_after_the_load_get_new_codes(loaded):
    conn, _, _ = loaded
    behind = conn.execute(
        "SELECT d.code FROM dossiers_dossier d LEFT JOIN dossiers_dailysequence s"
        " ON s.agency_id = d.receiving_agency_id"
        " AND to_char(s.day, 'YYMMDD') = split_part(d.code, '-', 2)"
        " WHERE s.last IS NULL OR s.last < split_part(d.code, '-', 3)::int"
    ).fetchall()
    assert behind == []
    # The id sequences continue past the loaded rows.
    next_id = conn.execute("SELECT nextval(pg_get_serial_sequence('dossiers_dossier', 'id'))").fetchone()[0]
    assert next_id > conn.execute("SELECT max(id) FROM dossiers_dossier").fetchone()[0]


def test_the_loaded_history_is_sealed_as_the_application_seals_it(loaded):
    conn, counts, url = loaded
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "onestop.settings", "DEBUG": "true"}
    env.pop("REDIS_URL", None)
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "manage.py", "verify_history"], cwd=root, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{counts['events']:,} hàng lịch sử" in run.stdout and "nguyên vẹn" in run.stdout
    unsealed = conn.execute("SELECT count(*) FROM dossiers_dossierevent WHERE digest = ''").fetchone()[0]
    assert unsealed == 0
