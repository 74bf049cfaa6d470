"""Celery task of the notifications: sent after the change commits, retried with backoff."""

from __future__ import annotations

from celery import shared_task

from . import services

MAX_RETRIES = 6


@shared_task(bind=True, name="notifications.notify", max_retries=MAX_RETRIES, acks_late=True)
def notify(self, *, dossier_id: int, event_seq: int, kind: str) -> int:
    try:
        return len(services.send_event_notifications(dossier_id=dossier_id, event_seq=event_seq, kind=kind))
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.give_up(dossier_id=dossier_id, event_seq=event_seq)
            raise
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc
