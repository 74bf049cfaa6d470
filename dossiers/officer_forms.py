"""Forms of the officers' screens (/can-bo/). The action forms are those of `dossiers.forms`, with the
officer fields turned into lists of the people who may take the step; the counter receipt form adds the
procedure's document checklist (paper copy and an optional file per component)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.models import Agency, Membership, Procedure, ReturnChannel, StaffRole

from . import permissions as perms
from .forms import ACTION_FORMS, CounterDossierForm, upload_field, upload_hint
from .models import Action, Dossier
from .services import DocumentInput, InvalidInput, check_complete

# The field of each action form that names an officer, and which step's agency he must belong to.
_OFFICER_FIELDS = {Action.START: "assignee", Action.COMPLETE_STEP: "assignee", Action.ASSIGN: "main"}


def officer_choices(agency_id: int | None, role: str | None = None) -> list[tuple[str, str]]:
    """(username, "Full name (username)") of the staff of an agency, the step's role first."""
    if agency_id is None:
        return []
    rows = (
        Membership.objects.filter(agency_id=agency_id)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    seen, first, rest = set(), [], []
    for m in rows:
        if m.user_id in seen or not m.user.is_active:
            continue
        seen.add(m.user_id)
        label = f"{m.user.get_full_name() or m.user.username} ({m.user.username}) — {m.get_role_display()}"
        (first if role is None or m.role == role else rest).append((m.user.username, label))
    return first + rest


def action_form(action: str, dossier: Dossier, data=None, files=None):
    """The admin's form for `action`, bound to `data` (and `files`) when given, with pick lists of officers."""
    form = ACTION_FORMS[action](data, files, dossier=dossier)
    field_name = _OFFICER_FIELDS.get(action)
    if field_name in form.fields:
        if action == Action.ASSIGN:
            step = dossier.current_step
            agency_id, role = (step.agency_id, step.role) if step else (None, None)
        else:
            target = dossier.step_to_open(action)
            agency_id = dossier.agency_of(target) if target else None
            role = target.role if target else None
        choices = officer_choices(agency_id, role)
        field = form.fields[field_name]
        field.widget = forms.Select(choices=[("", _("— Không chỉ định —")), *choices])
        if action != Action.ASSIGN:
            field.label = _("Cán bộ thụ lý bước tiếp theo")
        else:
            field.label = _("Thụ lý chính")
    if action == Action.ASSIGN:
        # Co-handlers and followers are picked from the staff of the step's agency, never typed.
        step = dossier.current_step
        staff = officer_choices(step.agency_id) if step is not None else []
        for name, label in (("co_handlers", _("Phối hợp")), ("followers", _("Theo dõi"))):
            if name in form.fields:
                form.fields[name] = forms.MultipleChoiceField(
                    label=label, choices=staff, required=False, widget=forms.CheckboxSelectMultiple
                )
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 3
            field.widget.attrs.pop("cols", None)
    form.auto_id = f"id_{action}_%s"
    return form


class OfficerCounterForm(CounterDossierForm):
    """Receive a dossier at the counter for a chosen procedure, with its documents checklist."""

    documents_complete = None  # the checklist below says, component by component
    # The name of the second submit button: ask for a supplement instead of receiving (DOMAIN §2).
    SUPPLEMENT_BUTTON = "yeu_cau_bo_sung"

    missing_extra = forms.CharField(
        label=_("Giấy tờ cần bổ sung, sửa đổi thêm (mỗi dòng một mục)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Chỉ dùng khi yêu cầu bổ sung: các giấy tờ bắt buộc chưa nhận được tự đưa vào phiếu yêu cầu; ghi thêm ở "
            "đây giấy tờ cần sửa đổi và lý do (ví dụ: Tờ khai — ghi sai ngày sinh)."
        ),
    )

    def __init__(self, *args, procedure: Procedure, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.asks_supplement = self.is_bound and self.SUPPLEMENT_BUTTON in self.data
        self.procedure = procedure
        self.fields["procedure"].widget = forms.HiddenInput()
        self.initial.setdefault("procedure", procedure.pk)
        agencies = Agency.objects.filter(is_active=True)
        if not getattr(user, "is_superuser", False):
            agencies = agencies.filter(pk__in=perms.agencies_of(user, StaffRole.COUNTER))
        self.fields["receiving_agency"].queryset = agencies
        self.fields["receiving_agency"].empty_label = None
        channels = procedure.return_channels or ReturnChannel.values
        self.fields["return_channel"].choices = [(v, lbl) for v, lbl in ReturnChannel.choices if v in channels]
        if ReturnChannel.COUNTER not in channels:
            self.fields["return_channel"].initial = channels[0]
        self.fields["summary"].widget = forms.Textarea(attrs={"rows": 2})
        self.fields["note"].widget = forms.Textarea(attrs={"rows": 2})
        self.fields["note"].label = _("Ghi chú tiếp nhận")
        self.fields["note"].help_text = _("Ghi chú của cán bộ tiếp nhận; không phải nội dung kết quả giải quyết.")
        self.components = list(procedure.documents.all())
        for doc in self.components:
            self.fields[f"paper_{doc.code}"] = forms.BooleanField(label=doc.name, required=False)
            self.fields[f"file_{doc.code}"] = upload_field(_("Tệp scan (có thể chọn nhiều tệp)"), multiple=True)

    def upload_hint(self) -> str:
        return upload_hint()

    def checklist(self):
        """(component, paper-copy field, file field) rows for the template."""
        return [(doc, self[f"paper_{doc.code}"], self[f"file_{doc.code}"]) for doc in self.components]

    def clean_procedure(self):
        procedure = self.cleaned_data["procedure"]
        if procedure.pk != self.procedure.pk:
            raise forms.ValidationError(_("Thủ tục không khớp với danh mục giấy tờ đã hiển thị."))
        return procedure

    def clean(self):
        data = super().clean()
        if self.asks_supplement:
            if not self.missing_documents():
                raise forms.ValidationError(
                    _(
                        "Hồ sơ đã đủ các thành phần bắt buộc: hãy bấm “Tiếp nhận và cấp mã hồ sơ”, hoặc ghi giấy tờ "
                        "cần sửa đổi để yêu cầu bổ sung."
                    )
                )
            return data
        try:  # the service's refusal, shown with the form's other errors before anything is written
            check_complete(procedure=self.procedure, documents=self.documents())
        except InvalidInput as refusal:
            raise forms.ValidationError(refusal.message) from None
        return data

    def missing_documents(self) -> list[dict]:
        """The one complete list a supplement request gives: every required component not handed in, then what the
        officer wrote (one item a line, "name — reason")."""
        given = {d.component for d in self.documents()}
        items = [
            {"component": d.code, "name": d.name, "reason": str(_("Chưa nộp"))}
            for d in self.components
            if d.required and d.code not in given
        ]
        for line in (self.cleaned_data.get("missing_extra") or "").splitlines():
            name, _dash, reason = (part.strip() for part in line.partition(" — "))
            if name:
                items.append({"name": name, "reason": reason} if reason else {"name": name})
        return items

    def documents(self) -> list[DocumentInput]:
        found = []
        for doc in self.components:
            uploads = self.cleaned_data.get(f"file_{doc.code}") or []
            paper = bool(self.cleaned_data.get(f"paper_{doc.code}"))
            if uploads:  # the scanned pages: the files of one version of the component
                found.extend(
                    DocumentInput(component=doc.code, name=doc.name, file=upload, paper_copy=paper)
                    for upload in uploads
                )
            elif paper:
                found.append(DocumentInput(component=doc.code, name=doc.name, paper_copy=True))
        return found

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("paper_") and not k.startswith("file_")}
        data.pop("missing_extra", None)
        if self.asks_supplement:
            data["missing_documents"] = self.missing_documents()
        return dict(data, channel="counter", documents=self.documents())


def procedure_choices():
    return Procedure.objects.filter(is_active=True).select_related("field").order_by("field__name", "code")
