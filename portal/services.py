"""Use cases of the portal sync: write the outbox row of a change, claim and deliver batches, the
circuit breaker, dead letters and reconciliation (DOMAIN §3, §5).

Delivery is at least once and applied once: a batch is leased (its rows' next_attempt_at is pushed
past the lease) in a short transaction that claims rows with SELECT … FOR UPDATE SKIP LOCKED, sent,
then marked. A worker that dies leaves its rows due again when the lease ends; the portal drops what
it already holds by (MaHoSo, SoThuTu). Only the lowest undelivered row of a dossier, with the rows
after it, is eligible, so a dossier's messages go in order and one failing dossier blocks no other.

A change recorded while no mapping version is active gets its row without a national status code; the
row waits, pending, until a version is active and gives it one (assign_codes). Nothing is sent with a
guessed code, and no change is refused for it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from dossiers.models import Dossier, DossierEvent, Status
from dossiers.selectors import changes_of

from . import conf
from .client import PROGRESS_PATH, SYNC_PATH, PortalClient, PortalError, portal_client
from .kick import kick_delivery
from .mapping import Mapping, NoActiveMapping, UnmappedStatus, active_mapping, missing_states
from .models import (
    BreakerState,
    MessageKind,
    OutboxMessage,
    OutboxState,
    PortalLink,
    ReconciliationRun,
)
from .payloads import build_payload, message_kind, with_national_code

logger = logging.getLogger("portal.sync")

UNDELIVERED = (OutboxState.PENDING, OutboxState.DEAD)


# -- the outbox row of a change ----------------------------------------------------------------------
def record_change(*, dossier: Dossier, event: DossierEvent) -> OutboxMessage | None:
    """The outbox row of one recorded change, written in the change's own transaction (one INSERT).
    Raises UnmappedStatus when the active mapping has no code for the state, so that no change goes
    unreported. With no active mapping version the row is written without a code and waits for one."""
    try:
        mapping: Mapping | None = active_mapping()
    except NoActiveMapping:
        mapping = None
        logger.error(
            "no active status mapping version: portal message %s:%s waits for a national status code",
            dossier.code,
            event.seq,
        )
    if mapping is not None and mapping.is_silent(event.action):
        return None
    reason = dossier.pause_reason if dossier.status == Status.PAUSED else ""
    national = mapping.national_code(dossier.status, reason) if mapping is not None else None
    kind = message_kind(event)
    now = timezone.now()
    message = OutboxMessage(
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        seq=event.seq,
        event_id=event.pk,
        kind=kind,
        pause_reason=reason,
        national_status=national,
        mapping_version=mapping.version if mapping is not None else None,
        payload=build_payload(kind, dossier, event, national),
        created_at=now,
        next_attempt_at=now,
    )
    OutboxMessage.objects.bulk_create([message])
    return message


# -- national codes of rows written while no mapping version was active ---------------------------------
@dataclass
class Coding:
    ready: list[OutboxMessage]  # rows that can be sent, in per-dossier order
    waiting: int = 0  # rows left pending, waiting for a mapping version that translates them


def assign_codes(rows: list[OutboxMessage]) -> Coding:
    """Give the claimed rows that have no national status code one from the active mapping (and drop
    those of actions the version does not report), before they are sent. A row that still cannot be
    translated stays pending with the cause as its last error, counts no attempt and is looked at again
    after MAPPING_WAIT_SECONDS (or when a version is activated); the rows after it wait behind it."""
    uncoded = [row.event_id for row in rows if row.national_status is None]
    if not uncoded:
        return Coding(ready=rows)
    try:
        mapping: Mapping | None = active_mapping()
        missing = ""
    except NoActiveMapping as exc:
        mapping, missing = None, str(exc)
    changes = changes_of(uncoded)  # what each change was, as its history row says
    coding = Coding(ready=[])
    coded, silent, behind = [], [], []
    waiting: dict[str, list[int]] = defaultdict(list)  # cause → ids of the rows it holds back
    held: set[str] = set()
    for row in rows:  # claim_batch answers them by dossier, in order
        if row.dossier_code in held:
            behind.append(row.id)
        elif row.national_status is not None:
            coding.ready.append(row)
        elif mapping is not None and mapping.is_silent(changes[row.event_id][0]):
            silent.append(row.id)
        elif cause := missing or _give_code(row, mapping, status=changes[row.event_id][1]):
            held.add(row.dossier_code)
            waiting[cause].append(row.id)
        else:
            coded.append(row)
            coding.ready.append(row)
    now = timezone.now()
    with transaction.atomic():
        if coded:
            OutboxMessage.objects.bulk_update(coded, ["national_status", "mapping_version", "payload"])
        if silent:
            OutboxMessage.objects.filter(id__in=silent, national_status__isnull=True).delete()
        _release(behind, now)
        leased_from = min(row.next_attempt_at for row in rows)
        for cause, ids in waiting.items():
            # Only rows still under this claim's lease: a version activated since the mapping was read has
            # made them due again (release_rows_awaiting_codes), and they stay so.
            OutboxMessage.objects.filter(
                id__in=ids, state=OutboxState.PENDING, next_attempt_at__gte=leased_from
            ).update(next_attempt_at=now + dt.timedelta(seconds=conf.MAPPING_WAIT_SECONDS), last_error=cause[:2000])
            logger.error("%s portal messages wait for a national status code: %s", len(ids), cause)
            coding.waiting += len(ids)
    return coding


def _give_code(row: OutboxMessage, mapping: Mapping, *, status: str) -> str:
    """Give `row` the national code of `status` (with the row's pause reason); answers why it cannot have
    one, or "" when it has."""
    try:
        code = mapping.national_code(status, row.pause_reason)
    except UnmappedStatus as exc:
        return str(exc)
    row.national_status, row.mapping_version = code, mapping.version
    row.payload = with_national_code(row.kind, row.payload, code)
    return ""


def release_rows_awaiting_codes() -> int:
    """Make the rows that wait for a national status code due at once (a mapping version was saved
    active) and ask for a delivery; answers how many."""
    count = OutboxMessage.objects.filter(state=OutboxState.PENDING, national_status__isnull=True).update(
        next_attempt_at=timezone.now()
    )
    if count and conf.KICK_ENABLED:
        kick_delivery()
    return count


def ensure_complete_mapping(*, keys) -> None:
    """Refuse an active mapping version whose rows, by these (status, pause reason) keys, leave a dossier
    state without a national code: a change into that state would be refused."""
    missing = missing_states(keys)
    if missing:
        raise ValidationError(
            gettext(
                "Phiên bản đang áp dụng phải có mã trạng thái quốc gia cho mọi trạng thái hồ sơ (dòng không "
                "ghi lý do tạm dừng); còn thiếu: %(missing)s."
            )
            % {"missing": ", ".join(f"“{Status(s).label}”" for s in missing)},
            code="incomplete_mapping",
        )


# -- backoff -----------------------------------------------------------------------------------------
def backoff_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: base·2^(attempts−1), capped, times a factor in [0.5, 1]."""
    rng = rng or random
    ceiling = min(conf.BACKOFF_MAX, conf.BACKOFF_BASE * (2 ** max(attempts - 1, 0)))
    return ceiling * rng.uniform(0.5, 1.0)


# -- the circuit breaker (one row shared by all workers) -----------------------------------------------
def portal_link() -> PortalLink:
    link, _created = PortalLink.objects.get_or_create(pk=1)
    return link


@dataclass
class Gate:
    allowed: bool
    probe: bool = False
    wait_seconds: float = 0.0


def breaker_gate(now: dt.datetime | None = None) -> Gate:
    """Closed: send. Open: wait until the cool-down ends; then one worker (the one whose conditional
    UPDATE wins) sends a small probe batch while the others keep waiting."""
    now = now or timezone.now()
    link = portal_link()
    if link.state == BreakerState.CLOSED:
        return Gate(True)
    if link.open_until and link.open_until > now:
        return Gate(False, wait_seconds=(link.open_until - now).total_seconds())
    taken = PortalLink.objects.filter(pk=1, state=BreakerState.OPEN, open_until=link.open_until).update(
        open_until=now + dt.timedelta(seconds=conf.BREAKER_COOLDOWN)
    )
    if taken:
        return Gate(True, probe=True)
    return Gate(False, wait_seconds=conf.BREAKER_COOLDOWN)


def record_portal_success(now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=1)
    PortalLink.objects.filter(
        Q(consecutive_failures__gt=0)
        | Q(state=BreakerState.OPEN)
        | Q(last_success_at__isnull=True)
        | Q(last_success_at__lt=stale),
        pk=1,
    ).update(state=BreakerState.CLOSED, consecutive_failures=0, open_until=None, last_success_at=now)


def record_portal_failure(error: str, *, probe: bool = False, now: dt.datetime | None = None) -> bool:
    """Count a failed call; opens the breaker after BREAKER_THRESHOLD in a row. True when it is open."""
    now = now or timezone.now()
    portal_link()
    PortalLink.objects.filter(pk=1).update(
        consecutive_failures=F("consecutive_failures") + 1, last_failure_at=now, last_error=error[:2000]
    )
    until = now + dt.timedelta(seconds=conf.BREAKER_COOLDOWN)
    if probe:
        PortalLink.objects.filter(pk=1).update(state=BreakerState.OPEN, open_until=until)
        return True
    opened = PortalLink.objects.filter(
        pk=1, state=BreakerState.CLOSED, consecutive_failures__gte=conf.BREAKER_THRESHOLD
    ).update(state=BreakerState.OPEN, open_until=until, opened_count=F("opened_count") + 1)
    if opened:
        logger.warning("portal circuit breaker opened after %s failures: %s", conf.BREAKER_THRESHOLD, error)
    return bool(opened) or PortalLink.objects.filter(pk=1, state=BreakerState.OPEN).exists()


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
    _release(outcome.released, now)
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


def _release(ids: list[int], now: dt.datetime) -> None:
    """Rows claimed but not attempted: due again at once."""
    if ids:
        OutboxMessage.objects.filter(id__in=ids, state=OutboxState.PENDING).update(next_attempt_at=now)


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


# -- reconciliation -------------------------------------------------------------------------------------
def reconcile(
    *, since: dt.datetime, until: dt.datetime, client: PortalClient | None = None, chunk: int = 200
) -> ReconciliationRun:
    """Compare what the portal holds with our delivered rows for dossiers changed in [since, until);
    rows the portal lacks are queued again, marked as a reconciliation re-send."""
    client = client or portal_client()
    run = ReconciliationRun.objects.create(period_start=since, period_end=until)
    codes = list(
        OutboxMessage.objects.filter(created_at__gte=since, created_at__lt=until)
        .values_list("dossier_code", flat=True)
        .distinct()
        .order_by("dossier_code")
    )
    try:
        for start in range(0, len(codes), chunk):
            part = codes[start : start + chunk]
            held = client.lookup(part)
            ours: dict[str, dict[int, int]] = defaultdict(dict)
            for row_id, code, seq in OutboxMessage.objects.filter(
                dossier_code__in=part, state=OutboxState.DELIVERED
            ).values_list("id", "dossier_code", "seq"):
                ours[code][seq] = row_id
            for code in part:
                portal_seqs = set((held.get(code) or {}).get("seqs", []))
                missing = [row_id for seq, row_id in ours.get(code, {}).items() if seq not in portal_seqs]
                extra = portal_seqs - set(ours.get(code, {}))
                run.dossiers_checked += 1
                if missing or extra:
                    run.dossiers_differing += 1
                if missing:
                    run.messages_resent += OutboxMessage.objects.filter(
                        id__in=missing, state=OutboxState.DELIVERED
                    ).update(
                        state=OutboxState.PENDING,
                        attempts=0,
                        next_attempt_at=timezone.now(),
                        delivered_at=None,
                        resent_at=timezone.now(),
                    )
    except PortalError as exc:
        run.error = str(exc)
    run.finished_at = timezone.now()
    run.save()
    if run.messages_resent:
        transaction.on_commit(kick_delivery, robust=True)
    logger.info(
        "portal reconciliation %s–%s: %s dossiers, %s differing, %s messages re-sent",
        since,
        until,
        run.dossiers_checked,
        run.dossiers_differing,
        run.messages_resent,
    )
    return run
