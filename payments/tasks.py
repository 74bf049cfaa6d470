"""Celery tasks: thin, load by id, call a service, safe to run twice."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger("payments.tasks")


@shared_task(name="payments.refund_payment")
def refund_payment(refund_id: int) -> str:
    """The first attempt, right after the refund is requested (or an officer retries it); `sweep_payments`
    makes the later ones when their time comes."""
    return services.execute_refund(refund_id=refund_id)


@shared_task(name="payments.reconcile_payment")
def reconcile_payment(payment_id: int) -> str:
    return services.reconcile_payment(payment_id=payment_id)


@shared_task(name="payments.sweep_payments")
def sweep_payments() -> dict:
    """Every minute: recover lost notifications, expire what the platform says expired, make the refund
    attempts that are due."""
    return services.sweep_payments()


def refund_soon(refund_id: int) -> None:
    """Ask a worker for a refund's first attempt now. While the broker is away the request is dropped, never
    raised: the refund is due at once, and `sweep_payments` makes the attempt when the scheduler next runs."""
    try:
        refund_payment.apply_async((refund_id,), retry=False)
    except Exception as exc:  # any broker failure (kombu's OperationalError, redis' ConnectionError …)
        logger.warning("refund %s not enqueued (%s: %s); the sweep will make it", refund_id, type(exc).__name__, exc)
