"""The outbox receiver of `dossier_changed`, and the delivery kick after commit (cheap, throttled,
never blocking the request)."""

from __future__ import annotations

import logging
import os
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


class _Kicker:
    """Enqueues delivery from a background thread of the process, so that a commit never waits on the
    broker (nor fails with it). Commits that come while a kick is being sent are covered by the next one;
    there is at most one kick per KICK_INTERVAL, and a pause after the broker refused one."""

    BROKER_DOWN_PAUSE = 2.0

    def __init__(self):
        self.wanted = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid: int | None = None

    def kick(self) -> None:
        if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                    self.wanted = threading.Event()
                    self.pid = os.getpid()
                    self.thread = threading.Thread(target=self._run, name="portal-kick", daemon=True)
                    self.thread.start()
        self.wanted.set()

    def _run(self) -> None:
        from .tasks import deliver_outbox

        wanted = self.wanted
        while True:
            wanted.wait()
            wanted.clear()
            try:
                deliver_outbox.apply_async(retry=False)
                pause = conf.KICK_INTERVAL
            except Exception as exc:  # the broker is down: the periodic sweeper delivers
                logger.warning(
                    "portal delivery not enqueued (%s: %s); the sweeper will send it", type(exc).__name__, exc
                )
                pause = self.BROKER_DOWN_PAUSE
            time.sleep(pause)


_kicker = _Kicker()


def kick_delivery() -> None:
    """Ask for a delivery soon. Returns at once and never raises."""
    _kicker.kick()


@receiver(post_save, sender=StatusMapping, dispatch_uid="portal.mapping.saved")
@receiver(post_delete, sender=StatusMapping, dispatch_uid="portal.mapping.deleted")
@receiver(post_save, sender=MappingVersion, dispatch_uid="portal.mapping_version.saved")
@receiver(post_delete, sender=MappingVersion, dispatch_uid="portal.mapping_version.deleted")
def _mapping_changed(sender, **kwargs):
    """This process reads the new mapping at once; other processes within mapping.CACHE_SECONDS."""
    invalidate_mapping()
