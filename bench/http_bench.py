"""`bench/http.py`: requests per second over HTTP where people wait, beside a bare DRF baseline.

    python bench/http.py                                  # 100,000 dossiers into onestop_http, 3 rounds of 10 s
    python bench/http.py --dossiers 1000000 --no-history --database onestop_http_1m
    python bench/http.py --database onestop_http_1m --no-load --rounds 5 --seconds 15

The database is filled by `bench/dataset.py` (COPY). The project is served by gunicorn (2 sync workers,
production settings: DEBUG off, persistent database connections) on 127.0.0.1:8140, with two extra views
mounted beside it (`bench/http_urls.py`): a minimal DRF view that answers one dossier row by its code (the GET
baseline), and one that locks a row, updates it and inserts one row in a transaction (the POST baseline).
`wrk` (16 connections, 2 threads) loads each path for a fixed time; the paths are taken in turn, round after
round, so that the machine's moods fall on all of them. Each path's figure is the median of its rounds; the
ratio is to the baseline's median of the same run (GET paths to the GET baseline, the action POST to the POST
baseline). The table is printed as markdown, ready for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import PG_ADMIN_URL, ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))

PORT = 8140
BASE = f"http://127.0.0.1:{PORT}"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = BENCH / "http_wrk.lua"


def _env(url: str, data_dir: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.http_baseline",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ONESTOP_DATA_DIR": data_dir,
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
        "TRACK_THROTTLE_RATE": "100000000/min",
    }
    # With BENCH_REDIS_URL, Redis for the cache and the broker, as in production; without, the embedded ones.
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def prepare(url: str, env: dict) -> dict:
    """Users, their credentials and the rows each path asks for, read through Django in this process."""
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from dossiers.models import Dossier

    users = get_user_model().objects
    admin = users.filter(is_superuser=True).first()
    # The officer with the most dossiers at his current step, in processing: the action POST pauses and resumes them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.assignee_id, count(*) FROM dossiers_dossier d JOIN dossiers_dossierstep s"
            " ON s.id = d.current_step_id JOIN workflows_membership m ON m.user_id = s.assignee_id"
            " AND m.agency_id = s.agency_id AND m.role = s.role WHERE d.status = 'processing'"
            " GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        handler_id, _ = cursor.fetchone()
        # His: at a step of his agency and role, assigned to him.
        cursor.execute(
            "SELECT d.code FROM dossiers_dossier d JOIN dossiers_dossierstep s ON s.id = d.current_step_id"
            " JOIN workflows_membership m ON m.user_id = s.assignee_id AND m.agency_id = s.agency_id"
            " AND m.role = s.role WHERE d.status = 'processing' AND s.assignee_id = %s ORDER BY d.id LIMIT 4000",
            [handler_id],
        )
        mine = [code for (code,) in cursor.fetchall()]
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline_log (id bigserial PRIMARY KEY, row_id bigint, at timestamptz)"
        )
    handler = users.get(pk=handler_id)
    counter = users.get(username="tt.motcua1")
    sessions = {}
    for user in (handler, counter, admin):
        client = Client()
        client.force_login(user)
        sessions[user.username] = client.cookies["sessionid"].value
    tokens = {u.username: Token.objects.get_or_create(user=u)[0].key for u in (handler, counter, admin)}
    open_codes = list(Dossier.objects.filter(status="processing").order_by("-id").values_list("code", flat=True)[:2000])
    all_codes = list(Dossier.objects.order_by("?").values_list("code", flat=True)[:2000])
    name = Dossier.objects.filter(status="processing").values_list("applicant_name", flat=True).first()
    connection.close()
    return {
        "handler": handler.username,
        "counter": counter.username,
        "admin": admin.username,
        "sessions": sessions,
        "tokens": tokens,
        "open_codes": open_codes,
        "all_codes": all_codes,
        "mine": mine,
        "name": name,
    }


def resume_paused(world: dict) -> None:
    """Every dossier the action POST paused and did not resume is resumed (through the service), so that the
    next round starts again from dossiers in processing."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from dossiers import services
    from dossiers.models import Dossier

    handler = get_user_model().objects.get(username=world["handler"])
    for dossier in Dossier.objects.filter(code__in=world["mine"], status="paused"):
        services.ACTION_SERVICES["resume"](dossier=dossier, actor=handler)
    connection.close()


def paths(world: dict) -> list[dict]:
    """Each measured path: a label, how wrk asks for it (method, path template, credentials), its baseline."""
    from workflows.text import fold

    handler, counter, admin = world["handler"], world["counter"], world["admin"]
    token = {"Authorization": f"Token {world['tokens'][handler]}"}
    counter_token = {"Authorization": f"Token {world['tokens'][counter]}"}

    def cookie(user):
        return {"Cookie": f"sessionid={world['sessions'][user]}"}

    q = fold(world["name"] or "nguyen").replace(" ", "+")
    rows = [
        ("baseline GET (DRF, one row by code)", "GET", "/bench/baseline/{code}/", {}, "all_codes", None),
        ("baseline POST (lock, update, insert)", "POST", "/bench/baseline-post/{code}/", {}, "all_codes", None),
        ("tracking (API)", "GET", "/api/v1/track/{code}/", {}, "all_codes", "get"),
        ("tracking (page)", "GET", "/tra-cuu/?ma={code}", {}, "all_codes", "get"),
        ("dossier screen", "GET", "/can-bo/ho-so/{code}/", cookie(admin), "open_codes", "get"),
        ("dossier (API)", "GET", "/api/v1/dossiers/{code}/", token, "mine", "get"),
        ("action POST pause/resume (API)", "POST", "/api/v1/dossiers/{code}/actions/{action}/", token, "mine", "post"),
        ("admin changelist", "GET", "/admin/dossiers/dossier/", cookie(admin), None, "get"),
        ("admin search", "GET", f"/admin/dossiers/dossier/?q={q}", cookie(admin), None, "get"),
        ("API worklist, counter", "GET", "/api/v1/dossiers/", counter_token, None, "get"),
        ("API worklist, mine", "GET", "/api/v1/dossiers/?assigned_to=me", token, None, "get"),
        ("API worklist, overdue", "GET", "/api/v1/dossiers/?overdue=true", token, None, "get"),
        ("API worklist, search", "GET", f"/api/v1/dossiers/?q={q}", counter_token, None, "get"),
    ]
    for tab in ("cho-tiep-nhan", "cua-toi", "sap-den-han", "qua-han", "cho-bo-sung", "tam-dung", "cho-tra", "tat-ca"):
        rows.append((f"worklist tab {tab} (page)", "GET", f"/can-bo/?tab={tab}", cookie(handler), None, "get"))
    return [
        {"label": label, "method": method, "path": path, "headers": headers, "codes": codes, "baseline": base}
        for label, method, path, headers, codes, base in rows
    ]


def run_wrk(spec: dict, world: dict, seconds: int, connections: int, offset: int) -> dict:
    """One wrk run of a path: req/s, p50 and p99 in ms, non-2xx answers."""
    env = {
        **os.environ,
        "BENCH_METHOD": spec["method"],
        "BENCH_PATH": spec["path"],
        "BENCH_HEADERS": json.dumps(spec["headers"]),
        "BENCH_CODES": "\n".join(world[spec["codes"]]) if spec["codes"] else "",
        "BENCH_OFFSET": str(offset),
    }
    done = subprocess.run(
        [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA), BASE],
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
    )
    out = done.stdout
    if " requests in " not in out or re.search(r"\b0 requests in", out):
        print(f"{spec['label']}: wrk answered\n{out}{done.stderr}", flush=True)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rate,
        "p50": _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def serve(env: dict) -> subprocess.Popen:
    import urllib.request

    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
            "onestop.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer on /healthz")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--database", default="onestop_http")
    parser.add_argument("--no-load", action="store_true", help="use the database as it is")
    parser.add_argument("--no-history", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", help="a regular expression: only the paths whose label matches (and baselines)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the server is stopped on the way out
    url = f"{PG_ADMIN_URL}/{args.database}"
    if not args.no_load:
        from dataset import load

        print(load(url, dossiers=args.dossiers, history=not args.no_history, verbose=True), flush=True)
    env = _env(url, tempfile.mkdtemp(prefix="onestop-bench-http-"))
    world = prepare(url, env)
    specs = [s for s in paths(world) if not args.only or s["baseline"] is None or re.search(args.only, s["label"])]
    server = serve(env)
    results: dict[str, list[dict]] = {s["label"]: [] for s in specs}
    try:
        for round_number in range(args.rounds):
            for spec in specs:
                offset = 0 if "{action}" in spec["path"] else round_number * 997
                results[spec["label"]].append(run_wrk(spec, world, args.seconds, args.connections, offset))
                if "{action}" in spec["path"]:
                    resume_paused(world)
            print(f"round {round_number + 1} of {args.rounds} done", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    import psycopg

    with psycopg.connect(url) as conn:
        total = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
    print()
    print(
        f"{total:,} dossiers; gunicorn 2 workers, wrk {args.connections} connections, {args.seconds} s a path, "
        f"medians of {args.rounds} interleaved rounds"
    )
    print()
    print("| path | req/s | p50 ms | p99 ms | non-2xx | baseline req/s | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    medians = {}
    for spec in specs:
        runs = results[spec["label"]]
        medians[spec["label"]] = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99", "errors")}
    base = {
        "get": medians["baseline GET (DRF, one row by code)"]["rps"],
        "post": medians["baseline POST (lock, update, insert)"]["rps"],
    }
    for spec in specs:
        m = medians[spec["label"]]
        if spec["baseline"]:
            b = base[spec["baseline"]]
            tail = f"{b:.0f} | {m['rps'] / b:.2f}"
        else:
            tail = "— | —"
        print(f"| {spec['label']} | {m['rps']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} | {m['errors']:.0f} | {tail} |")


if __name__ == "__main__":
    main()
