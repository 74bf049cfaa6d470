"""The sync under failure, end to end: the simulated portal as its own process, two real Celery
workers and beat, on PostgreSQL and Redis. 200 dossiers and 3,000 status changes over four scenarios
(30% of portal calls failing, a 30-second outage, a worker killed mid-batch, Redis restarted); each
ends with the portal's store equal to the system's history: every status once, in order."""

import threading
import time
from collections import defaultdict

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from dossiers import services
from dossiers.models import DossierEvent
from portal.models import OutboxMessage, OutboxState, PortalLink
from portal.processes import RedisServer, Stack
from tests.portal.conftest import NATIONAL
from tests.portal.helpers import use_broker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("portal-integration")]

DOSSIERS_PER_SCENARIO = 50

SYNC_ENV = {
    "PORTAL_SWEEP_SECONDS": "1",
    "PORTAL_LEASE_SECONDS": "4",
    "PORTAL_BACKOFF_BASE": "0.2",
    "PORTAL_BACKOFF_MAX": "2",
    "PORTAL_BREAKER_THRESHOLD": "5",
    "PORTAL_BREAKER_COOLDOWN": "1",
    "PORTAL_MAX_ATTEMPTS": "60",
    "PORTAL_TIMEOUT": "3",
    "PORTAL_BATCH_SIZE": "100",
    "PORTAL_RECONCILE_SECONDS": "86400",
    "LOG_LEVEL": "WARNING",
}


def _lifecycle(w):
    """Sixteen changes of one dossier: fifteen the portal must get, and a note it must not."""
    c, lead = w.counter, w.leader
    return [
        lambda d: w.counter_dossier(when=timezone.now()),
        lambda d: services.start_processing(dossier=d, actor=c),
        lambda d: services.request_supplement(dossier=d, actor=lead, missing_documents=["Bản sao giấy khai sinh"]),
        lambda d: services.submit_supplement(dossier=d, actor=c),
        lambda d: services.pause_dossier(dossier=d, actor=lead, reason="financial"),
        lambda d: services.resume_dossier(dossier=d, actor=lead),
        lambda d: services.record_event(dossier=d, actor=c, action="note", note="Đã gọi điện") and d,
        lambda d: services.complete_step(dossier=d, actor=lead),
        lambda d: services.send_back(dossier=d, actor=lead, note="Thiếu chữ ký"),
        lambda d: services.complete_step(dossier=d, actor=lead),
        lambda d: services.complete_step(dossier=d, actor=lead),
        lambda d: services.pause_dossier(dossier=d, actor=lead, reason="verification"),
        lambda d: services.resume_dossier(dossier=d, actor=lead),
        lambda d: services.complete_step(dossier=d, actor=lead),
        lambda d: services.complete_step(dossier=d, actor=lead),
        lambda d: services.return_result(dossier=d, actor=c),
    ]


def drive(world, n=DOSSIERS_PER_SCENARIO, between_rounds=None):
    """Take n dossiers through their lifecycle round by round, interleaved, as a busy office would."""
    steps = _lifecycle(world)
    dossiers = [None] * n
    for round_no, step in enumerate(steps):
        if between_rounds:
            between_rounds(round_no)
        for i in range(n):
            dossiers[i] = step(dossiers[i])
    return [d.code for d in dossiers]


def expected_history(codes) -> dict[str, list[tuple[int, int]]]:
    """From the dossiers' own history rows: (seq, national code) of every change the portal must hold."""
    history, reason = defaultdict(list), {}
    events = DossierEvent.objects.filter(dossier__code__in=codes).select_related("dossier").order_by("dossier", "seq")
    for event in events:
        code = event.dossier.code
        if event.action == "note":
            continue
        if event.action == "pause":
            reason[code] = event.data["reason"]
        key = (event.to_status, reason.get(code, "") if event.to_status == "paused" else "")
        history[code].append((event.seq, NATIONAL[key]))
    return dict(history)


def portal_store(stack, codes) -> dict[str, list[tuple[int, int]]]:
    held = defaultdict(list)
    for _order, code, seq, _kind, status, backfill in stack.export():
        assert not backfill
        if code in codes:
            held[code].append((seq, status))
    return dict(held)


