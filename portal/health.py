"""/healthz checks of the portal sync: the Celery broker, the national portal and the status mapping."""

from __future__ import annotations

from django.conf import settings

from .selectors import active_mapping_version, outbox_lag_seconds, rows_awaiting_codes


def broker_check() -> tuple[bool, str]:
    from onestop.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_name
    return True, f"{transport} ({getattr(settings, 'CELERY_BROKER_TRANSPORT_NAME', '')})"


def portal_reachable() -> tuple[bool, str]:
    """Whether the national portal answers its health call (a fresh client, two-second timeout)."""
    from .client import PortalClient

    return PortalClient(timeout=2).health()


def portal_check() -> tuple[bool, str]:
    ok, detail = portal_reachable()
    lag = outbox_lag_seconds()
    return ok, f"{detail}; outbox lag {lag:.1f} s" if lag is not None else detail


def mapping_check() -> tuple[bool, str]:
    """A status mapping version is active (without one, changes are recorded but their portal messages wait
    for a national status code)."""
    version = active_mapping_version()
    waiting = rows_awaiting_codes()
    if version is None:
        return False, f"no active status mapping version; {waiting} messages wait for a national status code"
    return True, f"version {version}" + (
        f"; {waiting} messages still wait for a national status code" if waiting else ""
    )
