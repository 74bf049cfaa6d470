"""The `dossier_changed` receiver: an event that calls for a notification asks for its delivery once the
change has committed (nothing is sent for a change that rolls back)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from dossiers.signals import dossier_changed

from .messages import kind_of

logger = logging.getLogger("onestop.notifications")


def _enqueue(dossier_id: int, seq: int, kind: str) -> None:
    from .tasks import notify

    try:
        notify.apply_async(kwargs={"dossier_id": dossier_id, "event_seq": seq, "kind": kind}, retry=False)
    except Exception as exc:  # the broker is down: the change stands, the notification is logged as lost
        logger.warning("notification %s of dossier %s not enqueued: %s", kind, dossier_id, exc)


@receiver(dossier_changed, dispatch_uid="notifications.dossier_changed")
def notify_after_commit(sender, *, dossier, event, previous_status, **kwargs):
    if not getattr(settings, "NOTIFICATIONS_ENABLED", True):
        return
    if not (dossier.applicant_email or dossier.applicant_phone):
        return
    kind = kind_of(event, dossier)
    if kind is not None:
        dossier_id, seq = dossier.pk, event.seq
        transaction.on_commit(lambda: _enqueue(dossier_id, seq, kind), robust=True)
