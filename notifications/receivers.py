"""The `dossier_changed` receiver: the notifications an event calls for are written in the change's own
transaction (nothing is sent for a change that rolls back, nothing is lost if the broker is away) and their
delivery is asked for once the change has committed; the sweeper sends what that request did not."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from dossiers.signals import dossier_changed

from .services import record_notifications

logger = logging.getLogger("onestop.notifications")


def _kick(ids: list[int]) -> None:
    from .tasks import deliver

    try:
        deliver.apply_async(kwargs={"ids": ids}, retry=False)
    except Exception as exc:  # the broker is down: the rows wait for the sweeper
        logger.warning("notifications %s not kicked (%s); the sweeper will send them", ids, type(exc).__name__)


@receiver(dossier_changed, dispatch_uid="notifications.dossier_changed")
def write_notifications(sender, *, dossier, event, previous_status, **kwargs):
    if not getattr(settings, "NOTIFICATIONS_ENABLED", True):
        return
    rows = record_notifications(dossier=dossier, event=event)
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _kick(ids), robust=True)
