"""Celery tasks of the portal sync. Thin: each calls a service and is safe to run twice or at once."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from . import conf
from .kick import DELIVER_TASK, kick_delivery
from .services import DrainResult, deliver_due, reconcile

logger = logging.getLogger("portal.sync")


def _drain() -> DrainResult:
    """Deliver what is due, then ask for the next delivery: at once when time ran out with rows still
    due, after the backoff when rows failed."""
    result = deliver_due(fan_out=kick_delivery)
    try:
        if result.more:
            deliver_outbox.apply_async(retry=False)
        elif result.retry_in is not None:
            deliver_outbox.apply_async(countdown=max(result.retry_in, 0.05), retry=False)
    except Exception as exc:  # broker unreachable: the sweeper comes back anyway
        logger.warning("portal follow-up delivery not enqueued: %s", exc)
    return result


@shared_task(name=DELIVER_TASK, ignore_result=True)
def deliver_outbox() -> int:
    """Drain the due outbox rows (enqueued after commit by the outbox receiver)."""
    return _drain().delivered


@shared_task(name="portal.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Periodic (beat): deliver whatever no kick reached — the broker was down, a worker died."""
    result = _drain()
    if result.delivered:
        logger.info("portal sweeper delivered %s messages", result.delivered)
    return result.delivered


@shared_task(name="portal.reconcile", ignore_result=True)
def reconcile_recent() -> int:
    """Periodic (beat): compare the last window with the portal and re-send what it lacks."""
    until = timezone.now()
    run = reconcile(since=until - dt.timedelta(hours=conf.RECONCILE_WINDOW_HOURS), until=until)
    return run.messages_resent
