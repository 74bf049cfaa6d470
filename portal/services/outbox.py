"""The outbox row of each change, and the national codes of rows written while no mapping version was active."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dossiers.models import Dossier, DossierEvent, Status
from dossiers.selectors import changes_of

from .. import conf
from ..kick import kick_delivery
from ..mapping import Mapping, NoActiveMapping, UnmappedStatus, active_mapping, missing_states
from ..models import (
    OutboxMessage,
    OutboxState,
)
from ..payloads import build_payload, message_kind, with_national_code

logger = logging.getLogger("portal.sync")


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
        release_claimed(behind, now)
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


def release_claimed(ids: list[int], now: dt.datetime) -> None:
    """Rows claimed but not attempted: due again at once."""
    if ids:
        OutboxMessage.objects.filter(id__in=ids, state=OutboxState.PENDING).update(next_attempt_at=now)
