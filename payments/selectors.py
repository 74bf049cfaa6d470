"""Reading fees and payments, for the services, the dossier screens, the tracking page and the reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Action, Channel, DocumentVersion, Dossier, DossierEvent, Status
from dossiers.services import DossierNotFound
from onestop.formats import vnd
from workflows.models import OnlineLevel, ReturnChannel

from .models import (
    HANDED_BACK_AT_COUNTER,
    Charge,
    ChargeKind,
    FeeExemption,
    FeeItem,
    Method,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)


# -- amounts (read by the services too) ---------------------------------------------------------------
def compute_fees(dossier: Dossier, *, on: dt.date) -> tuple[int, list[dict]]:
    """The procedure's fee and charge items less the province's exemptions valid on `on`. Each item
    takes the largest exemption that applies to it (exemptions do not stack)."""
    items = [
        {"item": i.pk, "kind": i.kind, "name": i.name, "amount": int(i.amount)}
        for i in FeeItem.objects.filter(procedure_id=dossier.procedure_id).order_by("order", "id")
    ]
    if not items and dossier.fee_amount:
        items = [{"item": None, "kind": "charge", "name": _("Phí, lệ phí"), "amount": int(dossier.fee_amount)}]
    exemptions = list(
        FeeExemption.objects.filter(Q(procedure_id=dossier.procedure_id) | Q(procedure__isnull=True))
        .filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    )
    if dossier.channel != "online":
        exemptions = [e for e in exemptions if not e.online_only]
    total = 0
    for line in items:
        fitting = [e for e in exemptions if e.fee_item_id is None or e.fee_item_id == line["item"]]
        best = max(fitting, key=lambda e: e.percent, default=None)
        reduction = line["amount"] * best.percent // 100 if best else 0
        line["due"] = line["amount"] - reduction
        if best:
            line["exemption"] = {
                "id": best.pk,
                "name": best.name,
                "percent": best.percent,
                "legal_basis": best.legal_basis,
                "reduction": reduction,
            }
        total += line["due"]
    return total, items


@dataclass
class Amounts:
    due: int
    paid: int
    paid_online: int
    computed: bool  # False: an estimate, the dossier has no charge yet
    ended_without_result: bool  # `Dossier.ended_without_result`

    @property
    def outstanding(self) -> int:
        """What is left to pay: nothing once the dossier ended without a result (what was paid may be
        refunded)."""
        if self.ended_without_result:
            return 0
        return max(0, self.due - self.paid)


def _due(dossier: Dossier, charges: list[tuple[str, int]]) -> tuple[int, bool]:
    """What the dossier owes in all, from its charges (`(kind, amount)`); before its base charge is set, an
    estimate from the procedure's fees (False beside it)."""
    if any(kind == ChargeKind.BASE for kind, _a in charges):
        return sum(a for _k, a in charges), True
    due = compute_fees(dossier, on=timezone.localdate(dossier.received_at or timezone.now()))[0]
    return due + sum(a for _k, a in charges), False


def amounts(dossier: Dossier) -> Amounts:
    """What the dossier owes, what has been paid (refunded money no longer counts) and what is left. Every
    reader of what is left (the fee card, the API, the start gate, the services) reads `outstanding`."""
    due, computed = _due(dossier, list(Charge.objects.filter(dossier_id=dossier.pk).values_list("kind", "amount")))
    paid = Payment.objects.filter(dossier_id=dossier.pk, status=PaymentStatus.PAID).aggregate(
        total=Sum("amount"), online=Sum("amount", filter=Q(method=Method.ONLINE))
    )
    return Amounts(
        due=due,
        paid=paid["total"] or 0,
        paid_online=paid["online"] or 0,
        computed=computed,
        ended_without_result=dossier.ended_without_result,
    )


def outstanding_amounts(dossiers) -> dict[int, int]:
    """`amounts(d).outstanding` of each of `dossiers` that still owes something, for a whole list in two
    queries (the charges, the payments), plus the fee rules of those not yet charged."""
    keys = [d.pk for d in dossiers]
    charges: dict[int, list] = {key: [] for key in keys}
    for key, kind, amount in Charge.objects.filter(dossier_id__in=keys).values_list("dossier_id", "kind", "amount"):
        charges[key].append((kind, amount))
    paid = dict(
        Payment.objects.filter(dossier_id__in=keys, status=PaymentStatus.PAID)
        .values("dossier_id")
        .annotate(total=Sum("amount"))
        .values_list("dossier_id", "total")
    )
    owed = {}
    for dossier in dossiers:
        due, computed = _due(dossier, charges[dossier.pk])
        left = Amounts(due, paid.get(dossier.pk) or 0, 0, computed, dossier.ended_without_result).outstanding
        if left:
            owed[dossier.pk] = left
    return owed


