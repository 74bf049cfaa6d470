"""Refusals of the payment use cases."""

from __future__ import annotations

from dossiers.services import DossierError


class NothingToPay(DossierError):
    status, code = 409, "nothing_to_pay"


class OnlinePaymentRequired(DossierError):
    status, code = 409, "online_payment_required"


class PaymentInProgress(DossierError):
    status, code = 409, "payment_pending"


class PlatformUnavailable(DossierError):
    status, code = 503, "payment_platform_unavailable"


class InvalidSignature(DossierError):
    status, code = 403, "invalid_signature"


class StaleNotification(DossierError):
    status, code = 400, "stale_notification"


class UnknownPayment(DossierError):
    status, code = 404, "not_found"


class NotificationRefused(DossierError):
    status, code = 400, "notification_refused"


class ReceiptConflict(NotificationRefused):
    """The platform says a payment was paid with a receipt number another payment already holds: nothing is
    applied, the notification is kept as a conflict for an officer to resolve (the admin lists them)."""

    status, code = 409, "receipt_conflict"
