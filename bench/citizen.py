"""The applicant's pages at scale: server time of the catalogue search (/dich-vu-cong/?q=…) and of "Hồ sơ của
tôi" (/dich-vu-cong/ho-so/) with N dossiers in PostgreSQL (default 1,000,000, loaded with bench/dataset.py),
beside the same queries sent raw through psycopg.

    python bench/citizen.py                       # loads 1,000,000 dossiers into onestop_citizen_bench
    python bench/citizen.py --keep --rounds 50    # reuses the database a previous run loaded

Server time is the whole request in this process (middleware, session, the view, its queries and the template)
through Django's test client; the raw column runs the statements the request ran, with their parameters,
through one psycopg connection. Each figure is the median of its rounds (after 3 unmeasured ones), with the
minimum–maximum beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
APPLICANT_DOSSIERS = 40  # the signed-in applicant's own, among all the others


def timed(call, rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds of each round (the CPU time moves less when other
    processes share the machine)."""
    for _ in range(3):
        call()
    wall, cpu = [], []
    for _ in range(rounds):
        began, began_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return wall, cpu


def describe(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} ms ({min(values):.2f}–{max(values):.2f})"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--database", default="onestop_citizen_bench")
    parser.add_argument("--keep", action="store_true", help="reuse the database a previous run loaded")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--q", default="khai sinh", help="the catalogue search, typed without diacritics")
    args = parser.parse_args(argv)
    url = f"{PG_ADMIN_URL}/{args.database}"

    if not args.keep:
        from dataset import load

        print(f"loading {args.dossiers:,} dossiers into {args.database} …", flush=True)
        print(load(url, dossiers=args.dossiers, history=False), flush=True)

    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="onestop.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        ALLOWED_HOSTS="testserver,localhost",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # pages name their static files by hash
    import psycopg
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from citizen.models import Identity
    from citizen.services import sign_in
    from dossiers.models import Dossier

    identity = Identity.objects.filter(id_number="014090001234").first() or sign_in(
        claims={"id_number": "014090001234", "name": "Lò Văn Minh", "kind": "citizen"}
    )
    mine = Dossier.objects.filter(applicant_user=identity.user).count()
    if mine < APPLICANT_DOSSIERS:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE dossiers_dossier SET applicant_user_id = %s WHERE id IN "
                "(SELECT id FROM dossiers_dossier WHERE applicant_user_id IS NULL ORDER BY id DESC LIMIT %s)",
                [identity.user_id, APPLICANT_DOSSIERS - mine],
            )
            cursor.execute("ANALYZE dossiers_dossier")
    total = Dossier.objects.count()
    client = Client()
    client.force_login(identity.user)
    pages = {
        "catalogue search": f"/dich-vu-cong/?q={args.q.replace(' ', '+')}",
        "Hồ sơ của tôi": "/dich-vu-cong/ho-so/",
        # The yardstick: a page of the same layout that reads nothing (what any page costs here).
        "baseline: home page": "/",
    }
    print(f"{total:,} dossiers in PostgreSQL; the applicant has {APPLICANT_DOSSIERS}; {args.rounds} rounds each")
    print("medians (min–max); server = the whole request in this process; raw = the page's queries via psycopg")
    print(f"{'page':20} {'server wall':>26} {'server CPU':>26} {'raw wall':>26}")
    raw = psycopg.connect(url, autocommit=True)
    for label, path in pages.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        # The page's own queries (not the session's and the signed-in user's, which every page runs).
        statements = [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]
        statements = [s for s in statements if 'FROM "auth_user"' not in s and 'FROM "citizen_identity"' not in s]
        wall, cpu = timed(lambda path=path: client.get(path), args.rounds)

        def run_raw(statements=statements):
            for sql in statements:
                raw.execute(sql.replace("%", "%%")).fetchall()

        direct, _cpu = timed(run_raw, args.rounds)
        queries = f"raw, {len(statements)} queries"
        print(f"{label:20} {describe(wall):>26} {describe(cpu):>26} {describe(direct):>18} {queries}", flush=True)
    raw.close()


if __name__ == "__main__":
    main()
