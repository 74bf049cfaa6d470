"""Claiming, sending and marking batches of outbox rows, and releasing dead letters."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .. import conf
from ..client import PROGRESS_PATH, SYNC_PATH, PortalClient, PortalError, portal_client
from ..kick import kick_delivery
from ..models import (
    MessageKind,
    OutboxMessage,
    OutboxState,
)
from .breaker import backoff_seconds, breaker_gate, record_portal_failure, record_portal_success
from .outbox import assign_codes, release_claimed

logger = logging.getLogger("portal.sync")

UNDELIVERED = (OutboxState.PENDING, OutboxState.DEAD)


# -- claiming ------------------------------------------------------------------------------------------
def claim_batch(*, limit: int | None = None, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Lease the next batch: the due head (lowest undelivered row) of as many dossiers as fit, with the
    pending rows that follow each head, in per-dossier order."""
    limit = limit or conf.BATCH_SIZE
    now = now or timezone.now()
    earlier = OutboxMessage.objects.filter(
        dossier_code=OuterRef("dossier_code"), seq__lt=OuterRef("seq"), state__in=UNDELIVERED
    )
    with transaction.atomic():
        heads = list(
            OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
            .exclude(Exists(earlier))
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)[:limit]
        )
        if not heads:
            return []
        claimed = list(heads)
        room = limit - len(heads)
        if room > 0:
            head_seq = {m.dossier_code: m.seq for m in heads}
            followers = (
                OutboxMessage.objects.filter(dossier_code__in=list(head_seq), state__in=UNDELIVERED)
                .exclude(id__in=[m.id for m in heads])
                .order_by("dossier_code", "seq")
                .select_for_update(skip_locked=True)[: room + 50]
            )
            stopped: set[str] = set()
            expected = dict(head_seq)
            for row in followers:
                code = row.dossier_code
                if code in stopped or row.seq < expected[code]:
                    continue
                if row.state != OutboxState.PENDING:
                    stopped.add(code)  # a dead letter: what follows waits behind it
                    continue
                claimed.append(row)
                expected[code] = row.seq
                if len(claimed) >= limit:
                    break
        lease_until = now + dt.timedelta(seconds=conf.LEASE_SECONDS)
        OutboxMessage.objects.filter(id__in=[m.id for m in claimed]).update(next_attempt_at=lease_until)
        for row in claimed:
            row.next_attempt_at = lease_until
    claimed.sort(key=lambda m: (m.dossier_code, m.seq))
    return claimed


# -- sending -----------------------------------------------------------------------------------------
@dataclass
class BatchOutcome:
    delivered: list[int] = field(default_factory=list)
    duplicates: int = 0
    failed: dict[int, str] = field(default_factory=dict)  # row id → error (counts as an attempt)
    dead: dict[int, str] = field(default_factory=dict)  # row id → error (rejected for good)
    released: list[int] = field(default_factory=list)  # not attempted: due again at once
    transport_error: str = ""


def _item(message: OutboxMessage) -> dict:
    item = dict(message.payload)
    item["SoThuTu"] = message.seq
    if message.resent_at is not None:
        item["DoiSoat"] = True  # a reconciliation re-send: the portal may file it behind later ones
    return item


def _rounds(rows: list[OutboxMessage]) -> list[list[OutboxMessage]]:
    """Round k holds the k-th row of every dossier in the batch: each round has a dossier at most
    once, so its sync and progress requests may go in any order without breaking per-dossier order."""
    per_dossier: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        per_dossier[row.dossier_code].append(row)
    depth = max((len(v) for v in per_dossier.values()), default=0)
    return [[v[k] for v in per_dossier.values() if len(v) > k] for k in range(depth)]


def send_batch(rows: list[OutboxMessage], client: PortalClient | None = None) -> BatchOutcome:
    client = client or portal_client()
    outcome = BatchOutcome()
    halted: set[str] = set()
    pending = list(rows)
    for round_rows in _rounds(rows):
        for kind, path in ((MessageKind.SYNC, SYNC_PATH), (MessageKind.PROGRESS, PROGRESS_PATH)):
            group = [r for r in round_rows if r.kind == kind and r.dossier_code not in halted]
            if not group:
                continue
            try:
                results = client.send(path, [_item(r) for r in group])
            except PortalError as exc:
                error = str(exc) or type(exc).__name__
                outcome.transport_error = error
                for row in group:
                    (outcome.failed if exc.retryable else outcome.dead)[row.id] = error
                done = set(outcome.delivered) | set(outcome.failed) | set(outcome.dead)
                outcome.released = [r.id for r in pending if r.id not in done]
                return outcome
            for row, result in zip(group, results, strict=True):
                status = result.get("status")
                if status in ("applied", "duplicate"):
                    outcome.delivered.append(row.id)
                    outcome.duplicates += status == "duplicate"
                    continue
                halted.add(row.dossier_code)
                error = str(result.get("error") or status)
                if status == "rejected" and not result.get("retryable", True):
                    outcome.dead[row.id] = error
                elif status == "blocked":
                    outcome.released.append(row.id)
                else:
                    outcome.failed[row.id] = error
    done = set(outcome.delivered) | set(outcome.failed) | set(outcome.dead) | set(outcome.released)
    outcome.released += [r.id for r in rows if r.id not in done]  # behind a halted row of its dossier
    return outcome


