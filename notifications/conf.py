"""Settings of the notifications' delivery, read once from the environment with defaults that suit one
machine (as portal/conf.py does for the portal's)."""

import os


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# How often Celery beat runs the sweeper that sends what no after-commit kick sent (broker down, worker died).
SWEEP_SECONDS = _float("NOTIFICATIONS_SWEEP_SECONDS", 30)
# A kicked notification younger than this is left to its kick; the sweeper takes it afterwards.
GRACE_SECONDS = _float("NOTIFICATIONS_GRACE_SECONDS", 10)
# Backoff after a failed send: base * 2**(attempts-1) seconds, capped.
BACKOFF_BASE = _float("NOTIFICATIONS_BACKOFF_BASE", 30)
BACKOFF_MAX = _float("NOTIFICATIONS_BACKOFF_MAX", 3600)
# After this many failed sends a notification is marked failed (shown in the admin).
MAX_ATTEMPTS = _int("NOTIFICATIONS_MAX_ATTEMPTS", 8)
# A notification claimed for sending longer ago than this, by a worker that never said how it went, is not
# sent again (it may have gone out): it is marked failed for an officer to look at.
LEASE_SECONDS = _float("NOTIFICATIONS_LEASE_SECONDS", 600)
# Rows a sweep sends at most.
SWEEP_BATCH = _int("NOTIFICATIONS_SWEEP_BATCH", 200)
