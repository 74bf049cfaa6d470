"""The outbox receiver of `dossier_changed`, and the cheap, throttled delivery kick after commit."""

from __future__ import annotations

import logging
import threading
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dossiers.signals import dossier_changed

from . import conf
from .mapping import invalidate_mapping
from .models import MappingVersion, StatusMapping
from .services import record_change

logger = logging.getLogger("portal.sync")


@receiver(dossier_changed, dispatch_uid="portal.outbox")
def write_outbox_row(sender, *, dossier, event, previous_status, **kwargs):
    """Runs inside the change's transaction: the row commits or rolls back with the change."""
    if record_change(dossier=dossier, event=event) is not None and conf.KICK_ENABLED:
        transaction.on_commit(kick_delivery, robust=True)


class _Throttle:
    """At most one immediate kick per interval per process, and one deferred kick to the end of the
    interval for changes that come in between, so a burst of commits sends a handful of messages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last_sent = float("-inf")
        self.deferred_until = float("-inf")

    def plan(self, interval: float) -> float | None:
        """Seconds to defer the kick by (0 = now), or None when a kick already covers this change."""
        now = time.monotonic()
        with self.lock:
            if now - self.last_sent >= interval:
                self.last_sent = now
                return 0.0
            if self.deferred_until > now:
                return None
            self.deferred_until = self.last_sent + interval
            return self.deferred_until - now


_throttle = _Throttle()


def kick_delivery() -> None:
    """Enqueue a delivery task. Never raises: with the broker down, the periodic sweeper delivers."""
    delay = _throttle.plan(conf.KICK_INTERVAL)
    if delay is None:
        return
    from .tasks import deliver_outbox

    try:
        if delay > 0:
            deliver_outbox.apply_async(countdown=delay, retry=False)
        else:
            deliver_outbox.apply_async(retry=False)
    except Exception as exc:  # the broker is down: the sweeper picks the rows up
        logger.warning("portal delivery not enqueued (%s: %s); the sweeper will send it", type(exc).__name__, exc)


@receiver(post_save, sender=StatusMapping, dispatch_uid="portal.mapping.saved")
@receiver(post_delete, sender=StatusMapping, dispatch_uid="portal.mapping.deleted")
@receiver(post_save, sender=MappingVersion, dispatch_uid="portal.mapping_version.saved")
@receiver(post_delete, sender=MappingVersion, dispatch_uid="portal.mapping_version.deleted")
def _mapping_changed(sender, **kwargs):
    """This process reads the new mapping at once; other processes within mapping.CACHE_SECONDS."""
    invalidate_mapping()
