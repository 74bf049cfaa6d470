"""Officer search over a large table: server time of the worklist search, beside the same query run raw.

    python bench/search.py                                   # loads 1,000,000 dossiers into onestop_search
    python bench/search.py --database onestop_1m --no-load   # a database bench/dataset.py filled already

The queries are what a counter officer types: a name without accents, a name in capitals, a phone number in
groups, an ID number, a dossier code and a part of one. Each is timed in-process (Django's test client, so
the figure is the server's time without the network) as the API worklist (`/api/v1/dossiers/?q=`, first
page) and the HTML worklist (`/can-bo/?q=`, first page with its tab counts), for the centre's counter officer
and for a supervisor who sees every dossier; beside them the raw query (psycopg, no ORM) that finds the
first page: `search_text LIKE '%…%'` newest first. Medians of the rounds, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PG_ADMIN_URL, ROOT  # noqa: E402

TARGET_MS = 200
RAW = (
    "SELECT id, code, applicant_name FROM dossiers_dossier WHERE search_text LIKE %s"
    " ORDER BY created_at DESC, id DESC LIMIT 50"
)


def queries(conn) -> list[tuple[str, str]]:
    """What officers type, taken from rows that are there."""
    from workflows.text import fold

    def one(sql):
        return conn.execute(sql).fetchone()

    name, phone, id_number, code = one(
        "SELECT applicant_name, applicant_phone, applicant_id_number, code FROM dossiers_dossier"
        " WHERE applicant_kind = 1 AND applicant_phone <> '' ORDER BY id DESC LIMIT 1 OFFSET 1000"
    )
    lo = one("SELECT applicant_name FROM dossiers_dossier WHERE applicant_name LIKE 'Lò Văn %%' LIMIT 1")
    phone_groups = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    return [
        ("name, no accents", fold(name)),
        ("name, capitals", (lo[0] if lo else name).upper()),
        ("phone in groups", phone_groups),
        ("ID number", id_number),
        ("code", code),
        ("part of a code", code.split("-", 1)[1]),
    ]


def timed(fn, rounds: int) -> float:
    fn()  # warm: plans, caches
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="onestop_search")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--no-load", action="store_true", help="use the database as it is")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    url = f"{PG_ADMIN_URL}/{args.database}"
    if not args.no_load:
        from dataset import load

        print(load(url, dossiers=args.dossiers, history=False, verbose=True), flush=True)

    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="onestop.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("ONESTOP_DATA_DIR", str(Path("/tmp") / f"onestop-bench-search-{os.getpid()}"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # pages name their static files by hash
    import psycopg
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from workflows.search import normalise_query

    with psycopg.connect(url) as raw:
        total = raw.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
        typed = queries(raw)
        clients = {}
        for username in ("tt.motcua1", "tt.giamsat"):
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            clients[username] = client
        connection.close()
        print(f"{total:,} dossiers; medians of {args.rounds} rounds, ms (server time, in-process)")
        header = f"{'query':<18} {'typed':<28} {'rows':>6} {'raw':>7}"
        for username in clients:
            header += f" {'API ' + username:>16} {'HTML ' + username:>17}"
        print(header)
        worst = 0.0
        for label, text in typed:
            pattern = "%" + normalise_query(text).replace("%", r"\%").replace("_", r"\_") + "%"
            found = raw.execute(
                "SELECT count(*) FROM dossiers_dossier WHERE search_text LIKE %s", [pattern]
            ).fetchone()[0]
            raw_ms = timed(lambda p=pattern: raw.execute(RAW, [p]).fetchall(), args.rounds)
            line = f"{label:<18} {text[:28]:<28} {found:>6} {raw_ms:>7.1f}"
            for client in clients.values():
                api = timed(lambda c=client, t=text: _ok(c.get("/api/v1/dossiers/", {"q": t})), args.rounds)
                html = timed(lambda c=client, t=text: _ok(c.get("/can-bo/", {"q": t, "tab": "tat-ca"})), args.rounds)
                worst = max(worst, api, html)
                line += f" {api:>16.1f} {html:>17.1f}"
            print(line, flush=True)
        verdict = "meets" if worst < TARGET_MS else "misses"
        print(f"slowest search {worst:.1f} ms: {verdict} the target of {TARGET_MS} ms at {total:,} dossiers")


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")
    return response


if __name__ == "__main__":
    main()
