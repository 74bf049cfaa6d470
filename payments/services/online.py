"""Online payments: started on the platform, its notifications and status queries applied."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions as perms
from dossiers.models import Dossier
from dossiers.services import ActionForbidden, DossierError, InvalidInput, record_event
from onestop.formats import vnd

from .. import conf, platform, signing
from ..models import Method, NotificationOutcome, Payment, PaymentStatus, PlatformNotification
from ..selectors import amounts, refunds_due
from .charges import HISTORY_ACTION, _dossier_locked, _new_reference, _payable, _payment_data, ensure_base_charge
from .counter import _settle_obligation_later
from .errors import (
    InvalidSignature,
    NothingToPay,
    NotificationRefused,
    PlatformUnavailable,
    ReceiptConflict,
    StaleNotification,
    UnknownPayment,
)
from .refunds import execute_refund

logger = logging.getLogger("onestop.payments")


def start_online_payment(*, dossier, actor, idempotency_key: str = "", at=None) -> Payment:
    """The applicant asks to pay online: a pending payment and the platform's page to pay it on. A
    repeat (same Idempotency-Key, or while a payment of the same amount is still open) answers the
    same payment, so a double click never makes the applicant pay twice."""
    at = at or timezone.now()
    key = (idempotency_key or "")[:255]
    with transaction.atomic():
        dossier = _dossier_locked(dossier)
        if not perms.is_applicant(dossier, actor):
            raise ActionForbidden(
                _("Chỉ người nộp hồ sơ %(code)s được thanh toán trực tuyến.") % {"code": dossier.code}
            )
        if key:
            repeated = Payment.objects.filter(initiated_by=actor, idempotency_key=key).first()
            if repeated is not None:
                if repeated.dossier_id != dossier.pk:
                    raise InvalidInput(_("Khóa Idempotency-Key đã dùng cho hồ sơ khác."), code="idempotency_key_reused")
                return _ensure_on_platform(repeated)
        _payable(dossier)
        ensure_base_charge(dossier, at=at)
        owed = amounts(dossier).outstanding
        if owed <= 0:
            raise NothingToPay(_("Hồ sơ %(code)s không có khoản nào phải nộp hoặc đã nộp đủ.") % {"code": dossier.code})
        payment = (
            Payment.objects.filter(
                dossier=dossier, method=Method.ONLINE, status=PaymentStatus.PENDING, amount=owed, expires_at__gt=at
            )
            .order_by("-created_at")
            .first()
        )
        if payment is None:
            payment = Payment.objects.create(
                dossier=dossier,
                method=Method.ONLINE,
                amount=owed,
                reference=_new_reference("OS"),
                created_at=at,
                expires_at=at + dt.timedelta(minutes=conf.expiry_minutes()),
                initiated_by=actor,
                idempotency_key=key,
            )
            record_event(
                dossier=dossier,
                actor=actor,
                action=HISTORY_ACTION,
                at=at,
                note=_("Công dân bắt đầu thanh toán trực tuyến %(amount)s đồng.") % {"amount": vnd(owed)},
                data=_payment_data(payment),
            )
    return _ensure_on_platform(payment)


def _ensure_on_platform(payment: Payment) -> Payment:
    """Register the payment with the platform (idempotent by reference) if it has no page yet. A
    platform that cannot be reached leaves the payment failed, so the applicant can simply retry."""
    if payment.pay_url or payment.status != PaymentStatus.PENDING:
        return payment
    dossier = payment.dossier
    try:
        remote = platform.create_payment(
            reference=payment.reference,
            amount=payment.amount,
            description=_("Phí, lệ phí hồ sơ %(code)s — %(procedure)s")
            % {"code": dossier.code, "procedure": dossier.procedure.name},
            dossier_code=dossier.code,
            expires_at=int(payment.expires_at.timestamp()),
            return_url=conf.return_url(),
        )
    except platform.PlatformError as exc:
        logger.warning("payment %s not registered with the platform: %s", payment.reference, exc)
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING, pay_url="").update(
                status=PaymentStatus.FAILED, closed_at=timezone.now(), note="platform unavailable"
            )
        raise PlatformUnavailable(
            _("Nền tảng thanh toán tạm thời không phản hồi; vui lòng thử lại sau ít phút.")
        ) from None
    if remote.amount != payment.amount or remote.reference != payment.reference:
        raise PlatformUnavailable(_("Nền tảng thanh toán trả lời không khớp giao dịch; vui lòng thử lại."))
    Payment.objects.filter(pk=payment.pk).update(pay_url=remote.pay_url, platform_txn_id=remote.txn_id)
    payment.pay_url, payment.platform_txn_id = remote.pay_url, remote.txn_id
    return payment


REMOTE_TO_LOCAL = {
    "paid": PaymentStatus.PAID,
    "cancelled": PaymentStatus.FAILED,
    "failed": PaymentStatus.FAILED,
    "expired": PaymentStatus.EXPIRED,
}


def apply_platform_status(
    *, reference: str, status: str, amount: int, receipt_number: str = "", txn_id: str = "", via: str, at=None
) -> tuple[str, Payment]:
    """Apply what the platform says of a payment. Answers ("applied" | "no_change", payment).
    Only a verified message or a signed query answer may call this. Paid is final: a later
    "cancelled" or "expired" never undoes it; a payment the platform says was paid after we saw it
    expire or fail is recorded paid (the money was taken)."""
    at = at or timezone.now()
    dossier_id = Payment.objects.filter(reference=reference).values_list("dossier_id", flat=True).first()
    with transaction.atomic():
        if dossier_id is not None:  # the dossier first, then the payment: the order every writer uses
            Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier_id).first()
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .filter(reference=reference)
            .first()
        )
        if payment is None or payment.method != Method.ONLINE:
            raise UnknownPayment(_("Không có giao dịch %(ref)s.") % {"ref": reference})
        target = REMOTE_TO_LOCAL.get(status)
        if target is None or target == payment.status:
            return "no_change", payment
        if target == PaymentStatus.PAID:
            if int(amount) != payment.amount:
                raise NotificationRefused(
                    _("Số tiền %(got)s không khớp giao dịch %(ref)s (%(want)s).")
                    % {"got": amount, "ref": reference, "want": payment.amount},
                    code="amount_mismatch",
                )
            if payment.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED, PaymentStatus.FAILED):
                return "no_change", payment
            if receipt_number and _receipt_taken(payment, receipt_number):
                raise ReceiptConflict(
                    _("Số biên lai %(no)s đã thuộc một khoản thanh toán khác; giao dịch %(ref)s chờ cán bộ đối soát.")
                    % {"no": receipt_number, "ref": reference}
                )
            payment.status, payment.paid_at = PaymentStatus.PAID, at
            payment.receipt_number = receipt_number or payment.receipt_number
            note = _("Đã thanh toán trực tuyến %(amount)s đồng qua Nền tảng thanh toán, biên lai điện tử số %(no)s.")
        elif payment.status == PaymentStatus.PENDING:
            payment.status = target
            note = {
                PaymentStatus.FAILED: _("Giao dịch thanh toán trực tuyến %(amount)s đồng không thành công (đã hủy)."),
                PaymentStatus.EXPIRED: _("Giao dịch thanh toán trực tuyến %(amount)s đồng đã hết hạn."),
            }[target]
        else:
            return "no_change", payment
        payment.platform_txn_id = txn_id or payment.platform_txn_id
        payment.confirmed_via = via
        payment.closed_at = at
        payment.save()
        record_event(
            dossier=payment.dossier,
            actor=None,
            action=HISTORY_ACTION,
            at=at,
            note=note % {"amount": vnd(payment.amount), "no": payment.receipt_number},
            data=_payment_data(payment, via=via),
        )
        if payment.status == PaymentStatus.PAID:
            _settle_obligation_later(payment.dossier_id)
    return "applied", payment


def _receipt_taken(payment: Payment, receipt_number: str) -> bool:
    return Payment.objects.filter(method=payment.method, receipt_number=receipt_number).exclude(pk=payment.pk).exists()


def handle_notification(*, body: dict, headers) -> dict:
    """The platform's signed server-to-server notification. The signature and timestamp are checked
    first; a nonce seen before is a replay and changes nothing; the state change is idempotent."""
    key = conf.secret()
    try:
        stamp, nonce = signing.verify(key, body, headers, tolerance=conf.timestamp_tolerance_seconds())
    except signing.BadSignature:
        raise InvalidSignature(_("Chữ ký thông báo thanh toán không hợp lệ.")) from None
    except signing.StaleMessage:
        raise StaleNotification(_("Thông báo thanh toán đã quá hạn (thời điểm ký không hợp lệ).")) from None
    if body.get("type") != "payment.status" or body.get("merchant") != conf.merchant_code():
        raise NotificationRefused(_("Thông báo không dành cho hệ thống này."))
    reference = str(body.get("reference") or "")
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice = PlatformNotification.objects.create(
                    nonce=nonce,
                    timestamp=stamp,
                    reference=reference[:40],
                    body=body,
                    outcome=NotificationOutcome.REJECTED,
                )
        except IntegrityError:
            logger.warning("replayed payment notification %s for %s ignored", nonce, reference)
            return {"result": "replay_ignored", "reference": reference}
        try:
            outcome, payment = apply_platform_status(
                reference=reference,
                status=str(body.get("status") or ""),
                amount=int(body.get("amount") or 0),
                receipt_number=str(body.get("receipt_number") or ""),
                txn_id=str(body.get("txn_id") or ""),
                via="notification",
            )
        except DossierError as exc:
            outcome = NotificationOutcome.CONFLICT if isinstance(exc, ReceiptConflict) else NotificationOutcome.REJECTED
            PlatformNotification.objects.filter(pk=notice.pk).update(outcome=outcome, detail=exc.code)
            refused = exc
        else:
            PlatformNotification.objects.filter(pk=notice.pk).update(outcome=outcome)
            return {"result": outcome, "reference": reference, "status": payment.status}
    raise refused


def reconcile_payment(*, payment_id: int) -> str:
    """Ask the platform about one pending payment and apply its answer (a lost notification is
    recovered this way). Answers the outcome; a platform that cannot be reached changes nothing."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.method != Method.ONLINE or payment.status != PaymentStatus.PENDING:
        return "no_change"
    try:
        remote = platform.query_payment(payment.reference)
    except platform.PlatformError as exc:
        if exc.status == 404 and payment.expires_at and payment.expires_at < timezone.now():
            # Never registered with the platform and past its time: nothing can be paid any more.
            outcome, _p = apply_platform_status(
                reference=payment.reference, status="expired", amount=payment.amount, via="query"
            )
            return outcome
        logger.warning("payment %s not reconciled: %s", payment.reference, exc)
        return "unreachable"
    if remote.reference != payment.reference:
        return "no_change"
    outcome, _p = apply_platform_status(
        reference=payment.reference,
        status=remote.status,
        amount=remote.amount,
        receipt_number=remote.receipt_number,
        txn_id=remote.txn_id,
        via="query",
    )
    return outcome


