"""The applicant's forms. The e-form's documents are the procedure's own list: their files come as
`doc-<component>` (several per component) and earlier files to reuse as `reuse` (version ids)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.models import RatingValue
from workflows.models import ReturnChannel


class FilingForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại nhận thông báo"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử nhận thông báo"), required=False)
    summary = forms.CharField(label=_("Trích yếu (nội dung yêu cầu)"), max_length=1000, required=False)
    receiving_agency = forms.TypedChoiceField(label=_("Nơi nộp hồ sơ"), coerce=int)
    return_channel = forms.ChoiceField(label=_("Nhận kết quả"), widget=forms.RadioSelect)
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, procedure, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = procedure.return_channels or ReturnChannel.values
        self.fields["return_channel"].choices = [(v, label) for v, label in ReturnChannel.choices if v in allowed]
        self.fields["receiving_agency"].choices = [(a.pk, a.name) for a in agencies]
        if len(agencies) == 1:
            self.fields["receiving_agency"].widget = forms.HiddenInput()


class NotificationForm(forms.Form):
    email = forms.BooleanField(label=_("Nhận thông báo qua thư điện tử"), required=False)
    sms = forms.BooleanField(label=_("Nhận thông báo qua tin nhắn SMS"), required=False)


class SupplementForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú cho cán bộ"), max_length=1000, required=False, widget=forms.Textarea)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy cho biết lý do rút hồ sơ.")},
    )


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Mức độ hài lòng"),
        choices=RatingValue.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn một mức độ hài lòng.")},
    )
    comment = forms.CharField(label=_("Góp ý (không bắt buộc)"), max_length=2000, required=False, widget=forms.Textarea)
