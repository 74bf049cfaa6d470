"""Payments at the counter, and a financial obligation during processing (national status 6)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions as perms
from dossiers.models import Dossier, PauseReason, Status
from dossiers.services import ActionForbidden, DossierError, InvalidInput, pause_dossier, record_event, resume_dossier
from onestop.formats import vnd

from ..models import MAX_AMOUNT, Charge, ChargeKind, Method, Payment, PaymentStatus
from ..selectors import amounts, must_pay_online, online_payment_in_progress
from .charges import HISTORY_ACTION, _dossier_locked, _new_reference, _payable, _payment_data, ensure_base_charge
from .errors import NothingToPay, OnlinePaymentRequired, PaymentInProgress

logger = logging.getLogger("onestop.payments")


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


def _settle_obligation_later(dossier_id: int) -> None:
    transaction.on_commit(lambda: resume_if_settled(dossier_id=dossier_id))


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