def dossier_refund(*, dossier: Dossier, reference: str) -> Refund:
    """The dossier's refund with this reference (the API and the officers' screen act on it by reference);
    a reference that is not the dossier's is not found."""
    refund = Refund.objects.select_related("payment").filter(reference=reference, payment__dossier=dossier).first()
    if refund is None:
        raise DossierNotFound(
            _("Hồ sơ %(code)s không có khoản hoàn trả %(ref)s.") % {"code": dossier.code, "ref": reference}
        )
    return refund


def refunds_due(now: dt.datetime) -> QuerySet:
    """Refunds still being made whose next attempt is due at `now`, the longest waiting first (the sweep's
    query, served by the index refund_due_attempt)."""
    return Refund.objects.filter(status=RefundStatus.REQUESTED, next_attempt_at__lte=now).order_by("next_attempt_at")


def must_pay_online(dossier: Dossier) -> bool:
    """DOMAIN §3: a full-online dossier (a full-online procedure, filed online) pays online."""
    return dossier.channel == "online" and dossier.procedure.online_level == OnlineLevel.FULL


def accepts_payment(dossier: Dossier) -> bool:
    """Fees are paid while the dossier is open, or when its result is handed over."""
    return dossier.is_open or dossier.status == Status.RESOLVED


def online_payment_in_progress(dossier: Dossier, at=None) -> bool:
    """Whether the applicant has an online payment started and not yet expired: the counter does not
    collect meanwhile (the same fee would be paid twice)."""
    return Payment.objects.filter(
        dossier_id=dossier.pk, method=Method.ONLINE, status=PaymentStatus.PENDING, expires_at__gt=at or timezone.now()
    ).exists()


def payment_summary(dossier: Dossier, *, public: bool = False) -> dict:
    """Everything a person needs to know about the dossier's fees: what it owes, what was paid, how,
    the receipt number, and, while something is left to pay, what to pay and where. `public=True`
    (the tracking page) leaves out the list of payments with the officers who recorded them. Times are
    datetimes; the API writes them as text (`serializers.payment_section`)."""
    figures = amounts(dossier)
    payments = list(
        Payment.objects.filter(dossier_id=dossier.pk).select_related("recorded_by").order_by("created_at", "id")
    )
    refunds = {r.payment_id: r for r in Refund.objects.filter(payment__dossier_id=dossier.pk)}
    charges = list(Charge.objects.filter(dossier_id=dossier.pk).order_by("id"))
    paid = [p for p in payments if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)]
    last_paid = paid[-1] if paid else None
    pending = next(
        (p for p in reversed(payments) if p.status == PaymentStatus.PENDING and p.method == Method.ONLINE), None
    )
    online_only = must_pay_online(dossier)
    owed = figures.outstanding
    refunded = any(p.status == PaymentStatus.REFUNDED for p in payments)
    if figures.due == 0:
        status = "none"
    elif figures.ended_without_result and figures.paid == 0 and not refunded:
        status = "not_due"
    elif figures.paid == 0 and refunded:
        status = "refunded"
    elif owed == 0:
        status = "paid"
    elif pending is not None:
        status = "pending"
    else:
        status = "unpaid"
    labels = {
        "none": _("Không thu phí, lệ phí"),
        "not_due": _("Không phải nộp (hồ sơ đã kết thúc mà chưa giải quyết)"),
        "unpaid": _("Chưa nộp phí, lệ phí"),
        "pending": _("Đang chờ thanh toán trực tuyến"),
        "paid": _("Đã nộp đủ phí, lệ phí"),
        "refunded": _("Đã hoàn trả phí, lệ phí"),
    }
    what_to_pay = ""
    if owed > 0 and accepts_payment(dossier):
        if online_only:
            what_to_pay = _("Nộp %(amount)s đồng trực tuyến qua Nền tảng thanh toán của Cổng Dịch vụ công quốc gia.")
        else:
            what_to_pay = _("Nộp %(amount)s đồng trực tuyến hoặc tại Bộ phận Một cửa khi nhận kết quả.")
        what_to_pay %= {"amount": vnd(owed)}
    items = []
    for charge in charges if figures.computed else []:
        for line in charge.items:
            items.append({**line, "charge": charge.kind})
    exemptions = [{"item": line["name"], **line["exemption"]} for line in items if line.get("exemption")]
    summary = {
        "has_fee": figures.due > 0,
        # The province's exemptions applied to this dossier (an online filing's waiver among them).
        "exemptions": exemptions,
        "amount_due": figures.due,
        "amount_due_is_estimate": not figures.computed,
        "paid_amount": figures.paid,
        "outstanding": owed,
        "status": status,
        "status_label": str(labels[status]),
        "must_pay_online": online_only and figures.due > 0,
        "method": last_paid.method if last_paid else None,
        "method_label": str(Method(last_paid.method).label) if last_paid else None,
        "receipt_number": last_paid.receipt_number if last_paid else None,
        "paid_at": last_paid.paid_at if last_paid else None,
        "what_to_pay": what_to_pay,
        "collectable_at_counter": owed > 0
        and accepts_payment(dossier)
        and not online_only
        and not online_payment_in_progress(dossier),
        "pay_url": pending.pay_url if pending is not None and owed > 0 else None,
        "pay_expires_at": pending.expires_at if pending is not None and owed > 0 else None,
        "financial_obligation": any(c.kind == ChargeKind.ADDITIONAL for c in charges),
        "items": items,
        "payments": [
            {
                "id": p.pk,
                "reference": p.reference,
                "method": p.method,
                "status": p.status,
                "status_label": str(PaymentStatus(p.status).label),
                "amount": p.amount,
                "receipt_number": p.receipt_number,
                "created_at": p.created_at,
                "paid_at": p.paid_at,
                "expires_at": p.expires_at,
                "recorded_by": p.recorded_by.get_username() if p.recorded_by else None,
                "refund": (
                    {
                        "reference": refunds[p.pk].reference,
                        "status": refunds[p.pk].status,
                        "status_label": str(RefundStatus(refunds[p.pk].status).label),
                        "can_hand_back": refunds[p.pk].status in HANDED_BACK_AT_COUNTER,
                        "amount": refunds[p.pk].amount,
                        "attempts": refunds[p.pk].attempts,
                        "next_attempt_at": refunds[p.pk].next_attempt_at,
                        "completed_at": refunds[p.pk].completed_at,
                    }
                    if p.pk in refunds
                    else None
                ),
            }
            for p in payments
        ],
    }
    if public:
        del summary["payments"]
    return summary


