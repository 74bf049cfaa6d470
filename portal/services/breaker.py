"""The backoff of failed deliveries and the circuit breaker in front of the portal (one row shared by all workers)."""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from .. import conf
from ..models import (
    BreakerState,
    PortalLink,
)

logger = logging.getLogger("portal.sync")


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
