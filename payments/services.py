"""Use cases of fees and payments (DOMAIN §3 "Fees"; Art. 11 of 003).

Each function takes keyword arguments and runs in one transaction; a payment row and its history row
(`dossiers.services.record_event`) commit together. Calls to the payment platform happen outside any
transaction that holds a lock, and every state the platform reports is applied by one function,
`apply_platform_status`, whether it came in a signed notification or from a status query.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions as perms
from dossiers.models import Dossier, PauseReason, Status
from dossiers.services import (
    ActionForbidden,
    DossierError,
    DossierNotFound,
    InvalidInput,
    TransitionNotAllowed,
    pause_dossier,
    record_event,
    resume_dossier,
)
from onestop.formats import vnd

from . import conf, platform, signing
from .models import (
    HANDED_BACK_AT_COUNTER,
    MAX_AMOUNT,
    Charge,
    ChargeKind,
    Method,
    NotificationOutcome,
    Payment,
    PaymentStatus,
    PlatformNotification,
    Refund,
    RefundStatus,
)
from .selectors import (
    accepts_payment,
    amounts,
    compute_fees,
    must_pay_online,
    online_payment_in_progress,
    refunds_due,
)

logger = logging.getLogger("onestop.payments")

HISTORY_ACTION = "payment"


# -- errors -----------------------------------------------------------------------------------------
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


# -- amounts (computed by `selectors`) --------------------------------------------------------------
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


# -- helpers ----------------------------------------------------------------------------------------
def _dossier_locked(dossier: Dossier | str) -> Dossier:
    key = {"code": dossier} if isinstance(dossier, str) else {"pk": dossier.pk}
    try:
        return Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(**key)
    except Dossier.DoesNotExist:
        raise DossierNotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": key.get("code", "")}) from None


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


def _settle_obligation_later(dossier_id: int) -> None:
    transaction.on_commit(lambda: resume_if_settled(dossier_id=dossier_id))


# -- online payments --------------------------------------------------------------------------------
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
            PlatformNotification.objects.filter(pk=notice.pk).update(detail=exc.code)
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


# -- counter payments -------------------------------------------------------------------------------
def record_counter_payment(
    *, dossier, actor, method: str, receipt_number: str, amount: int | None = None, note: str = "", at=None
) -> Payment:
    """A counter officer records a fee paid in cash or at a bank, with its receipt number. A
    full-online dossier with a fee must be paid online and is refused here (DOMAIN §3)."""
    at = at or timezone.now()
    if method not in (Method.CASH, Method.BANK):
        message = _("Hình thức nộp tại quầy phải là “cash” hoặc “bank”.")
        raise InvalidInput(message, errors={"method": [message]})
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise InvalidInput(_("Phải ghi số biên lai thu phí, lệ phí."), errors={"receipt_number": [_("Bắt buộc.")]})
    with transaction.atomic():
        dossier = _dossier_locked(dossier)
        if not perms.is_counter_officer(dossier, actor):
            raise ActionForbidden(
                _("Chỉ cán bộ Bộ phận Một cửa của cơ quan tiếp nhận được ghi nhận thu phí hồ sơ %(code)s.")
                % {"code": dossier.code}
            )
        _payable(dossier)
        ensure_base_charge(dossier, at=at)
        owed = amounts(dossier).outstanding
        if owed <= 0:
            raise NothingToPay(_("Hồ sơ %(code)s không có khoản nào phải nộp hoặc đã nộp đủ.") % {"code": dossier.code})
        if must_pay_online(dossier):
            raise OnlinePaymentRequired(
                _(
                    "Hồ sơ toàn trình có phí phải được thanh toán trực tuyến qua Nền tảng thanh toán; "
                    "không thu tại quầy (còn phải nộp %(amount)s đồng)."
                )
                % {"amount": vnd(owed)}
            )
        if amount is not None and int(amount) != owed:
            message = _("Số tiền nộp phải đúng số còn phải nộp: %(amount)s đồng.") % {"amount": vnd(owed)}
            raise InvalidInput(message, errors={"amount": [message]})
        if online_payment_in_progress(dossier, at):
            raise PaymentInProgress(
                _("Công dân đang có giao dịch thanh toán trực tuyến chưa kết thúc; chờ giao dịch hết hạn rồi thu.")
            )
        try:
            with transaction.atomic():  # the unique receipt number is the database's to guarantee
                payment = Payment.objects.create(
                    dossier=dossier,
                    method=method,
                    status=PaymentStatus.PAID,
                    amount=owed,
                    reference=_new_reference("TQ"),
                    receipt_number=receipt_number,
                    created_at=at,
                    paid_at=at,
                    closed_at=at,
                    recorded_by=actor,
                    confirmed_via="counter",
                    note=note[:500],
                )
        except IntegrityError:
            message = _("Số biên lai %(no)s đã được dùng.") % {"no": receipt_number}
            raise InvalidInput(message, code="duplicate_receipt", errors={"receipt_number": [message]}) from None
        record_event(
            dossier=dossier,
            actor=actor,
            action=HISTORY_ACTION,
            at=at,
            note=_("Đã thu %(amount)s đồng (%(method)s), biên lai số %(no)s.")
            % {"amount": vnd(owed), "method": Method(method).label, "no": receipt_number},
            data=_payment_data(payment),
        )
        _settle_obligation_later(dossier.pk)
    return payment


# -- a financial obligation during processing (national status 6) -----------------------------------
def request_financial_obligation(*, dossier, actor, amount: int, reason: str, at=None) -> Dossier:
    """An officer handling the dossier asks the applicant to fulfil a further financial obligation:
    the amount is added to what the dossier owes and the dossier is paused for a financial reason
    (the clock stops; the portal sees status 6). Paying it resumes processing."""
    at = at or timezone.now()
    if not isinstance(amount, int) or amount <= 0:
        message = _("Số tiền phải là số nguyên dương (đồng).")
        raise InvalidInput(message, errors={"amount": [message]})
    if amount > MAX_AMOUNT:
        message = _("Số tiền không được vượt quá %(max)s đồng.") % {"max": vnd(MAX_AMOUNT)}
        raise InvalidInput(message, errors={"amount": [message]})
    if not (reason or "").strip():
        raise InvalidInput(_("Phải nêu nội dung nghĩa vụ tài chính."), errors={"reason": [_("Bắt buộc.")]})
    with transaction.atomic():
        locked = _dossier_locked(dossier)
        Charge.objects.create(
            dossier_id=locked.pk,
            kind=ChargeKind.ADDITIONAL,
            amount=amount,
            items=[{"name": reason.strip()[:255], "amount": amount, "due": amount}],
            reason=reason.strip()[:500],
            created_at=at,
            created_by=actor,
        )
        ensure_base_charge(locked, at=at)
        return pause_dossier(
            dossier=locked,
            actor=actor,
            reason=PauseReason.FINANCIAL,
            note=_("Yêu cầu thực hiện nghĩa vụ tài chính %(amount)s đồng: %(reason)s")
            % {"amount": vnd(amount), "reason": reason.strip()},
            at=at,
        )


def resume_if_settled(*, dossier_id: int) -> bool:
    """After a payment: a dossier paused for a financial obligation that is now fully paid goes back
    to processing, in the name of the officer who asked for the obligation."""
    dossier = Dossier.objects.select_related("procedure").filter(pk=dossier_id).first()
    if dossier is None or dossier.status != Status.PAUSED or dossier.pause_reason != PauseReason.FINANCIAL:
        return False
    if amounts(dossier).outstanding > 0:
        return False
    asked = Charge.objects.filter(dossier_id=dossier_id, kind=ChargeKind.ADDITIONAL).order_by("-id").first()
    if asked is None or asked.created_by is None:
        return False
    try:
        resume_dossier(
            dossier=dossier,
            actor=asked.created_by,
            note=_("Công dân đã hoàn thành nghĩa vụ tài chính; hệ thống tự động tiếp tục xử lý."),
        )
    except DossierError as exc:
        logger.warning("dossier %s paid but not resumed: %s", dossier.code, exc)
        return False
    return True


# -- refunds ----------------------------------------------------------------------------------------
REFUND_ACTIONS = {"refuse": _("từ chối tiếp nhận"), "withdraw": _("công dân rút hồ sơ")}


def request_refunds(*, dossier: Dossier, action: str) -> list[Refund]:
    """Called inside the refusal or withdrawal's transaction: one refund per paid payment, due at once and
    carried out after commit by a task (platform call for online payments; the counter for cash and
    bank). The sweep makes the attempts that follow, and the first one too if the task is lost."""
    if action not in REFUND_ACTIONS or not conf.refunds_enabled():
        return []
    from . import tasks

    now = timezone.now()
    created = []
    for payment in Payment.objects.select_for_update().filter(dossier_id=dossier.pk, status=PaymentStatus.PAID):
        refund, made = Refund.objects.get_or_create(
            payment=payment,
            defaults={
                "amount": payment.amount,
                "reference": _new_reference("HT"),
                "reason": str(REFUND_ACTIONS[action]),
                "requested_at": now,
                "next_attempt_at": now,
            },
        )
        if made:
            created.append(refund)
            transaction.on_commit(lambda pk=refund.pk: tasks.refund_payment.delay(pk))
    return created


def _refund_event(refund: Refund, status: str, note: str, *, actor=None, at=None, **data) -> None:
    """The history row of a step of a refund, in the caller's transaction."""
    payment = refund.payment
    record_event(
        dossier=payment.dossier,
        actor=actor,
        action=HISTORY_ACTION,
        at=at,
        note=note,
        data={**_payment_data(payment), "refund": refund.reference, "refund_status": status, **data},
    )


