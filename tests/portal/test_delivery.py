"""Delivery to a simulated portal: batches in per-dossier order, applied once, backoff, dead letters,
the circuit breaker, session renewal, signatures, reconciliation and the operations views."""

import datetime as dt
import os
import random
import threading
import time
from unittest.mock import ANY

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import Status
from portal import conf
from portal import services as portal_services
from portal.client import SYNC_PATH, PortalClient, PortalRejected
from portal.mapping import NoActiveMapping
from portal.models import (
    BreakerState,
    OutboxMessage,
    OutboxState,
    PortalLink,
    ReconciliationRun,
)
from portal.services import backoff_seconds, claim_batch, deliver_due, reconcile
from portal.services import outbox as portal_outbox
from tests.factories import at
from tests.portal.helpers import copy_of_version_1, retire_every_version


def lifecycle(world, n=3):
    """n dossiers taken through a few changes each: 5 outbox rows per dossier."""
    made = []
    for i in range(n):
        when = at(2025, 8, 12, 8 + i)
        d = world.counter_dossier(when=when)
        d = services.start_processing(dossier=d, actor=world.counter, at=when + dt.timedelta(minutes=10))
        d = services.pause_dossier(dossier=d, actor=world.counter, reason="financial", at=when + dt.timedelta(hours=1))
        d = services.resume_dossier(dossier=d, actor=world.counter, at=when + dt.timedelta(hours=2))
        d = services.complete_step(dossier=d, actor=world.counter, at=when + dt.timedelta(hours=3))
        made.append(d)
    return made


def store_of(sim):
    """{MaHoSo: [(SoThuTu, status), …]} in the order the portal applied them."""
    held = {}
    for _order, code, seq, _kind, status, _backfill in sim.store.export():
        held.setdefault(code, []).append((seq, status))
    return held


def history_of(dossiers):
    return {
        d.code: [(m.seq, m.national_status) for m in OutboxMessage.objects.filter(dossier_code=d.code).order_by("seq")]
        for d in dossiers
    }


def test_everything_reaches_the_portal_once_and_in_order(world, portal_sim):
    dossiers = lifecycle(world)
    result = deliver_due()
    assert result.delivered == 15 and result.failed == 0
    assert store_of(portal_sim) == history_of(dossiers)
    assert not OutboxMessage.objects.exclude(state=OutboxState.DELIVERED).exists()
    held = PortalClient().dossier(dossiers[0].code)
    assert held["TrangThaiHoSo"] == 4 and held["HoSo"]["MaTTHC"] == world.procedure.code

    # Delivered again (a worker died before marking them): the portal keeps one copy of each.
    OutboxMessage.objects.update(state=OutboxState.PENDING, next_attempt_at=timezone.now())
    again = deliver_due()
    assert again.delivered == 15 and again.duplicates == 15
    assert portal_sim.stats()["stored"] == 15 and portal_sim.stats()["out_of_order"] == 0


def test_the_simulator_holds_an_applied_batch_in_flight_before_its_answer(world, portal_sim):
    """The fault the killed-worker scenario relies on: a batch is applied, then held before its answer, and
    the stats show its sender in flight meanwhile."""
    world.dossier_in(Status.RECEIVED)
    items = list(OutboxMessage.objects.order_by("seq").values_list("payload", flat=True))
    portal_sim.faults.update({"answer_latency_ms": 300})
    answers = []
    sender = threading.Thread(target=lambda: answers.append(PortalClient().send(SYNC_PATH, items)))
    sender.start()
    seen = {}
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        seen = portal_sim.stats()["inflight"]
        time.sleep(0.005)
    stored_meanwhile = portal_sim.stats()["stored"]
    sender.join()

    assert seen == {str(os.getpid()): 1}
    assert stored_meanwhile == len(items)  # applied before the answer was sent
    assert [r["status"] for r in answers[0]] == ["applied"] * len(items)
    assert portal_sim.stats()["inflight"] == {}


def test_a_batch_takes_a_dossiers_rows_in_order_and_no_one_else_gets_them(world, portal_sim):
    lifecycle(world, n=2)
    first = claim_batch(limit=3)
    assert [(m.dossier_code, m.seq) for m in first] == sorted((m.dossier_code, m.seq) for m in first)
    assert {m.seq for m in first if m.dossier_code == first[0].dossier_code} >= {1}
    second = claim_batch(limit=100)
    # Rows of a dossier whose head is leased are not eligible: its order is kept.
    assert not {m.dossier_code for m in first} & {m.dossier_code for m in second}
    assert claim_batch(limit=100) == []


