"""Forms of the counter's money actions on the officers' dossier screen (/can-bo/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.forms import add_service_errors
from dossiers.services import DossierError

from .models import Method


class CounterPaymentForm(forms.Form):
    """A fee paid in cash or at a bank, recorded with its receipt number; the amount is what is left to
    pay, so the screen does not ask for it."""

    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[(Method.CASH, _("Tiền mặt")), (Method.BANK, _("Chuyển khoản ngân hàng"))],
        error_messages={
            "required": _("Chọn hình thức nộp: tiền mặt hoặc chuyển khoản ngân hàng."),
            "invalid_choice": _("Chọn hình thức nộp: tiền mặt hoặc chuyển khoản ngân hàng."),
        },
    )
    receipt_number = forms.CharField(
        label=_("Số biên lai"),
        max_length=64,
        error_messages={"required": _("Phải ghi số biên lai thu phí, lệ phí.")},
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def add_service_refusal(self, error: DossierError) -> None:
        """A service's refusal: its field errors on the fields they name (a receipt number already used);
        when it names none of this form's fields, its message on the form."""
        add_service_errors(self, error)
        if not any(field in self.fields for field in error.errors):
            self.add_error(None, error.message)


class RefundHandBackForm(forms.Form):
    """A refund handed back at the counter, with an optional note for the history."""

    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Ghi chú dài tối đa %(limit_value)d ký tự.")},
    )