def wait_delivered(expected: int, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = dict(OutboxMessage.objects.values_list("state").annotate(n=Count("id")).order_by())
        dead = counts.get(OutboxState.DEAD, 0)
        assert not dead, list(OutboxMessage.objects.filter(state=OutboxState.DEAD).values_list("last_error")[:5])
        if counts.get(OutboxState.DELIVERED, 0) == expected:
            return
        time.sleep(0.5)
    pytest.fail(f"not delivered in {timeout}s: {counts}")


def assert_portal_equals_history(stack, codes):
    expected = expected_history(codes)
    assert len(expected) == DOSSIERS_PER_SCENARIO
    assert sum(map(len, expected.values())) == 15 * DOSSIERS_PER_SCENARIO
    wait_delivered(15 * DOSSIERS_PER_SCENARIO)
    assert portal_store(stack, set(codes)) == expected  # every status once, in the order applied
    stats = stack.stats()
    assert stats["out_of_order"] == 0 and stats["stored"] == 15 * DOSSIERS_PER_SCENARIO
    return stats


@pytest.fixture(scope="module")
def database_url(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def stack(database_url, tmp_path_factory):
    from onestop.celery import app

    use_broker(settings.CELERY_BROKER_URL)
    app.control.purge()
    running = Stack(
        tmp_path_factory.mktemp("portal-stack"), database_url=database_url, broker_url=settings.REDIS_URL, env=SYNC_ENV
    ).start()
    yield running
    running.stop()


@pytest.fixture
def fresh_portal(stack):
    stack.reset_portal()
    return stack


@pytest.mark.django_db(transaction=True)
def test_thirty_percent_of_portal_calls_fail(world, fresh_portal):
    fresh_portal.faults(fail_rate=0.2, dup_rate=0.1)  # 20% refused, 10% applied with the answer lost
    codes = drive(world)
    stats = assert_portal_equals_history(fresh_portal, codes)
    assert stats["injected_failures"] > 0 and stats["lost_answers"] > 0
    assert stats["duplicates"] > 0  # sent again after a lost answer, applied once


@pytest.mark.django_db(transaction=True)
def test_a_thirty_second_portal_outage(world, fresh_portal):
    started = {}

    def outage(round_no):
        if round_no == 4:
            time.sleep(1)
            fresh_portal.faults(outage=True)
            started["at"], started["stored"] = time.monotonic(), fresh_portal.stats()["stored"]

    codes = drive(world, between_rounds=outage)
    time.sleep(max(0.0, 30 - (time.monotonic() - started["at"])))
    assert fresh_portal.stats()["stored"] == started["stored"]  # nothing got through while it was down
    assert PortalLink.objects.get().opened_count >= 1  # the breaker opened
    assert OutboxMessage.objects.filter(state=OutboxState.PENDING).count() > 0
    fresh_portal.faults(outage=False)
    assert_portal_equals_history(fresh_portal, codes)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch(world, fresh_portal):
    fresh_portal.faults(answer_latency_ms=150)  # each batch applied, then held 150 ms before its answer
    killed = {}

    def kill_a_busy_worker():
        """SIGKILL the first worker seen with a batch in flight at the portal, then start another."""
        pids = fresh_portal.worker_pids()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            inflight = fresh_portal.stats()["inflight"]
            busy = [pids[int(p)] for p in inflight if p.isdigit() and int(p) in pids]
            if busy:
                fresh_portal.kill_worker(busy[0])
                killed["name"] = busy[0]
                fresh_portal.start_worker()
                return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_a_busy_worker)
    codes = drive(world, between_rounds=lambda round_no: round_no == 4 and killer.start())
    killer.join()
    assert killed, "no worker was seen mid-batch"
    stats = assert_portal_equals_history(fresh_portal, codes)
    assert stats["duplicates"] > 0  # the killed worker's batch was applied, then sent again after its lease


@pytest.mark.django_db(transaction=True)
def test_redis_restarted(world, database_url, tmp_path, stack):
    redis = RedisServer(tmp_path).start()
    own = Stack(tmp_path / "stack", database_url=database_url, broker_url=redis.url, env=SYNC_ENV)
    stack.stop_celery()  # only this scenario's workers may deliver from the database
    try:
        own.start()
        use_broker(redis.url)

        stopped = {}

        def restart(round_no):
            if round_no == 5:
                redis.stop()  # kicks fail while it is away; the rows wait in the outbox
                stopped["at"] = time.monotonic()
            if round_no == 8:
                time.sleep(max(0.0, 3 - (time.monotonic() - stopped["at"])))
                redis.start()  # empty: every queued message is gone

        codes = drive(world, between_rounds=restart)
        assert_portal_equals_history(own, codes)
    finally:
        use_broker(settings.CELERY_BROKER_URL)
        own.stop()
        redis.stop()
        stack.start_celery()
