"""What a dossier owes, the gates before processing and before the result is handed back, and what the payment
use cases share."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier
from dossiers.services import TransitionNotAllowed
from onestop.formats import vnd

from ..models import Charge, ChargeKind, Payment
from ..selectors import accepts_payment, amounts, compute_fees, must_pay_online

HISTORY_ACTION = "payment"


def ensure_base_charge(dossier: Dossier, *, at: dt.datetime | None = None) -> Charge:
    """The dossier's own fees, computed once (at receipt, or when the applicant pays before it) and
    then kept: a later change of the tariff does not change what a dossier owes."""
    existing = Charge.objects.filter(dossier_id=dossier.pk, kind=ChargeKind.BASE).first()
    if existing is not None:
        return existing
    when = dossier.received_at or at or timezone.now()
    amount, items = compute_fees(dossier, on=timezone.localdate(when))
    try:
        with transaction.atomic():
            return Charge.objects.create(
                dossier_id=dossier.pk, kind=ChargeKind.BASE, amount=amount, items=items, created_at=when
            )
    except IntegrityError:  # computed concurrently: the first one stands
        return Charge.objects.get(dossier_id=dossier.pk, kind=ChargeKind.BASE)


def start_gate(dossier: Dossier) -> str | None:
    """Registered with dossiers.gates: a full-online dossier with a fee waits until paid online."""
    if not must_pay_online(dossier):
        return None
    owed = amounts(dossier).outstanding
    if owed <= 0:
        return None
    return _("Hồ sơ toàn trình có phí: chờ công dân thanh toán trực tuyến %(amount)s đồng") % {"amount": vnd(owed)}


def return_gate(dossier: Dossier) -> str | None:
    """Registered with dossiers.gates: no result is handed back while a fee is owed; the counter collects it
    on the same screen (an exemption leaves nothing owed)."""
    owed = amounts(dossier).outstanding
    if owed <= 0:
        return None
    return _(
        "Hồ sơ còn nợ %(amount)s đồng phí, lệ phí: thu tại quầy (mục “Phí, lệ phí”, nút “Thu phí tại quầy”) "
        "rồi mới trả kết quả."
    ) % {"amount": vnd(owed)}


def _payable(dossier: Dossier) -> None:
    if not accepts_payment(dossier):
        raise TransitionNotAllowed(
            _("Hồ sơ ở trạng thái “%(state)s” không còn nhận thanh toán.") % {"state": dossier.get_status_display()},
            current_status=dossier.status,
        )


def _new_reference(prefix: str) -> str:
    return f"{prefix}{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"


def _payment_data(payment: Payment, **extra) -> dict:
    data = {
        "payment": payment.reference,
        "method": payment.method,
        "status": payment.status,
        "amount": payment.amount,
        "receipt_number": payment.receipt_number,
    }
    data.update(extra)
    return data
