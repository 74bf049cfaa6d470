"""Celery tasks: thin, load by id, call a service, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="payments.refund_payment", bind=True, max_retries=8, default_retry_delay=60)
def refund_payment(self, refund_id: int) -> str:
    outcome = services.execute_refund(refund_id=refund_id)
    if outcome == "retry":
        raise self.retry(countdown=min(3600, 60 * 2**self.request.retries))
    return outcome


@shared_task(name="payments.reconcile_payment")
def reconcile_payment(payment_id: int) -> str:
    return services.reconcile_payment(payment_id=payment_id)


@shared_task(name="payments.sweep_payments")
def sweep_payments() -> dict:
    """Every minute: recover lost notifications, expire what the platform says expired, retry refunds."""
    return services.sweep_payments()