def refund_retry_delay(attempts: int) -> dt.timedelta:
    """The wait after a refund's `attempts`-th failed attempt: the base wait doubled after each failure
    (1, 2, 4 … minutes by default), never longer than the longest wait."""
    base, longest = conf.refund_retry_base_seconds(), conf.refund_retry_max_seconds()
    return dt.timedelta(seconds=min(longest, base * 2 ** min(max(attempts - 1, 0), 32)))


def execute_refund(*, refund_id: int, now=None) -> str:
    """Carry out one refund whose time has come; safe to run twice, or from two workers at once.

    A cash or bank refund goes to the counter. An online one is one attempt on the platform, which
    refunds once per refund reference. The attempt is claimed before the call, with the time of the next
    one, so a worker that dies during the call is followed on the same schedule. A refusal (4xx) leaves
    the refund to the officers at once; no answer or a server error is tried again after
    `refund_retry_delay`, up to the last attempt (`conf.refund_max_attempts`). The last attempt left
    unanswered (or its worker stopped) may still have been made, so its outcome is asked of the platform
    at the next time (`_settle_unanswered_refund`) before the officers are told to hand the money back.
    Answers "done", "at_counter", "retry", "failed", "not_due" or "no_change"."""
    now = now or timezone.now()
    refund = Refund.objects.select_related("payment__dossier").filter(pk=refund_id).first()
    if refund is None or refund.status != RefundStatus.REQUESTED:
        return "no_change"
    payment = refund.payment
    if payment.method != Method.ONLINE:
        with transaction.atomic():
            if not Refund.objects.filter(pk=refund.pk, status=RefundStatus.REQUESTED).update(
                status=RefundStatus.AT_COUNTER, next_attempt_at=None
            ):
                return "no_change"
            _refund_event(
                refund,
                RefundStatus.AT_COUNTER,
                _("Hồ sơ được hoàn trả %(amount)s đồng (biên lai %(no)s) tại Bộ phận Một cửa; lý do: %(why)s.")
                % {"amount": vnd(refund.amount), "no": payment.receipt_number, "why": refund.reason},
            )
        return "at_counter"
    if refund.next_attempt_at > now:  # every refund waiting for the platform has its next time
        return "not_due"
    last_attempt = conf.refund_max_attempts()
    if refund.attempts >= last_attempt:  # the last attempt was made, but its answer never came or was lost
        return _settle_unanswered_refund(refund, now=now)
    attempt = refund.attempts + 1
    next_attempt_at = now + refund_retry_delay(attempt)
    claimed = Refund.objects.filter(
        pk=refund.pk, status=RefundStatus.REQUESTED, attempts=refund.attempts, next_attempt_at__lte=now
    ).update(attempts=attempt, next_attempt_at=next_attempt_at)
    if not claimed:  # another worker took this attempt
        return "no_change"
    try:
        platform.refund_payment(
            reference=payment.reference,
            refund_reference=refund.reference,
            amount=refund.amount,
            reason=refund.reason,
        )
    except platform.PlatformError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            return _give_up_refund(refund.pk, error=str(exc), now=now, refused=True)
        # Tried again at `next_attempt_at`; after the last attempt, its outcome is asked for then.
        return _retry_later(refund, exc, why=f"attempt {attempt} failed, next at {next_attempt_at}")
    return _made_by_platform(
        refund.pk, _("Đã hoàn trả %(amount)s đồng qua Nền tảng thanh toán; lý do: %(why)s."), now=now
    )


