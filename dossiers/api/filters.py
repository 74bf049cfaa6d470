"""The worklist query string (API.md): parsed and checked here, applied by `dossiers.selectors.worklist`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from dossiers.models import Status
from workflows.models import Agency, Procedure

BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class WorklistForm(forms.Form):
    status = forms.CharField(required=False)
    agency = forms.CharField(required=False)
    procedure = forms.CharField(required=False)
    overdue = forms.CharField(required=False)
    due_before = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("Ngày không đúng định dạng YYYY-MM-DD (ví dụ 2025-08-31).")},
    )
    assigned_to = forms.CharField(required=False)
    q = forms.CharField(required=False, max_length=200)

    def clean_status(self):
        values = [v.strip() for v in self.cleaned_data["status"].split(",") if v.strip()]
        unknown = [v for v in values if v not in Status.values]
        if unknown:
            raise forms.ValidationError(
                _("Trạng thái không hợp lệ: %(bad)s. Chọn trong: %(ok)s.")
                % {"bad": ", ".join(unknown), "ok": ", ".join(Status.values)}
            )
        return values

    def clean_agency(self):
        code = self.cleaned_data["agency"].strip()
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
        return agency

    def clean_procedure(self):
        code = self.cleaned_data["procedure"].strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError(_("Không có thủ tục mã “%(code)s”.") % {"code": code})
        return procedure

    def clean_overdue(self):
        value = self.cleaned_data["overdue"].strip().lower()
        if not value:
            return None
        if value not in BOOLEAN_WORDS:
            raise forms.ValidationError(_("“overdue” chỉ nhận true hoặc false."))
        return BOOLEAN_WORDS[value]

    def clean_assigned_to(self):
        value = self.cleaned_data["assigned_to"].strip()
        if value not in ("", "me"):
            raise forms.ValidationError(_("“assigned_to” chỉ nhận giá trị “me”."))
        return value == "me"


def parse_worklist_query(query_params) -> dict:
    """The selector's keyword arguments, or a 400 naming each bad parameter."""
    form = WorklistForm(query_params)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    data = form.cleaned_data
    return {
        "status": data["status"],
        "agency": data["agency"],
        "procedure": data["procedure"],
        "overdue": data["overdue"],
        "due_before": data["due_before"],
        "assigned_to_me": data["assigned_to"],
        "q": data["q"],
    }


WORKLIST_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description="Trạng thái, có thể nhiều, cách nhau dấu phẩy."),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Mã định danh cơ quan (tiếp nhận hoặc giải quyết)."),
    OpenApiParameter("procedure", OpenApiTypes.STR, description="Mã TTHC."),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, description="true: đang tính thời hạn và đã quá hạn."),
    OpenApiParameter("due_before", OpenApiTypes.DATE, description="Hạn giải quyết trước ngày này (YYYY-MM-DD)."),
    OpenApiParameter("assigned_to", OpenApiTypes.STR, enum=["me"], description="me: hồ sơ tôi đang thụ lý."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Tìm theo mã hồ sơ, tên chủ hồ sơ, trích yếu."),
]
