"""Celery tasks: thin, load by id, call a service, safe to run twice."""

from celery import shared_task

from . import services


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
