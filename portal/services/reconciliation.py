"""Reconciliation with the portal: what it holds against what the outbox says it was sent."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from ..client import PortalClient, PortalError, portal_client
from ..kick import kick_delivery
from ..models import (
    OutboxMessage,
    OutboxState,
    ReconciliationRun,
)

logger = logging.getLogger("portal.sync")


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