def _retry_later(refund: Refund, error: Exception, *, why: str, next_attempt_at: dt.datetime | None = None) -> str:
    """No answer from the platform, or its server error: the refund stays requested until its next time
    (`next_attempt_at` when given; else the one the attempt set when it claimed it), keeping the error for
    the officers. Not history: a transient failure is not something they act on."""
    changes = {"last_error": str(error)[:500]}
    if next_attempt_at is not None:
        changes["next_attempt_at"] = next_attempt_at
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.REQUESTED).update(**changes)
    logger.warning("refund %s: %s: %s", refund.reference, why, error)
    return "retry"


def _made_by_platform(refund_id: int, note: str, *, now) -> str:
    """The platform made the refund: it is done (`note` takes the amount and the reason), unless it was
    settled meanwhile."""
    with transaction.atomic():
        refund = _refund_for_update(refund_id)
        if refund is None or refund.status != RefundStatus.REQUESTED:
            return "no_change"
        _finish_refund(refund, note=note % {"amount": vnd(refund.amount), "why": refund.reason}, at=now)
    return "done"


def _settle_unanswered_refund(refund: Refund, *, now) -> str:
    """The last attempt got no answer, or its worker stopped during the call: the platform may have made
    the refund. Ask it (the payment's status) before leaving the refund to the officers, who
    would otherwise hand the money back a second time. Made, it is done; not made, the officers take
    over; no answer, the question is asked again after the longest wait, and nothing goes to the counter
    meanwhile."""
    try:
        remote = platform.query_payment(refund.payment.reference)
    except platform.PlatformError as exc:
        return _retry_later(
            refund,
            exc,
            why="outcome of the last attempt unknown, asking again later",
            next_attempt_at=now + dt.timedelta(seconds=conf.refund_retry_max_seconds()),
        )
    if remote.status != PaymentStatus.REFUNDED:  # one refund per payment, of all it paid
        return _give_up_refund(refund.pk, now=now)
    return _made_by_platform(
        refund.pk,
        _(
            "Đã hoàn trả %(amount)s đồng qua Nền tảng thanh toán (xác nhận bằng tra cứu sau lần gửi cuối không "
            "nhận được trả lời); lý do: %(why)s."
        ),
        now=now,
    )


