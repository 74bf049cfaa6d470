"""Celery tasks of the notifications: the delivery kicked after a change commits, and the periodic sweeper
that sends what is still pending (with backoff after failures)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver", acks_late=True)
def deliver(*, ids: list[int]) -> dict:
    return services.deliver(ids=ids)


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> dict:
    return services.sweep()
