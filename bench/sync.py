"""Portal sync: delivered updates per second and lag, with the real processes.

    python bench/sync.py                       # PostgreSQL (postgres://postgres@127.0.0.1:5432) + own redis-server
    python bench/sync.py --rate 200 --seconds 20 --backlog 20000 --runs 5

Each run is a fresh process with its own database, redis-server, simulated portal (its own process) and two
Celery worker processes (solo pool) plus beat, on PostgreSQL with Redis as the broker, in three phases:

1. Throughput: a backlog of outbox messages (the payloads of real dossier changes, spread over many
   dossiers, several per dossier) is drained by the two workers in batches; the figure is messages
   delivered per second between the first and the last delivery.
2. Lag: dossier changes are made through `dossiers.services` at a steady rate (pause/resume of dossiers in
   processing, round robin) while the workers deliver; the lag of a message is from its outbox row being
   written to the portal's answer being recorded; p50 and p99 are printed.
3. Limit: the same batches posted straight to the simulator by two client processes, each logged in first
   and timed from its first send to its last answer; the figure is messages per second between the earliest
   first send and the latest last answer.

Every run's figures are printed, then their range and median. The machine is shared with other work, so
figures move from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, SPREAD_HEADER, prepare_django, run_child, spread, world

DB_NAME = "onestop_bench_sync"
TARGET_THROUGHPUT = 1000  # updates/s delivered by two worker processes
TARGET_P99 = 2.0  # seconds, at 200 transitions/s


def prepare(redis_url: str, batch: int) -> dict:
    return prepare_django(
        "postgresql",
        db_name=DB_NAME,
        redis_url=redis_url,
        extra_env={"PORTAL_BATCH_SIZE": str(batch), "PORTAL_SWEEP_SECONDS": "1", "PORTAL_KICK_INTERVAL": "0.05"},
    )


def make_world(dossiers: int):
    """A long procedure with a fee and a published process of one step, its officer, and dossiers in
    processing."""
    return world(
        dossiers,
        agency_code="000.00.98.H52",
        procedure_code="9.999998",
        field_code="BENCH-SYNC",
        label=" đồng bộ",
        time_limit=200,
        steps=[("Thẩm định", "leader", 1600)],
        roles=("counter", "leader"),
        fee_amount=50_000,
        return_channels=["counter"],
        officer_name="Cán bộ thử tải",
        applicant_name="Người nộp {i}",
    )


def wait_all_delivered(timeout: float) -> None:
    from portal.models import OutboxMessage, OutboxState

    deadline = time.monotonic() + timeout
    while OutboxMessage.objects.exclude(state=OutboxState.DELIVERED).exists():
        if time.monotonic() > deadline:
            raise SystemExit("not everything was delivered in time")
        time.sleep(0.2)


def throughput_phase(backlog: int) -> tuple[float, int, float]:
    """Messages/s delivered out of a backlog written at once (the workers are already running)."""
    from django.db import transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from portal.kick import kick_delivery
    from portal.models import MessageKind, OutboxMessage, OutboxState

    templates = list(OutboxMessage.objects.order_by("id")[:2])
    sync, progress = templates[0], templates[1]
    per_dossier = 10
    now = timezone.now()
    rows = []
    for n in range(backlog):
        dossier_no, seq = divmod(n, per_dossier)
        template = sync if seq == 0 else progress
        code = f"BENCH-{dossier_no:06d}"
        rows.append(
            OutboxMessage(
                dossier_id=template.dossier_id,
                dossier_code=code,
                seq=seq + 1,
                event_id=template.event_id,
                kind=MessageKind.SYNC if seq == 0 else MessageKind.PROGRESS,
                national_status=template.national_status,
                mapping_version=template.mapping_version,
                payload={**template.payload, "MaHoSo": code, "SoThuTu": seq + 1},
                created_at=now,
                next_attempt_at=now,
            )
        )
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(rows, batch_size=2000)
    started = time.monotonic()
    kick_delivery()
    wait_all_delivered(600)
    wall = time.monotonic() - started
    span = OutboxMessage.objects.filter(dossier_code__startswith="BENCH-").aggregate(
        first=Min("delivered_at"), last=Max("delivered_at")
    )
    seconds = (span["last"] - span["first"]).total_seconds()
    assert (
        OutboxMessage.objects.filter(dossier_code__startswith="BENCH-", state=OutboxState.DELIVERED).count() == backlog
    )
    return backlog / max(seconds, 1e-6), backlog, wall


def _post_share(
    portal_url: str, batch: int, prefix: str, dossiers: int, per_dossier: int, templates: list
) -> tuple[int, float, float]:
    """One client process of the limit phase: logged in first, then its dossiers' messages, round by round,
    in batches. Answers the messages applied and the times (time.time()) of its first send and last answer."""
    sys.path.insert(0, str(ROOT))
    from portal.client import PROGRESS_PATH, SYNC_PATH, PortalClient

    client = PortalClient(portal_url)
    client.login()
    rounds = []
    for seq in range(1, per_dossier + 1):
        path, template = (SYNC_PATH, templates[0]) if seq == 1 else (PROGRESS_PATH, templates[1])
        items = [{**template, "MaHoSo": f"{prefix}-{n:06d}", "SoThuTu": seq} for n in range(dossiers)]
        rounds.append((path, items))
    sent = 0
    started = time.time()
    for path, items in rounds:
        for i in range(0, len(items), batch):
            results = client.send(path, items[i : i + batch])
            sent += sum(r.get("status") == "applied" for r in results)
    ended = time.time()
    client.close()
    return sent, started, ended


def limit_phase(portal_url: str, backlog: int, batch: int) -> float:
    """The simulator's own rate in the same run: the same batches posted straight to it by two client
    processes, with no database, outbox or Celery in between. Delivery cannot be faster than this. Timed like
    the throughput phase, from the first send to the last answer: the pool's start-up and the logins are not
    counted."""
    from concurrent.futures import ProcessPoolExecutor

    from portal.models import OutboxMessage

    templates = [dict(m.payload) for m in OutboxMessage.objects.order_by("id")[:2]]
    per_dossier = 10
    share = backlog // per_dossier // 2
    with ProcessPoolExecutor(2) as pool:
        futures = [
            pool.submit(_post_share, portal_url, batch, f"LIMIT{w}", share, per_dossier, templates) for w in range(2)
        ]
        shares = [f.result() for f in futures]
    sent = sum(n for n, _, _ in shares)
    seconds = max(end for _, _, end in shares) - min(start for _, start, _ in shares)
    if sent != share * per_dossier * 2:
        raise SystemExit(f"the limit phase expected {share * per_dossier * 2} applied messages, got {sent}")
    return sent / max(seconds, 1e-6)


def lag_phase(officer, dossiers, rate: float, seconds: float) -> dict:
    from django.db.models import F
    from django.utils import timezone

    from dossiers import services
    from dossiers.models import Status
    from portal.models import OutboxMessage

    mark = timezone.now()
    total = int(rate * seconds)
    started = time.monotonic()
    for i in range(total):
        due = started + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        d = dossiers[i % len(dossiers)]
        if d.status == Status.PROCESSING:
            d = services.pause_dossier(dossier=d, actor=officer, reason="verification")
        else:
            d = services.resume_dossier(dossier=d, actor=officer)
        dossiers[i % len(dossiers)] = d
    made_in = time.monotonic() - started
    wait_all_delivered(120)
    lags = sorted(
        r.total_seconds() for r in OutboxMessage.objects.filter(created_at__gte=mark)
         .annotate(lag=F("delivered_at") - F("created_at")).values_list("lag", flat=True)
    )  # fmt: skip
    q = statistics.quantiles(lags, n=100)
    return {"count": len(lags), "achieved_rate": total / made_in, "p50": q[49], "p99": q[98], "max": lags[-1]}


def run_one(args) -> dict:
    """One run: its own redis-server (unless --redis-url), database and stack; the three phases."""
    sys.path.insert(0, str(ROOT))
    from portal.processes import RedisServer, Stack

    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-sync-"))
    redis = None if args.redis_url else RedisServer(workdir).start()
    try:
        env = prepare(args.redis_url or redis.url, args.batch)
        stack = Stack(
            workdir / "stack", database_url=env["DATABASE_URL"], broker_url=env["REDIS_URL"], env=env, workers=2
        )
        try:
            officer, dossiers = make_world(args.dossiers)
            os.environ["PORTAL_URL"] = stack.portal_url
            from django.conf import settings

            settings.PORTAL_URL = stack.portal_url
            stack.start()
            wait_all_delivered(120)  # the dossiers' own first messages
            rate, count, wall = throughput_phase(args.backlog)
            lag = lag_phase(officer, dossiers, args.rate, args.seconds)
            stats = stack.stats()
            limit = limit_phase(stack.portal_url, args.backlog, args.batch)
        finally:
            stack.stop()
    finally:
        if redis:
            redis.stop()
    return {"rate": rate, "count": count, "wall": wall, "limit": limit, "lag": lag, "portal": stats}


def _child(args) -> dict | None:
    """One run in a fresh process; None (and its error printed) if it failed."""
    options = ["--json"]
    for name in ("rate", "seconds", "backlog", "dossiers", "batch", "redis_url"):
        options += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    return run_child(__file__, options, " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200, help="transitions per second in the lag phase")
    parser.add_argument("--seconds", type=float, default=20, help="length of the lag phase")
    parser.add_argument("--backlog", type=int, default=20000, help="messages in the throughput phase")
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--batch", type=int, default=200, help="messages per portal call")
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""), help="else a redis-server of its own"
    )
    parser.add_argument("--runs", type=int, default=3, help="independent runs, each in a fresh process")
    parser.add_argument("--json", action="store_true", help="one run as a JSON line (for the parent)")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(run_one(args)))
        return

    print(
        f"portal sync on PostgreSQL + Redis, 2 worker processes, batches of {args.batch}; {args.runs} runs, each "
        f"a fresh process with its own database and stack; lag asked at {args.rate:.0f} transitions/s",
        flush=True,
    )
    runs = []
    for run in range(1, args.runs + 1):
        print(f"run {run}", flush=True)
        result = _child(args)
        if result is None:
            continue
        runs.append(result)
        rate, limit, lag, stats = result["rate"], result["limit"], result["lag"], result["portal"]
        print(
            f"  throughput: {rate:8.0f} updates/s delivered ({result['count']} messages, {result['wall']:.1f} s "
            f"wall)   target ≥ {TARGET_THROUGHPUT}  {'OK' if rate >= TARGET_THROUGHPUT else 'BELOW'}"
        )
        print(
            f"  limit:      {limit:8.0f} updates/s the simulator takes when the same batches are posted to it "
            f"directly by two processes ({rate / limit:.2f} of it reached through the outbox)"
        )
        print(
            f"  lag at {lag['achieved_rate']:.0f} transitions/s ({lag['count']} messages): p50 {lag['p50']:.3f} s, "
            f"p99 {lag['p99']:.3f} s, max {lag['max']:.3f} s"
            f"   target p99 < {TARGET_P99} s  {'OK' if lag['p99'] < TARGET_P99 else 'BELOW'}"
        )
        print(
            f"  portal: {stats['applied']} applied, {stats['duplicates']} duplicates, "
            f"{stats['out_of_order']} out of order",
            flush=True,
        )
    if not runs:
        return
    rates = [r["rate"] for r in runs]
    p99s = [r["lag"]["p99"] for r in runs]
    print(f"\nacross {len(runs)} runs\n{'figure':<24} {SPREAD_HEADER}")
    print(f"{'delivered updates/s':<24} {spread(rates)}")
    print(f"{'simulator alone /s':<24} {spread([r['limit'] for r in runs])}")
    print(f"{'lag p50 (s)':<24} {spread([r['lag']['p50'] for r in runs], '.3f')}")
    print(f"{'lag p99 (s)':<24} {spread(p99s, '.3f')}")
    print(
        f"\nthroughput median {statistics.median(rates):.0f} updates/s: target ≥ {TARGET_THROUGHPUT} met in "
        f"{sum(r >= TARGET_THROUGHPUT for r in rates)} of {len(runs)} runs; lag p99 median "
        f"{statistics.median(p99s):.3f} s: target < {TARGET_P99} s met in {sum(p < TARGET_P99 for p in p99s)} of "
        f"{len(runs)} runs"
    )


if __name__ == "__main__":
    main()