def _give_up_refund(refund_id: int, *, now, error: str = "", refused: bool = False) -> str:
    """The platform will not make this refund (it refused, or the last attempt failed): the refund fails
    and the history row tells the officers to hand the money back themselves."""
    with transaction.atomic():
        refund = _refund_for_update(refund_id)
        if refund is None or refund.status != RefundStatus.REQUESTED:
            return "no_change"
        refund.status, refund.next_attempt_at = RefundStatus.FAILED, None
        refund.last_error = (error or refund.last_error)[:500]
        refund.save(update_fields=["status", "next_attempt_at", "last_error"])
        if refused:
            note = _("Hoàn trả %(amount)s đồng không thành công; cán bộ cần xử lý thủ công.")
        else:
            note = _(
                "Hoàn trả %(amount)s đồng không thành công sau %(n)s lần gửi Nền tảng thanh toán; "
                "cán bộ cần xử lý thủ công."
            )
        _refund_event(
            refund,
            RefundStatus.FAILED,
            note % {"amount": vnd(refund.amount), "n": refund.attempts},
            at=now,
            attempts=refund.attempts,
        )
    return "failed"


def _refund_for_update(refund_id: int) -> Refund | None:
    return Refund.objects.select_for_update().select_related("payment__dossier").filter(pk=refund_id).first()


