"""Settings of the portal sync, read once from the environment with defaults that suit one machine.

PORTAL_URL, PORTAL_USERNAME and PORTAL_PASSWORD live in onestop.settings; the rest are read here so that
the sync can be tuned without touching the project's settings module.
"""

import os

from django.conf import settings


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def portal_url() -> str:
    return settings.PORTAL_URL.rstrip("/")


def credentials() -> tuple[str, str]:
    return settings.PORTAL_USERNAME, settings.PORTAL_PASSWORD


# Shared secret for the HMAC-SHA256 signature of every request body (DOMAIN §5: secrets in the environment;
# PORTAL_SIGNING_SECRET in onestop.settings, required when DEBUG is off).
SIGNING_SECRET = settings.PORTAL_SIGNING_SECRET
# Messages sent per request; a batch holds at most this many outbox rows.
BATCH_SIZE = _int("PORTAL_BATCH_SIZE", 200)
# Seconds an HTTP call may take before it counts as a failure.
TIMEOUT = _float("PORTAL_TIMEOUT", 10)
# A claimed batch is leased for this long: if the worker dies, the rows are due again afterwards.
LEASE_SECONDS = _float("PORTAL_LEASE_SECONDS", 30)
# Exponential backoff with jitter: base * 2**(attempts-1), capped, times a random factor in [0.5, 1].
BACKOFF_BASE = _float("PORTAL_BACKOFF_BASE", 1)
BACKOFF_MAX = _float("PORTAL_BACKOFF_MAX", 300)
# After this many failed attempts a row becomes a dead letter (shown in the admin, retried by hand).
MAX_ATTEMPTS = _int("PORTAL_MAX_ATTEMPTS", 15)
# A message without a national status code (no mapping version active) is looked at again after this long,
# or at once when a version is activated; the wait counts no attempt, so it never becomes a dead letter.
MAPPING_WAIT_SECONDS = _float("PORTAL_MAPPING_WAIT_SECONDS", 60)
# Circuit breaker: open after this many consecutive failed calls; probe again after the cool-down.
BREAKER_THRESHOLD = _int("PORTAL_BREAKER_THRESHOLD", 5)
BREAKER_COOLDOWN = _float("PORTAL_BREAKER_COOLDOWN", 10)
# A delivery task drains batches for at most this long, then hands over to a fresh task.
DRAIN_SECONDS = _float("PORTAL_DRAIN_SECONDS", 20)


def polled_broker() -> bool:
    """Whether workers poll the broker for tasks (the embedded default: kombu's SQLAlchemy transport looks at its
    queue table once a second) rather than being handed each one as it comes (Redis)."""
    return getattr(settings, "CELERY_BROKER_URL", "").startswith("sqla+")


# At most one delivery kick per process in this interval. A polled broker is not looked at more often than once a
# second: kicking it more often would only add writes (each kick a commit to its SQLite file) that wake no one sooner.
KICK_INTERVAL = _float("PORTAL_KICK_INTERVAL", 1.0 if polled_broker() else 0.2)
# Periodic tasks (Celery beat), registered by PortalConfig.ready().
SWEEP_SECONDS = _float("PORTAL_SWEEP_SECONDS", 5)
RECONCILE_SECONDS = _float("PORTAL_RECONCILE_SECONDS", 3600)
RECONCILE_WINDOW_HOURS = _float("PORTAL_RECONCILE_WINDOW_HOURS", 48)
# Delivery can be switched off (e.g. a read-only replica of the web); rows are still written.
KICK_ENABLED = os.environ.get("PORTAL_KICK", "1").strip().lower() not in {"0", "false", "no", "off"}