def sweep_payments(*, min_age_seconds: float = 60, now=None) -> dict[str, int]:
    """The periodic job: reconcile pending online payments older than `min_age_seconds` (expiry is
    decided by the platform's answer, so a payment made at the last second is never lost), make the
    refund attempts whose time has come (`execute_refund` sets it), and forget nonces far outside the
    replay window. It is the only retry of a refund."""
    given_now, now = now, now or timezone.now()
    counts: dict[str, int] = {}
    pending = Payment.objects.filter(
        method=Method.ONLINE,
        status=PaymentStatus.PENDING,
        created_at__lte=now - dt.timedelta(seconds=min_age_seconds),
    ).values_list("pk", flat=True)
    for payment_id in list(pending):
        outcome = reconcile_payment(payment_id=payment_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    for refund_id in list(refunds_due(now).values_list("pk", flat=True)):
        # Each attempt on its own clock (reconciling and earlier attempts take time), unless one was given.
        outcome = "refund_" + execute_refund(refund_id=refund_id, now=given_now)
        counts[outcome] = counts.get(outcome, 0) + 1
    keep = max(conf.timestamp_tolerance_seconds() * 2, 30 * 24 * 3600)
    PlatformNotification.objects.filter(received_at__lt=now - dt.timedelta(seconds=keep)).delete()
    return counts
