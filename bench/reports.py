"""Reports at scale, on PostgreSQL (each figure the median of its rounds, every round printed):

    python bench/reports.py import [--rows 1000000]
        `import_dossiers`' path (validation, COPY, history entries, facts, summaries) for a generated CSV file,
        beside a bare COPY of the same file into a table of text columns.
    python bench/reports.py queries [--dossiers 10000000] [--rounds 5]
        a province-year report grouped by agency and an agency × procedure × month breakdown, read from the
        summary tables, beside the same counts by a GROUP BY over the dossiers themselves. The dossiers are
        written by one INSERT … SELECT over generate_series, their facts by one more, and the summaries by the
        app's own `rebuild_summaries`.

Each run uses a fresh database (`onestop_bench_reports`, or $BENCH_REPORTS_DB), dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import PG_ADMIN_URL, prepare_django  # noqa: E402

DB = os.environ.get("BENCH_REPORTS_DB", "onestop_bench_reports")


def attach() -> None:
    """Django set up on the database an earlier `queries --keep` loaded (nothing recreated or migrated)."""
    os.environ.update(
        {
            "DATABASE_URL": f"{PG_ADMIN_URL}/{DB}",
            "DJANGO_SETTINGS_MODULE": "onestop.settings",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def drop():
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")


def catalogue():
    from seeds.loaders import SeedReport, load_catalogue
    from workflows.models import Agency, Procedure

    load_catalogue(SeedReport())
    return list(Agency.objects.order_by("pk")), list(Procedure.objects.order_by("pk"))


def write_file(path: Path, rows: int, agencies, procedures) -> None:
    """`rows` dossiers of 2022–2025, mixed channels and outcomes, in reports.importing.COLUMNS."""
    from reports.importing import COLUMNS

    pick = random.Random(19)
    tz = dt.timezone(dt.timedelta(hours=7))
    start = dt.datetime(2022, 1, 1, 8, tzinfo=tz)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            agency = agencies[n % len(agencies)]
            procedure = procedures[(n // len(agencies) + agency.pk) % len(procedures)]
            received = start + dt.timedelta(seconds=pick.randrange(0, 4 * 365 * 86400))
            online = n % 3 == 0
            status = ("returned", "returned", "returned", "resolved", "withdrawn", "received")[n % 6]
            resolved = (
                received + dt.timedelta(hours=pick.randrange(2, 400)) if status in ("returned", "resolved") else None
            )
            ended = received + dt.timedelta(days=3) if status in ("returned", "withdrawn") else None
            fee = 50000 if n % 4 == 0 else 0
            writer.writerow(
                (
                    f"LS-{n:08d}",
                    procedure.code,
                    agency.code,
                    "online" if online else ("counter", "post")[n % 2],
                    (received - dt.timedelta(minutes=20)).isoformat() if online else "",
                    received.isoformat(),
                    (received + dt.timedelta(days=10)).isoformat(),
                    resolved.isoformat() if resolved else "",
                    max(ended, resolved).isoformat() if ended and resolved else (ended.isoformat() if ended else ""),
                    status,
                    (0, 0, 0, 1, 2)[n % 5],
                    fee,
                    "true" if fee and online else "false",
                    "true" if online else "false",
                    ("", "satisfied", "very_satisfied", "not_satisfied")[n % 4] if status == "returned" else "",
                )
            )


def bare_copy(path: Path) -> float:
    """The file into a table of text columns by COPY, nothing else: the floor."""
    from django.db import connection

    from reports.importing import COLUMNS

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_raw_copy ({', '.join(f'{c} text' for c in COLUMNS)})")
        started = time.perf_counter()
        with path.open("rb") as handle, cursor.copy("COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_copy")
    return elapsed


def run_import(args) -> None:
    prepare_django("postgresql", db_name=DB)
    from reports.importing import import_file

    agencies, procedures = catalogue()
    path = Path(tempfile.mkdtemp(prefix="onestop-bench-")) / "dossiers.csv"
    write_file(path, args.rows, agencies, procedures)
    print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB")
    copy_time = bare_copy(path)
    print(load_average(), flush=True)
    started = time.perf_counter()
    outcomes = import_file(path, batch_size=args.batch)
    elapsed = time.perf_counter() - started
    assert outcomes.imported == args.rows and not outcomes.errors, outcomes.errors[:3]
    print(f"bare COPY of the file:      {copy_time:8.1f} s   {args.rows / copy_time:>10,.0f} rows/s")
    print(f"import_dossiers (PostgreSQL):{elapsed:7.1f} s   {args.rows / elapsed:>10,.0f} rows/s")
    print(load_average())
    path.unlink()
    if not args.keep:
        drop()


def generate(dossiers: int) -> None:
    """`dossiers` rows written by the server (2022–2025, each agency with its own few procedures; the old ones
    ended, returned, resolved or withdrawn, and a sixth of those of the last month still open, as in a province
    where open dossiers are the recent ones),
    their facts derived from them as `reports.facts.fact_of` does, and the summaries rebuilt by the app."""
    from django.db import connection

    from dossiers.models import Dossier

    fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
    # Literal % of the SQL are doubled: the statement takes parameters.
    generated = {
        "code": "'G-' || i",
        "procedure_id": "procedure",
        "receiving_agency_id": "agency",
        "competent_agency_id": "agency",
        "status": "(ARRAY['returned','returned','returned','resolved','withdrawn','processing'])[1 + k]",
        "channel": "CASE WHEN i %% 3 = 0 THEN 'online' ELSE 'counter' END",
        "created_at": "t",
        "received_at": "t",
        "due_at": "t + interval '10 days'",
        "resolved_at": "CASE WHEN k < 4 THEN t + (i %% 400) * interval '1 hour' END",
        "returned_at": "CASE WHEN k < 3 THEN t + (i %% 400 + 24) * interval '1 hour' END",
        "ended_at": "CASE WHEN k < 3 OR k = 4 THEN t + (i %% 400 + 24) * interval '1 hour' END",
        "verdict": "CASE WHEN k < 4 THEN (ARRAY['early','on_time','late'])[1 + i %% 3] ELSE '' END",
        "fee_amount": "CASE WHEN i %% 4 = 0 THEN 50000 ELSE 0 END",
        "clock_running": "k = 5",
    }
    columns, values, params = [], [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in generated:
            values.append(generated[field.attname])
        elif field.get_internal_type() == "JSONField":
            values.append("%s::jsonb")
            params.append(json.dumps(field.get_default()))
        else:
            values.append("%s")
            params.append(field.get_default())
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM workflows_procedure")
        (procedure_ids,) = cursor.fetchone()
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM workflows_agency")
        (agency_ids,) = cursor.fetchone()
        # The dossiers' secondary indexes are built once after the rows are in, not row by row.
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = 'dossiers_dossier'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        # Each agency receives five procedures of the catalogue; times spread over 2022–2025.
        cursor.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(columns)}) SELECT {', '.join(values)} FROM ("
            "  SELECT *, CASE WHEN i %% 6 = 5 AND t < timestamptz '2025-12-01 00:00+07' THEN 4 ELSE i %% 6 END AS k"
            "  FROM ("
            "    SELECT i, a.ids[1 + i %% a.n] AS agency,"
            "      p.ids[1 + ((i %% a.n) * 3 + (i / a.n) %% 5) %% p.n] AS procedure,"
            "      timestamptz '2022-01-01 08:00+07' + ((i * 7919) %% 126230400) * interval '1 second' AS t"
            "    FROM generate_series(1::bigint, %s) i, (SELECT %s::int[] AS ids, %s AS n) a,"
            "      (SELECT %s::int[] AS ids, %s AS n) p"
            "  ) g0"
            ") g",
            [*params, dossiers, agency_ids, len(agency_ids), procedure_ids, len(procedure_ids)],
        )
        print(f"generated {dossiers:,} dossiers in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        print(f"their {len(indexes)} secondary indexes in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO reports_dossierfact (dossier_id, agency_id, procedure_id, online, received_on, resolved_on,
                returned_on, ended_on, outcome, verdict, has_fee, paid_online, fully_online, processing_seconds,
                submission_seconds, rated_on, satisfied, imported)
            SELECT id, competent_agency_id, procedure_id, channel = 'online',
                (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                CASE WHEN status = 'returned' THEN (returned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date END,
                CASE WHEN status = 'withdrawn' THEN (ended_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date END,
                CASE WHEN status = 'withdrawn' THEN 'withdrawn' ELSE '' END,
                CASE WHEN resolved_at IS NOT NULL THEN verdict ELSE '' END,
                fee_amount > 0, fee_amount > 0 AND channel = 'online', channel = 'online' AND status = 'returned',
                extract(epoch FROM resolved_at - received_at), NULL, NULL, NULL, false
            FROM dossiers_dossier
            """
        )
        print(f"facts in {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute("ANALYZE")


def load_average() -> str:
    return "load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(function, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def raw_by_agency(first: dt.date, last: dt.date):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT competent_agency_id,
                count(*) FILTER (WHERE received_at >= %(a)s AND received_at < %(b)s),
                count(*) FILTER (WHERE channel = 'online' AND received_at >= %(a)s AND received_at < %(b)s),
                count(*) FILTER (WHERE resolved_at >= %(a)s AND resolved_at < %(b)s),
                count(*) FILTER (WHERE verdict = 'late' AND resolved_at >= %(a)s AND resolved_at < %(b)s),
                count(*) FILTER (WHERE status = 'withdrawn' AND ended_at >= %(a)s AND ended_at < %(b)s)
            FROM dossiers_dossier
            WHERE (received_at >= %(a)s AND received_at < %(b)s) OR (resolved_at >= %(a)s AND resolved_at < %(b)s)
                OR (ended_at >= %(a)s AND ended_at < %(b)s)
            GROUP BY competent_agency_id
            """,
            {"a": first, "b": last + dt.timedelta(days=1)},
        )
        return cursor.fetchall()


def raw_breakdown(first: dt.date, last: dt.date):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT competent_agency_id, procedure_id, date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'),
                count(*), count(*) FILTER (WHERE channel = 'online')
            FROM dossiers_dossier WHERE received_at >= %s AND received_at < %s
            GROUP BY 1, 2, 3
            """,
            [first, last + dt.timedelta(days=1)],
        )
        return cursor.fetchall()


