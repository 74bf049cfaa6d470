"""Portal sync: delivered updates per second and lag, with the real processes.

    python bench/sync.py                       # PostgreSQL (postgres://postgres@127.0.0.1:5432) + own redis-server
    python bench/sync.py --rate 200 --seconds 20 --backlog 20000

Two phases, each with the simulated portal as its own process and two Celery worker processes (solo pool)
plus beat, on PostgreSQL with Redis as the broker:

1. Throughput: a backlog of outbox messages (the payloads of real dossier changes, spread over many
   dossiers, several per dossier) is drained by the two workers in batches; the figure is messages
   delivered per second between the first and the last delivery.
2. Lag: dossier changes are made through `dossiers.services` at a steady rate (pause/resume of dossiers in
   processing, round robin) while the workers deliver; the lag of a message is from its outbox row being
   written to the portal's answer being recorded; p50 and p99 are printed.

The machine is shared with other work, so figures move from run to run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "onestop_bench_sync"
TARGET_THROUGHPUT = 1000  # updates/s delivered by two worker processes
TARGET_P99 = 2.0  # seconds, at 200 transitions/s


def prepare(redis_url: str, batch: int) -> dict:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    env = {
        "DATABASE_URL": f"{PG_ADMIN_URL}/{DB_NAME}",
        "REDIS_URL": redis_url,
        "ONESTOP_DATA_DIR": tempfile.mkdtemp(prefix="onestop-bench-sync-"),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "PORTAL_BATCH_SIZE": str(batch),
        "PORTAL_SWEEP_SECONDS": "1",
        "PORTAL_KICK_INTERVAL": "0.05",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def world(dossiers: int):
    """An agency, its officers, a long procedure with a published process, and dossiers in processing."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dossiers import services
    from workflows.models import Agency, Field, Membership, Procedure, ProcessStep, ProcessVersion

    agency = Agency.objects.create(code="000.00.98.H52", name="Sở thử tải đồng bộ", tier="department")
    field = Field.objects.create(code="BENCH-SYNC", name="Thử tải đồng bộ")
    procedure = Procedure.objects.create(
        code="9.999998",
        name="Thủ tục thử tải đồng bộ",
        field=field,
        agency_level="province",
        competent_agency=agency,
        time_limit=Decimal(200),
        fee_amount=50_000,
        return_channels=["counter"],
    )
    version = ProcessVersion.objects.create(procedure=procedure)
    ProcessStep.objects.create(
        process=version, order=1, name="Thẩm định", role="leader", time_limit_hours=Decimal(1600)
    )
    version.publish()
    users = get_user_model()
    officer = users.objects.create_user("bench.officer", first_name="Cán bộ thử tải")
    Membership.objects.create(user=officer, agency=agency, role="counter")
    Membership.objects.create(user=officer, agency=agency, role="leader")
    made = []
    for i in range(dossiers):
        d = services.create_dossier(
            actor=officer,
            procedure=procedure,
            channel="counter",
            receiving_agency=agency,
            applicant_name=f"Người nộp {i}",
            at=timezone.now(),
        )
        made.append(services.start_processing(dossier=d, actor=officer))
    return officer, made


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

    from portal.models import MessageKind, OutboxMessage, OutboxState
    from portal.receivers import kick_delivery

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


def _post_share(portal_url: str, batch: int, prefix: str, dossiers: int, per_dossier: int, templates: list) -> int:
    """One client process of the limit phase: its dossiers' messages, round by round, in batches."""
    sys.path.insert(0, str(ROOT))
    from portal.client import PROGRESS_PATH, SYNC_PATH, PortalClient

    client = PortalClient(portal_url)
    sent = 0
    for seq in range(1, per_dossier + 1):
        path, template = (SYNC_PATH, templates[0]) if seq == 1 else (PROGRESS_PATH, templates[1])
        items = [{**template, "MaHoSo": f"{prefix}-{n:06d}", "SoThuTu": seq} for n in range(dossiers)]
        for i in range(0, len(items), batch):
            results = client.send(path, items[i : i + batch])
            sent += sum(r.get("status") == "applied" for r in results)
    client.close()
    return sent


def limit_phase(portal_url: str, backlog: int, batch: int) -> float:
    """The simulator's own rate in the same run: the same batches posted straight to it by two client
    processes, with no database, outbox or Celery in between. Delivery cannot be faster than this."""
    from concurrent.futures import ProcessPoolExecutor

    from portal.models import OutboxMessage

    templates = [dict(m.payload) for m in OutboxMessage.objects.order_by("id")[:2]]
    per_dossier = 10
    share = backlog // per_dossier // 2
    started = time.monotonic()
    with ProcessPoolExecutor(2) as pool:
        futures = [
            pool.submit(_post_share, portal_url, batch, f"LIMIT{w}", share, per_dossier, templates) for w in range(2)
        ]
        sent = sum(f.result() for f in futures)
    seconds = time.monotonic() - started
    if sent != share * per_dossier * 2:
        raise SystemExit(f"the limit phase expected {share * per_dossier * 2} applied messages, got {sent}")
    return sent / seconds


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
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from portal.processes import RedisServer, Stack

    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-sync-"))
    redis = None if args.redis_url else RedisServer(workdir).start()
    env = prepare(args.redis_url or redis.url, args.batch)
    stack = Stack(workdir / "stack", database_url=env["DATABASE_URL"], broker_url=env["REDIS_URL"], env=env, workers=2)
    try:
        officer, dossiers = world(args.dossiers)
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
        if redis:
            redis.stop()

    print(f"portal sync on PostgreSQL + Redis, 2 worker processes, batches of {args.batch}")
    print(
        f"  throughput: {rate:8.0f} updates/s delivered ({count} messages, {wall:.1f} s wall)"
        f"   target ≥ {TARGET_THROUGHPUT}  {'OK' if rate >= TARGET_THROUGHPUT else 'BELOW'}"
    )
    print(
        f"  limit:      {limit:8.0f} updates/s the simulator takes when the same batches are posted to it "
        f"directly by two processes ({rate / limit:.2f} of it reached through the outbox)"
    )
    print(
        f"  lag at {lag['achieved_rate']:.0f} transitions/s (asked {args.rate:.0f}/s, {lag['count']} messages): "
        f"p50 {lag['p50']:.3f} s, p99 {lag['p99']:.3f} s, max {lag['max']:.3f} s"
        f"   target p99 < {TARGET_P99} s  {'OK' if lag['p99'] < TARGET_P99 else 'BELOW'}"
    )
    print(
        f"  portal: {stats['applied']} applied, {stats['duplicates']} duplicates, {stats['out_of_order']} out of order"
    )


if __name__ == "__main__":
    main()