def test_backoff_grows_exponentially_with_jitter_and_a_cap(monkeypatch):
    monkeypatch.setattr(conf, "BACKOFF_BASE", 1)
    monkeypatch.setattr(conf, "BACKOFF_MAX", 60)
    rng = random.Random(1)
    for attempts, ceiling in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (30, 60)]:
        values = [backoff_seconds(attempts, rng=rng) for _ in range(50)]
        assert all(ceiling * 0.5 <= v <= ceiling for v in values)
        assert max(values) - min(values) > 0  # jittered: workers do not retry in step


def test_failures_back_off_then_become_dead_letters_without_blocking_other_dossiers(
    world, portal_sim, fast_retries, monkeypatch
):
    good, bad = lifecycle(world, n=2)
    # The portal refuses the bad dossier's messages one by one (a malformed status), for good.
    OutboxMessage.objects.filter(dossier_code=bad.code, seq=2).update(
        payload={"MaHoSo": bad.code, "SoThuTu": 2, "TrangThai": 99}
    )
    deliver_due()
    dead = OutboxMessage.objects.get(dossier_code=bad.code, seq=2)
    assert dead.state == OutboxState.DEAD and "national status" in dead.last_error
    assert OutboxMessage.objects.get(dossier_code=bad.code, seq=1).state == OutboxState.DELIVERED
    # Later rows of that dossier wait behind the dead letter; the other dossier went through.
    assert set(OutboxMessage.objects.filter(dossier_code=bad.code, seq__gt=2).values_list("state", flat=True)) == {
        OutboxState.PENDING
    }
    assert store_of(portal_sim)[good.code] == history_of([good])[good.code]

    # A failing portal: each failed call is an attempt, retried later, dead after MAX_ATTEMPTS.
    extra = services.return_result(
        dossier=services.resolve_dossier(dossier=good, actor=world.leader, result="approved"), actor=world.counter
    )
    monkeypatch.setattr(conf, "BREAKER_THRESHOLD", 100)
    monkeypatch.setattr(conf, "BACKOFF_BASE", 30)
    monkeypatch.setattr(conf, "BACKOFF_MAX", 30)
    portal_sim.faults.fail_rate = 1.0
    first = deliver_due()
    assert first.failed == 1 and 15 <= first.retry_in <= 30
    row = OutboxMessage.objects.filter(dossier_code=extra.code, state=OutboxState.PENDING).order_by("seq").first()
    assert row.attempts == 1 and row.next_attempt_at > timezone.now() and "500" in row.last_error
    for _ in range(3):
        OutboxMessage.objects.filter(state=OutboxState.PENDING).update(next_attempt_at=timezone.now())
        deliver_due()
    row.refresh_from_db()
    assert row.state == OutboxState.DEAD and row.attempts == conf.MAX_ATTEMPTS


def version_2(*, without=()):
    """Version 2: version 1's rows (but those of the states in `without`), except that a pause for a
    financial obligation reads as processing."""
    return copy_of_version_1(2, without=without, codes={("paused", "financial"): 4})


