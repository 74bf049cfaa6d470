"""The counter's money actions on the officers' dossier screen (/can-bo/): record a fee paid in cash or
at a bank, and record a refund handed back. Thin: each calls its service and returns to the dossier."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import permissions as perms
from dossiers.officer_views import dossier_or_404, officer_required, render_dossier
from dossiers.services import DossierError
from onestop.formats import vnd

from . import selectors, services
from .forms import CounterPaymentForm, RefundHandBackForm


def fee_card(request, dossier, extra: dict) -> dict | None:
    """The context of the fee card (templates/payments/officer/fee_card.html) on the officers' dossier screen:
    the fee section with its amounts written out, whether the user works the counter, and the counter-payment
    form as typed when it was refused (`extra`). None for a dossier with no fee and no exemption."""
    fee = selectors.payment_summary(dossier, public=False)
    if not fee or not (fee.get("has_fee") or fee.get("exemptions")):
        return None
    fee["money"] = {k: vnd(fee.get(k) or 0) for k in ("amount_due", "paid_amount", "outstanding")}
    for line in fee.get("items", []):
        line["due_text"] = vnd(line.get("due", line.get("amount", 0)))
    for exemption in fee["exemptions"]:
        exemption["reduction_text"] = vnd(exemption.get("reduction", 0))
    return {
        "fee": fee,
        "is_counter": perms.is_counter_officer(dossier, request.user),
        "counter_form": extra.get("counter_form"),
    }


@officer_required
@require_POST
def counter_payment(request, code):
    """Record a fee paid at the counter. Bad input or a refusal shows the dossier screen again (4xx) with
    the form as typed, its problems on its fields, and nothing recorded."""
    dossier = dossier_or_404(request.user, code)
    form = CounterPaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.record_counter_payment(dossier=dossier, actor=request.user, **form.cleaned_data)
        except DossierError as error:
            form.add_service_refusal(error)
            why, status = error.message, error.status
        else:
            messages.success(
                request,
                _("Đã ghi nhận thu %(amount)s đồng, biên lai số %(no)s.")
                % {"amount": vnd(payment.amount), "no": payment.receipt_number},
            )
            return redirect("officer:dossier", code=code)
    else:
        why, status = _("vui lòng kiểm tra lại các ô được đánh dấu ở mục Phí, lệ phí."), 400
    messages.error(request, _("Chưa ghi nhận thu phí: %(why)s") % {"why": why})
    return render_dossier(request, dossier_or_404(request.user, code), status=status, extra={"counter_form": form})


@officer_required
@require_POST
def refund_handed_back(request, code, reference):
    dossier = dossier_or_404(request.user, code)
    form = RefundHandBackForm(request.POST)
    if not form.is_valid():  # the screen again (400) with the reason; nothing recorded
        messages.error(request, _("Chưa ghi nhận hoàn trả: %(why)s") % {"why": " ".join(form.errors["note"])})
        return render_dossier(request, dossier, status=400)
    try:
        refund = selectors.dossier_refund(dossier=dossier, reference=reference)
        services.complete_refund_at_counter(refund_id=refund.pk, actor=request.user, note=form.cleaned_data["note"])
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi nhận hoàn trả %(amount)s đồng.") % {"amount": vnd(refund.amount)})
    return redirect("officer:dossier", code=code)
