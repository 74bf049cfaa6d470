"""Refunds: requested when a paid dossier is refused or withdrawn, made on the platform or at the counter."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions as perms
from dossiers.models import Dossier
from dossiers.services import ActionForbidden, DossierNotFound, TransitionNotAllowed, record_event
from onestop.formats import vnd

from .. import conf, platform
from ..models import HANDED_BACK_AT_COUNTER, Method, Payment, PaymentStatus, Refund, RefundStatus
from .charges import HISTORY_ACTION, _new_reference, _payment_data

logger = logging.getLogger("onestop.payments")

REFUND_ACTIONS = {"refuse": _("từ chối tiếp nhận"), "withdraw": _("công dân rút hồ sơ")}


def request_refunds(*, dossier: Dossier, action: str) -> list[Refund]:
    """Called inside the refusal or withdrawal's transaction: one refund per paid payment, due at once and
    carried out after commit by a task (platform call for online payments; the counter for cash and
    bank). The sweep makes the attempts that follow, and the first one too if the task is lost."""
    if action not in REFUND_ACTIONS or not conf.refunds_enabled():
        return []
    from .. import tasks

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
            transaction.on_commit(lambda pk=refund.pk: tasks.refund_soon(pk))
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
    from .. import tasks

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
        transaction.on_commit(lambda: tasks.refund_soon(refund.pk))
    return refund
