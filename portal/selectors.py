"""Reads for the admin and /healthz: the outbox lag, counts by state, the portal link's health."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from .models import MappingVersion, OutboxMessage, OutboxState, PortalLink


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


def active_mapping_version() -> int | None:
    """The number of the status mapping version in use (None when no version is active)."""
    return MappingVersion.objects.active().values_list("number", flat=True).first()


def rows_awaiting_codes() -> int:
    """Pending messages written while no mapping version was active, still without a national status code."""
    return OutboxMessage.objects.filter(state=OutboxState.PENDING, national_status__isnull=True).count()
