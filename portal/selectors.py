"""Reads for the admin and /healthz: the outbox lag, counts by state, the portal link's health."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboxMessage, OutboxState, PortalLink


def outbox_lag_seconds() -> float | None:
    """Age of the oldest undelivered message (None when everything is delivered)."""
    oldest = OutboxMessage.objects.filter(state=OutboxState.PENDING).aggregate(m=Min("created_at"))["m"]
    if oldest is None:
        return None
    return max((timezone.now() - oldest).total_seconds(), 0.0)


def counts_by_state() -> dict[str, int]:
    counts = {state: 0 for state in OutboxState.values}
    for row in OutboxMessage.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def portal_link_state() -> PortalLink | None:
    return PortalLink.objects.filter(pk=1).first()