def test_without_an_active_version_messages_wait_then_go_with_the_codes_of_the_version_activated(
    world, portal_sim, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(conf, "KICK_ENABLED", False)
    (before,) = lifecycle(world, n=1)  # recorded under version 1
    retire_every_version()
    waiting = lifecycle(world, n=2)  # recorded with no version active: no code
    services.record_event(dossier=waiting[0], actor=world.counter, action="note", note="Đã gọi điện cho công dân")
    assert OutboxMessage.objects.filter(national_status__isnull=True).count() == 11

    result = deliver_due()
    # The rows with codes went; each waiting dossier's first row holds its dossier back, nothing was guessed.
    assert (result.delivered, result.waiting, result.failed) == (5, 2, 0)
    assert store_of(portal_sim) == {before.code: [(1, 2), (2, 4), (3, 6), (4, 4), (5, 4)]}
    held = OutboxMessage.objects.filter(dossier_code__in=[d.code for d in waiting])
    assert set(held.values_list("state", "attempts", "national_status")) == {(OutboxState.PENDING, 0, None)}
    head = held.get(dossier_code=waiting[0].code, seq=1)
    assert head.last_error.startswith("Không có phiên bản bảng ánh xạ trạng thái nào đang áp dụng")
    assert head.next_attempt_at > timezone.now() + dt.timedelta(seconds=conf.MAPPING_WAIT_SECONDS - 5)
    assert result.retry_in == conf.MAPPING_WAIT_SECONDS

    # Waiting again and again costs no attempt: the rows never become dead letters.
    for _ in range(conf.MAX_ATTEMPTS + 1):
        OutboxMessage.objects.filter(state=OutboxState.PENDING).update(next_attempt_at=timezone.now())
        assert deliver_due().delivered == 0
    assert set(held.values_list("state", "attempts")) == {(OutboxState.PENDING, 0)}
    assert portal_sim.stats()["stored"] == 5

    # Activating a version makes them due at once; they go with that version's codes, the note not at all.
    with django_capture_on_commit_callbacks(execute=True):
        version_2()
    result = deliver_due()
    assert (result.delivered, result.waiting) == (10, 0)
    store = store_of(portal_sim)
    for dossier in waiting:
        assert store[dossier.code] == [(1, 2), (2, 4), (3, 4), (4, 4), (5, 4)]
    assert store[before.code] == [(1, 2), (2, 4), (3, 6), (4, 4), (5, 4)]  # as version 1 had it
    assert set(held.values_list("state", "mapping_version", "last_error")) == {(OutboxState.DELIVERED, 2, "")}
    assert not held.filter(seq=6).exists()  # version 2 does not report notes
    sent = held.get(dossier_code=waiting[0].code, seq=3)
    assert sent.national_status == 4 and sent.payload["TrangThai"] == 4 and sent.payload["LyDoTamDung"] == "financial"
    assert held.get(dossier_code=waiting[0].code, seq=1).payload["TrangThaiHoSo"] == 2


def test_rows_held_for_want_of_a_version_go_when_one_is_activated_meanwhile(world, portal_sim, monkeypatch):
    monkeypatch.setattr(conf, "KICK_ENABLED", False)
    retire_every_version()
    (waiting,) = lifecycle(world, n=1)
    read_mapping, reads = portal_outbox.active_mapping, []

    def activated_right_after_the_first_read():
        """The delivery reads no version; an admin activates one (and its rows are released) before the
        delivery marks its rows as waiting."""
        reads.append(1)
        if len(reads) > 1:
            return read_mapping()
        version_2()
        portal_services.release_rows_awaiting_codes()
        raise NoActiveMapping()

    monkeypatch.setattr(portal_outbox, "active_mapping", activated_right_after_the_first_read)
    result = deliver_due()

    # The release stood: the rows went in the same delivery, not after MAPPING_WAIT_SECONDS.
    assert (result.waiting, result.delivered) == (1, 5)
    assert [seq for seq, _code in store_of(portal_sim)[waiting.code]] == [1, 2, 3, 4, 5]


def test_a_waiting_message_the_activated_version_cannot_translate_keeps_its_dossier_waiting(world, portal_sim):
    retire_every_version()
    first, second = lifecycle(world, n=2)
    version_2(without=["paused"])
    result = deliver_due()
    assert (result.delivered, result.waiting) == (4, 2)  # each dossier's receipt and start; the pause waits
    assert store_of(portal_sim) == {first.code: [(1, 2), (2, 4)], second.code: [(1, 2), (2, 4)]}
    pause = OutboxMessage.objects.get(dossier_code=first.code, seq=3)
    assert pause.state == OutboxState.PENDING and pause.attempts == 0 and pause.national_status is None
    assert pause.last_error == (
        "Phiên bản 2 của bảng ánh xạ không có mã trạng thái quốc gia cho trạng thái “Tạm dừng”."
    )
    later = OutboxMessage.objects.filter(dossier_code=first.code, seq__gt=3)
    assert set(later.values_list("state", "last_error")) == {(OutboxState.PENDING, "")}  # in order, behind it


def test_admin_shows_lag_counts_and_health_and_retries_dead_letters(world, portal_sim, client):
    dossier = world.dossier_in(Status.PROCESSING)
    OutboxMessage.objects.filter(dossier_code=dossier.code).update(
        state=OutboxState.DEAD, attempts=15, last_error="HTTP 500"
    )
    client.force_login(world.admin)
    url = reverse("admin:portal_outboxmessage_changelist")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "outbox-lag" in body and "gửi lỗi (cần xử lý)</a>" not in body
    assert page.context["outbox_counts"] == {"pending": 0, "delivered": 0, "dead": 2}
    assert page.context["portal_ok"] is True

    ids = list(OutboxMessage.objects.values_list("id", flat=True))
    answer = client.post(url, {"action": "retry_selected", "_selected_action": ids}, follow=True)
    assert "Đã đưa 2 thông điệp lỗi trở lại hàng đợi gửi." in answer.content.decode()
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {(OutboxState.PENDING, 0)}
    assert client.get(url).context["outbox_lag"] is not None
    deliver_due()
    assert len(store_of(portal_sim)[dossier.code]) == 2


def test_the_breaker_opens_while_the_portal_is_down_and_a_probe_closes_it(world, portal_sim, fast_retries, monkeypatch):
    monkeypatch.setattr(conf, "MAX_ATTEMPTS", 10)
    lifecycle(world, n=3)
    portal_sim.faults.outage = True
    for _ in range(conf.BREAKER_THRESHOLD):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        deliver_due()
    link = PortalLink.objects.get()
    assert link.state == BreakerState.OPEN and link.consecutive_failures == conf.BREAKER_THRESHOLD
    calls = portal_sim.stats()["requests"]
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver_due().delivered == 0
    assert portal_sim.stats()["requests"] == calls  # open: nobody calls the portal

    PortalLink.objects.update(open_until=timezone.now())
    deliver_due()  # the probe fails: open again, without burning the rows' attempts
    assert PortalLink.objects.get().state == BreakerState.OPEN
    assert max(OutboxMessage.objects.values_list("attempts", flat=True)) == conf.BREAKER_THRESHOLD

    portal_sim.faults.outage = False
    PortalLink.objects.update(open_until=timezone.now())
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    result = deliver_due()
    assert result.delivered == 15
    assert PortalLink.objects.get().state == BreakerState.CLOSED
    assert portal_sim.stats()["stored"] == 15


def test_an_expired_session_is_renewed_and_lost_answers_are_deduplicated(world, portal_sim):
    lifecycle(world, n=1)
    claim = deliver_due()
    assert claim.delivered == 5
    portal_sim.tokens.clear()  # the portal forgot every session
    d = world.counter_dossier()
    assert deliver_due().delivered == 1
    assert portal_sim.stats()["logins"] == 2

    portal_sim.faults.dup_rate = 1.0  # applied, but the answer is lost: sent again later
    services.start_processing(dossier=d, actor=world.counter)
    assert deliver_due().failed == 1
    portal_sim.faults.dup_rate = 0.0
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    result = deliver_due()
    assert result.delivered == 1 and result.duplicates == 1
    assert portal_sim.stats()["stored"] == 7


def test_requests_are_signed_with_hmac_sha256(world, portal_sim, settings):
    portal_sim.secret = "another-secret"
    with pytest.raises(PortalRejected, match="403"):
        PortalClient().send("/api/hoso/dongbo", [{"MaHoSo": "X", "SoThuTu": 1, "TrangThaiHoSo": 1}])


def test_reconciliation_resends_what_the_portal_lost(world, portal_sim):
    dossiers = lifecycle(world, n=3)
    deliver_due()
    lost = dossiers[1]
    portal_sim.store.forget(lost.code, [2, 3])
    portal_sim.store.forget(dossiers[2].code, None)
    since, until = timezone.now() - dt.timedelta(hours=1), timezone.now() + dt.timedelta(minutes=1)

    run = reconcile(since=since, until=until)
    assert (run.dossiers_checked, run.dossiers_differing, run.messages_resent) == (3, 2, 7)
    deliver_due()
    assert store_of(portal_sim)[lost.code][-2:] == [(2, 4), (3, 6)]  # filled in behind the later ones
    assert sorted(store_of(portal_sim)[lost.code]) == history_of([lost])[lost.code]
    assert store_of(portal_sim)[dossiers[2].code] == history_of([dossiers[2]])[dossiers[2].code]

    again = reconcile(since=since, until=until)
    assert again.messages_resent == 0 and again.dossiers_differing == 0
    assert ReconciliationRun.objects.count() == 2


def test_reconcile_command_reports_the_count(world, portal_sim):
    dossier = world.dossier_in(Status.RECEIVED)
    deliver_due()
    portal_sim.store.forget(dossier.code, None)
    from io import StringIO

    out = StringIO()
    call_command("reconcile_portal", "--hours", "1", stdout=out)
    assert "Đã đối soát 1 hồ sơ, 1 hồ sơ lệch, gửi lại 1 thông điệp." in out.getvalue()


def test_healthz_reports_broker_and_portal_and_a_portal_outage_is_not_critical(db, client, portal_sim):
    answer = client.get("/healthz").json()
    assert answer["checks"]["portal"]["ok"] is True and answer["checks"]["portal"]["critical"] is False
    assert answer["checks"]["broker"]["ok"] is True and answer["checks"]["broker"]["critical"] is False
    portal_sim.faults.outage = True
    down = client.get("/healthz")
    assert down.json()["checks"]["portal"]["ok"] is False
    assert down.json()["checks"]["broker"]["ok"] is True
    assert down.status_code == 200


def test_healthz_reports_a_missing_status_mapping_version_without_failing(db, client, world):
    assert client.get("/healthz").json()["checks"]["status_mapping"] == {
        "ok": True,
        "detail": "version 1",
        "ms": ANY,
        "critical": False,
    }
    retire_every_version()  # as a shell's bulk update could; the model and the admin refuse it
    world.dossier_in(Status.PROCESSING)

    answer = client.get("/healthz")

    check = answer.json()["checks"]["status_mapping"]
    assert (check["ok"], check["critical"]) == (False, False)
    assert check["detail"] == "no active status mapping version; 2 messages wait for a national status code"
    assert answer.status_code == 200