def apply_outcome(rows: list[OutboxMessage], outcome: BatchOutcome, *, count_attempts: bool = True) -> float | None:
    """Write what happened to each row; answers the seconds until the earliest retry, if any."""
    now = timezone.now()
    by_id = {r.id: r for r in rows}
    if outcome.delivered:
        OutboxMessage.objects.filter(id__in=outcome.delivered).update(
            state=OutboxState.DELIVERED, delivered_at=now, last_error=""
        )
    release_claimed(outcome.released, now)
    for row_id, error in outcome.dead.items():
        OutboxMessage.objects.filter(id=row_id, state=OutboxState.PENDING).update(
            state=OutboxState.DEAD, attempts=F("attempts") + 1, last_error=error[:2000]
        )
        logger.error("portal message %s is a dead letter: %s", by_id[row_id].idempotency_key, error)
    soonest = None
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row_id, error in outcome.failed.items():
        attempts = by_id[row_id].attempts + (1 if count_attempts else 0)
        groups[(attempts, error)].append(row_id)
    for (attempts, error), ids in groups.items():
        if count_attempts and attempts >= conf.MAX_ATTEMPTS:
            OutboxMessage.objects.filter(id__in=ids, state=OutboxState.PENDING).update(
                state=OutboxState.DEAD, attempts=attempts, last_error=error[:2000]
            )
            logger.error("%s portal messages became dead letters after %s attempts: %s", len(ids), attempts, error)
            continue
        delay = backoff_seconds(max(attempts, 1))
        soonest = delay if soonest is None else min(soonest, delay)
        OutboxMessage.objects.filter(id__in=ids, state=OutboxState.PENDING).update(
            attempts=attempts, next_attempt_at=now + dt.timedelta(seconds=delay), last_error=error[:2000]
        )
    return soonest


@dataclass
class DrainResult:
    delivered: int = 0
    duplicates: int = 0
    failed: int = 0
    batches: int = 0
    waiting: int = 0  # rows left waiting for a national status code (no mapping version translates them)
    more: bool = False  # stopped by the time budget with rows still due
    retry_in: float | None = None  # seconds until rows that failed, or wait for the breaker or a mapping, are due


def deliver_due(
    *, max_seconds: float | None = None, client: PortalClient | None = None, fan_out: Callable | None = None
) -> DrainResult:
    """Send due rows batch after batch until none is left, the portal fails, or time is up. After a full
    batch, `fan_out()` asks for another delivery task so that idle workers share a backlog."""
    import time

    deadline = time.monotonic() + (max_seconds if max_seconds is not None else conf.DRAIN_SECONDS)
    result = DrainResult()
    while True:
        if time.monotonic() >= deadline:
            result.more = True
            break
        gate = breaker_gate()
        if not gate.allowed:  # the worker that opened the breaker has scheduled the probe
            break
        rows = claim_batch(limit=min(conf.BATCH_SIZE, 20) if gate.probe else conf.BATCH_SIZE)
        if not rows:
            if gate.probe:  # nothing to probe with: ask the portal directly
                ok, detail = (client or portal_client()).health()
                if ok:
                    record_portal_success()
                else:
                    record_portal_failure(detail, probe=True)
                    result.retry_in = conf.BREAKER_COOLDOWN
            break
        if fan_out is not None and len(rows) >= conf.BATCH_SIZE:
            fan_out()
        coding = assign_codes(rows)
        if coding.waiting:
            result.waiting += coding.waiting
            wait = conf.MAPPING_WAIT_SECONDS
            result.retry_in = wait if result.retry_in is None else min(result.retry_in, wait)
        rows = coding.ready
        if not rows:
            continue
        outcome = send_batch(rows, client)
        result.batches += 1
        # Failures while the breaker probes a portal known to be down are not the rows' fault.
        retry_in = apply_outcome(rows, outcome, count_attempts=not gate.probe)
        result.delivered += len(outcome.delivered)
        result.duplicates += outcome.duplicates
        result.failed += len(outcome.failed)
        if outcome.transport_error:
            opened = record_portal_failure(outcome.transport_error, probe=gate.probe)
            result.retry_in = conf.BREAKER_COOLDOWN if opened else retry_in
            logger.warning("portal batch of %s failed: %s", len(rows), outcome.transport_error)
            break
        if outcome.delivered:
            record_portal_success()
        if retry_in is not None:
            result.retry_in = retry_in if result.retry_in is None else min(result.retry_in, retry_in)
    return result


# -- dead letters ----------------------------------------------------------------------------------------
def retry_dead_letters(*, ids) -> int:
    """Put the dead letters among `ids` back in the queue (the admin's retry action); answers how many."""
    qs = OutboxMessage.objects.filter(state=OutboxState.DEAD, id__in=list(ids))
    count = qs.update(state=OutboxState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
    if count:
        transaction.on_commit(kick_delivery, robust=True)
    return count