def run_queries(args) -> None:
    if args.reuse:
        attach()
    else:
        prepare_django("postgresql", db_name=DB)
    from django.db import connection

    from reports.periods import parse
    from reports.selectors import breakdown, indicator_report
    from reports.services import rebuild_summaries

    if not args.reuse:
        catalogue()
        generate(args.dossiers)
        started = time.perf_counter()
        rows = rebuild_summaries()
        print(f"summaries rebuilt by the app: {rows:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        (args.dossiers,) = cursor.fetchone()
    year = parse("2024")
    checks = indicator_report(period=year, group_by="agency")
    assert checks.total.counts["received"] > 0
    results = {
        "province-year report by agency (summaries)": timed(
            lambda: indicator_report(period=year, group_by="agency"), args.rounds
        ),
        "  raw GROUP BY over the dossiers": timed(lambda: raw_by_agency(year.first, year.last), args.rounds),
        "agency × procedure × month (summaries)": timed(lambda: breakdown(period=year), args.rounds),
        "  raw GROUP BY over the dossiers ": timed(lambda: raw_breakdown(year.first, year.last), args.rounds),
    }
    print(f"{args.dossiers:,} dossiers; reporting year 2024 ({year.first} – {year.last}); {args.rounds} rounds")
    for label, times in results.items():
        print(
            f"{label:<46} median {statistics.median(times):9.1f} ms   "
            f"(min {min(times):.1f}, max {max(times):.1f}; {', '.join(f'{t:.0f}' for t in times)})"
        )
    print(load_average())
    if not (args.keep or args.reuse):
        drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("import")
    one.add_argument("--rows", type=int, default=1_000_000)
    one.add_argument("--batch", type=int, default=10_000)
    one.add_argument("--keep", action="store_true")
    two = sub.add_parser("queries")
    two.add_argument("--dossiers", type=int, default=10_000_000)
    two.add_argument("--rounds", type=int, default=5)
    two.add_argument("--keep", action="store_true")
    two.add_argument("--reuse", action="store_true", help="read the database a run with --keep loaded; implies --keep")
    args = parser.parse_args()
    run_import(args) if args.what == "import" else run_queries(args)


if __name__ == "__main__":
    main()