def _paid_online(dossier_ref) -> Exists:
    return Exists(
        Payment.objects.filter(
            dossier_id=dossier_ref, method=Method.ONLINE, status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED)
        )
    )


def _with_fee_condition() -> Q:
    """A dossier has a fee when a positive amount was charged to it, or, before its fees were
    computed, when its procedure's fee is positive (a dossier exempted down to nothing has none)."""
    charged = Exists(Charge.objects.filter(dossier_id=OuterRef("pk"), amount__gt=0))
    computed = Exists(Charge.objects.filter(dossier_id=OuterRef("pk"), kind=ChargeKind.BASE))
    return Q(charged) | (~Q(computed) & Q(fee_amount__gt=0))


def online_payment_inputs(dossiers: QuerySet) -> dict[str, int]:
    """The online payment rate's inputs (004 note 5): numerator, the dossiers paid online; denominator,
    the dossiers with a fee (the numerator's dossiers are always among them)."""
    with_fee = dossiers.filter(_with_fee_condition())
    return {
        "numerator": with_fee.filter(_paid_online(OuterRef("pk"))).count(),
        "denominator": with_fee.count(),
    }


def is_fully_online(dossier: Dossier) -> bool:
    """Hồ sơ xử lý trực tuyến toàn trình (000): submitted online; paid online when there is a fee;
    processed to a result; the result electronic; returned online or by post; and the applicant never
    had to come in person or hand over paper."""
    if dossier.channel != Channel.ONLINE or dossier.procedure.online_level == OnlineLevel.NONE:
        return False
    if dossier.status not in (Status.RESOLVED, Status.RETURNED):
        return False
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("seq").values("action", "actor_id", "data")
    )
    if not events or events[0]["action"] != Action.SUBMIT:
        return False
    figures = amounts(dossier)
    if figures.due > 0 and (figures.paid_online < figures.due or figures.paid > figures.paid_online):
        return False
    if Payment.objects.filter(dossier_id=dossier.pk, status=PaymentStatus.PAID).exclude(method=Method.ONLINE).exists():
        return False
    documents = DocumentVersion.objects.filter(dossier_id=dossier.pk)
    if not documents.filter(is_result=True, paper_copy=False).exclude(file="").exists():
        return False
    if documents.filter(paper_copy=True, is_result=False).exists():
        return False
    # A supplement handed in by someone other than the applicant means he came to the counter.
    if any(e["action"] == Action.SUBMIT_SUPPLEMENT and e["actor_id"] != dossier.applicant_user_id for e in events):
        return False
    returned = [e for e in events if e["action"] == Action.RETURN_RESULT]
    channel = (returned[-1]["data"] or {}).get("channel") if returned else dossier.return_channel
    return channel in (ReturnChannel.ONLINE, ReturnChannel.POST)