def _finish_refund(refund: Refund, *, note: str, at, actor=None) -> None:
    """A refund is done, whoever gave the money back (the platform, or the counter): the refund is done,
    its payment refunded, and the history row says how. In the caller's transaction, which holds the
    refund's row locked and has checked that it may be finished."""
    refund.status, refund.completed_at, refund.last_error = RefundStatus.DONE, at, ""
    refund.next_attempt_at = None
    refund.save(update_fields=["status", "completed_at", "last_error", "next_attempt_at"])
    payment = refund.payment
    payment.status = PaymentStatus.REFUNDED
    payment.save(update_fields=["status"])
    _refund_event(refund, RefundStatus.DONE, note, actor=actor, at=at)


def _refund_locked(refund_id: int, actor) -> Refund:
    refund = _refund_for_update(refund_id)
    if refund is None:
        raise DossierNotFound(_("Không tìm thấy khoản hoàn trả."))
    if not perms.is_counter_officer(refund.payment.dossier, actor):
        raise ActionForbidden(
            _("Chỉ cán bộ Bộ phận Một cửa của cơ quan tiếp nhận được xử lý hoàn trả của hồ sơ %(code)s.")
            % {"code": refund.payment.dossier.code}
        )
    return refund


def complete_refund_at_counter(*, refund_id: int, actor, note: str = "", at=None) -> Refund:
    """The counter hands the fee back (a cash or bank payment, or an online refund the platform could
    not make): the refund is done, the payment refunded, and the history says who gave it back."""
    at = at or timezone.now()
    with transaction.atomic():
        refund = _refund_locked(refund_id, actor)
        if refund.status not in HANDED_BACK_AT_COUNTER:
            raise TransitionNotAllowed(
                _("Khoản hoàn trả %(ref)s đang ở trạng thái “%(state)s”, không ghi nhận hoàn trả tại quầy được.")
                % {"ref": refund.reference, "state": RefundStatus(refund.status).label},
                current_status=refund.status,
            )
        payment = refund.payment
        _finish_refund(
            refund,
            note=_("Đã hoàn trả %(amount)s đồng tại Bộ phận Một cửa (biên lai %(no)s).")
            % {"amount": vnd(refund.amount), "no": payment.receipt_number or payment.reference}
            + (f" {note.strip()}" if note.strip() else ""),
            actor=actor,
            at=at,
        )
    return refund


def retry_refund(*, refund_id: int, actor, at=None) -> Refund:
    """Send an online refund the platform did not make to it again (after the cause was fixed): the
    schedule starts over, with a first attempt at once and the full number of attempts."""
    from . import tasks

    at = at or timezone.now()
    with transaction.atomic():
        refund = _refund_locked(refund_id, actor)
        if refund.status != RefundStatus.FAILED or refund.payment.method != Method.ONLINE:
            raise TransitionNotAllowed(
                _("Chỉ thử lại được khoản hoàn trả trực tuyến không thành công (%(ref)s đang “%(state)s”).")
                % {"ref": refund.reference, "state": RefundStatus(refund.status).label},
                current_status=refund.status,
            )
        attempts_before = refund.attempts
        refund.status, refund.last_error = RefundStatus.REQUESTED, ""
        refund.attempts, refund.next_attempt_at = 0, at
        refund.save(update_fields=["status", "last_error", "attempts", "next_attempt_at"])
        _refund_event(
            refund,
            RefundStatus.REQUESTED,
            _("Cán bộ gửi lại yêu cầu hoàn trả %(amount)s đồng tới Nền tảng thanh toán.")
            % {"amount": vnd(refund.amount)},
            actor=actor,
            at=at,
            attempts_before=attempts_before,
        )
        transaction.on_commit(lambda: tasks.refund_payment.delay(refund.pk))
    return refund
