"""Use cases of fees and payments (DOMAIN §3 "Fees"; Art. 11 of 003).

Each function takes keyword arguments and runs in one transaction; a payment row and its history row
(`dossiers.services.record_event`) commit together. Calls to the payment platform happen outside any
transaction that holds a lock, and every state the platform reports is applied by one function,
`apply_platform_status`, whether it came in a signed notification or from a status query.

The modules: `errors`, `charges` (what a dossier owes and the gates), `online` (online payments and the
platform's notifications), `counter` (counter payments and financial obligations) and `refunds`.
"""

from .charges import HISTORY_ACTION, ensure_base_charge, return_gate, start_gate
from .counter import record_counter_payment, request_financial_obligation, resume_if_settled
from .errors import (
    InvalidSignature,
    NothingToPay,
    NotificationRefused,
    OnlinePaymentRequired,
    PaymentInProgress,
    PlatformUnavailable,
    ReceiptConflict,
    StaleNotification,
    UnknownPayment,
)
from .online import (
    REMOTE_TO_LOCAL,
    apply_platform_status,
    handle_notification,
    reconcile_payment,
    start_online_payment,
    sweep_payments,
)
from .refunds import (
    REFUND_ACTIONS,
    complete_refund_at_counter,
    execute_refund,
    refund_retry_delay,
    request_refunds,
    retry_refund,
)

__all__ = [
    "HISTORY_ACTION",
    "REFUND_ACTIONS",
    "REMOTE_TO_LOCAL",
    "InvalidSignature",
    "NothingToPay",
    "NotificationRefused",
    "OnlinePaymentRequired",
    "PaymentInProgress",
    "PlatformUnavailable",
    "ReceiptConflict",
    "StaleNotification",
    "UnknownPayment",
    "apply_platform_status",
    "complete_refund_at_counter",
    "ensure_base_charge",
    "execute_refund",
    "handle_notification",
    "reconcile_payment",
    "record_counter_payment",
    "refund_retry_delay",
    "request_financial_obligation",
    "request_refunds",
    "resume_if_settled",
    "retry_refund",
    "return_gate",
    "start_gate",
    "start_online_payment",
    "sweep_payments",
]
