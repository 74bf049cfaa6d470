"""Small forms for the dossier actions, used by the admin and the officers' screens (`officer_forms` adapts
them): each collects one action's fields and turns them into the keyword arguments of the matching service
in `dossiers.services.ACTION_SERVICES`; `add_service_errors` puts a service's refusal on a form's fields."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from workflows.models import Agency, Procedure, ReturnChannel

from .limits import NOTE_MAX_LENGTH
from .models import Action, ApplicantKind, PauseReason, Result


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's per-field refusals (`DossierError.errors`) on the form's own fields."""
    for field, problems in (error.errors or {}).items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, [str(p) for p in problems])


class ActionForm(forms.Form):
    """The fields every action has: a note, and the record version the officer was looking at."""

    note_required = False
    note_label = _("Ghi chú")

    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["note"].required = self.note_required
        self.fields["note"].label = self.note_label
        if dossier is not None and not self.is_bound:
            self.initial.setdefault("version", dossier.version)

    def service_kwargs(self) -> dict:
        """The service's keyword arguments besides dossier and actor."""
        data = self.cleaned_data
        kwargs = {"note": data.get("note", "")}
        if data.get("version") is not None:
            kwargs["expected_version"] = data["version"]
        kwargs.update(self.action_kwargs())
        return kwargs

    def action_kwargs(self) -> dict:
        return {}


def _user_by_username(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return get_user_model().objects.get(username=value)
    except get_user_model().DoesNotExist:
        raise forms.ValidationError(
            _("Không tìm thấy cán bộ có tên đăng nhập “%(u)s”."), params={"u": value}, code="unknown_user"
        ) from None


def _usernames(value) -> list[str]:
    """Usernames typed one a line (or comma-separated), or picked from a list."""
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value if str(part).strip()]
    return [part.strip() for part in (value or "").replace(",", "\n").splitlines() if part.strip()]


class AssigneeMixin(forms.Form):
    assignee = forms.CharField(
        label=_("Cán bộ thụ lý bước tiếp theo (tên đăng nhập)"),
        required=False,
        help_text=_("Để trống: mọi cán bộ có vai trò của bước đều nhận được hồ sơ."),
    )

    def clean_assignee(self):
        return _user_by_username(self.cleaned_data.get("assignee"))


RESULT_COMPONENT = "ket-qua"

# How people name the accepted types (settings.DOCUMENT_ALLOWED_TYPES, checked by services.validate_upload).
_TYPE_NAMES = {".pdf": "PDF", ".jpg": "JPEG", ".png": "PNG", ".docx": "DOCX", ".xml": "XML"}


def upload_hint() -> str:
    """What an upload accepts, as the check that refuses it reads: types and the largest size."""
    names = [_TYPE_NAMES.get(ext, ext) for ext in settings.DOCUMENT_ALLOWED_TYPES.values()]
    return _("%(types)s, tối đa %(mb)s MB mỗi tệp.") % {
        "types": ", ".join(names),
        "mb": formats.number_format(settings.DOCUMENT_MAX_BYTES / 1024 / 1024, decimal_pos=0),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (the pages of one document); cleans to a list, empty when none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [found] if (found := super().clean(data, initial)) else []


def upload_field(label, *, multiple: bool = False, **kwargs) -> forms.FileField:
    """A file field whose hint and picker match what the upload check accepts; with `multiple`, several
    files (the pages of one document) cleaned to a list."""
    accept = ",".join([*settings.DOCUMENT_ALLOWED_TYPES.values(), *settings.DOCUMENT_ALLOWED_TYPES])
    field, widget = (MultipleFileField, MultipleFileInput) if multiple else (forms.FileField, forms.ClearableFileInput)
    return field(
        label=label,
        required=False,
        help_text=kwargs.pop("help_text", "") or upload_hint(),
        widget=widget(attrs={"accept": accept}),
        **kwargs,
    )


class DocumentUploadMixin(forms.Form):
    """One optional file for the actions that take documents, filed under a component of the procedure
    (or, where the action can end the process, as the result)."""

    offers_result = False

    document_component = forms.ChoiceField(label=_("Thành phần hồ sơ của tệp"), required=False)
    document_file = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["document_file"] = upload_field(
            _("Tệp đính kèm"),
            help_text=upload_hint() + " " + _("Tệp mới là phiên bản mới; phiên bản cũ vẫn được giữ."),
        )
        choices = [("", _("— Chọn thành phần —"))]
        if self.offers_result:
            choices.append((RESULT_COMPONENT, _("Kết quả giải quyết")))
        if dossier is not None:
            choices += [(d.code, d.name) for d in dossier.procedure.documents.order_by("order")]
        self.fields["document_component"].choices = choices

    def clean(self):
        data = super().clean()
        upload = data.get("document_file")
        if upload and not data.get("document_component"):
            self.add_error("document_component", _("Chọn thành phần hồ sơ cho tệp đính kèm."))
        if upload:
            from .services import InvalidInput, validate_upload

            try:
                validate_upload(upload)
            except InvalidInput as error:
                self.add_error("document_file", error.message)
        return data

    def documents(self) -> list:
        from .services import DocumentInput

        upload = self.cleaned_data.get("document_file")
        if not upload:
            return []
        component = self.cleaned_data["document_component"]
        name = _("Kết quả giải quyết") if component == RESULT_COMPONENT else ""
        return [DocumentInput(component=component, name=str(name), file=upload)]


class ReceiveForm(DocumentUploadMixin, ActionForm):
    """Accept an online filing. A required component it lacks may be handed in on paper at the counter: one
    box per such component (a dossier is received only complete)."""

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        from .selectors import missing_components

        self.lacking = missing_components(dossier=dossier) if dossier is not None else []
        for doc in self.lacking:
            self.fields[f"paper_{doc.code}"] = forms.BooleanField(
                label=_("Đã nhận bản giấy: %(name)s") % {"name": doc.name}, required=False
            )

    def documents(self) -> list:
        from .services import DocumentInput

        papers = [DocumentInput.paper_copy_of(d) for d in self.lacking if self.cleaned_data.get(f"paper_{d.code}")]
        return [*super().documents(), *papers]

    def action_kwargs(self):
        return {"documents": self.documents()}


class RefuseForm(ActionForm):
    note_required = True
    note_label = _("Lý do từ chối tiếp nhận")


class StartForm(AssigneeMixin, ActionForm):
    def action_kwargs(self):
        return {"assignee": self.cleaned_data.get("assignee")}


class AssignForm(ActionForm):
    main = forms.CharField(label=_("Thụ lý chính (tên đăng nhập)"), required=False)
    co_handlers = forms.CharField(
        label=_("Phối hợp (tên đăng nhập, mỗi dòng một người)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    followers = forms.CharField(
        label=_("Theo dõi (tên đăng nhập, mỗi dòng một người)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def clean_main(self):
        return _user_by_username(self.cleaned_data.get("main"))

    def clean_co_handlers(self):
        return [_user_by_username(u) for u in _usernames(self.cleaned_data.get("co_handlers"))]

    def clean_followers(self):
        return [_user_by_username(u) for u in _usernames(self.cleaned_data.get("followers"))]

    def action_kwargs(self):
        data = self.cleaned_data
        return {
            "main": data.get("main"),
            "co_handlers": data.get("co_handlers", []),
            "followers": data.get("followers", []),
        }


class CompleteStepForm(AssigneeMixin, DocumentUploadMixin, ActionForm):
    """Finishing a step. Only the last step ends with a result: there the form asks for it and its content (the
    note becomes the result's content); before it, the note is the hand-over's and there is no result to give."""

    offers_result = True
    result = forms.ChoiceField(
        label=_("Kết quả giải quyết"),
        choices=[("", _("— Chấp thuận (mặc định) —")), *Result.choices],
        required=False,
    )

    def __init__(self, *args, dossier=None, **kwargs):
        last = dossier is None or dossier.step_to_open(Action.COMPLETE_STEP) is None
        self.offers_result = last
        super().__init__(*args, dossier=dossier, **kwargs)
        if last:
            self.fields["note"].label = _("Nội dung kết quả, lý do (ghi vào kết quả giải quyết)")
            self.fields.pop("assignee", None)  # no step follows the last one
        else:
            self.fields.pop("result")
            self.fields["note"].label = _("Ghi chú khi chuyển bước")

    def action_kwargs(self):
        return {
            "assignee": self.cleaned_data.get("assignee"),
            "result": self.cleaned_data.get("result", ""),
            "documents": self.documents(),
        }


class SendBackForm(ActionForm):
    note_required = True
    note_label = _("Lý do trả lại bước trước")


class RequestSupplementForm(ActionForm):
    missing_documents = forms.CharField(
        label=_("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=_("Hướng dẫn một lần, đầy đủ: liệt kê mọi giấy tờ còn thiếu."),
    )

    def clean_missing_documents(self):
        items = [line.strip() for line in self.cleaned_data["missing_documents"].splitlines() if line.strip()]
        if not items:
            raise forms.ValidationError(_("Phải nêu ít nhất một giấy tờ cần bổ sung."))
        return items

    def action_kwargs(self):
        return {"missing_documents": self.cleaned_data["missing_documents"]}


class SubmitSupplementForm(DocumentUploadMixin, ActionForm):
    def action_kwargs(self):
        return {"documents": self.documents()}


class PauseForm(ActionForm):
    reason = forms.ChoiceField(label=_("Lý do tạm dừng"), choices=PauseReason.choices)

    def action_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class ResumeForm(ActionForm):
    pass


class ApologizeForm(ActionForm):
    note_required = True
    note_label = _("Lý do xin lỗi và hẹn lại")
    new_appointment = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def action_kwargs(self):
        return {"new_appointment": self.cleaned_data["new_appointment"]}


class ResolveForm(ActionForm):
    note_label = _("Nội dung kết quả / lý do từ chối")
    result = forms.ChoiceField(label=_("Kết quả giải quyết"), choices=Result.choices)

    def action_kwargs(self):
        return {"result": self.cleaned_data["result"]}


class ReturnResultForm(ActionForm):
    note_label = _("Ghi chú khi trả kết quả (không thay đổi nội dung kết quả)")
    channel = forms.ChoiceField(label=_("Hình thức trả kết quả"), choices=ReturnChannel.choices)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        if dossier is not None and not self.is_bound:
            self.initial.setdefault("channel", dossier.return_channel)

    def action_kwargs(self):
        return {"channel": self.cleaned_data["channel"]}


class WithdrawForm(ActionForm):
    note_label = _("Lý do rút hồ sơ")


class StopForm(ActionForm):
    note_required = True
    note_label = _("Căn cứ, lý do dừng xử lý")


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.RECEIVE: ReceiveForm,
    Action.REFUSE: RefuseForm,
    Action.START: StartForm,
    Action.ASSIGN: AssignForm,
    Action.COMPLETE_STEP: CompleteStepForm,
    Action.SEND_BACK: SendBackForm,
    Action.REQUEST_SUPPLEMENT: RequestSupplementForm,
    Action.SUBMIT_SUPPLEMENT: SubmitSupplementForm,
    Action.PAUSE: PauseForm,
    Action.RESUME: ResumeForm,
    Action.APOLOGIZE: ApologizeForm,
    Action.RESOLVE: ResolveForm,
    Action.RETURN_RESULT: ReturnResultForm,
    Action.WITHDRAW: WithdrawForm,
    Action.STOP: StopForm,
}


class CounterDossierForm(forms.Form):
    """A dossier received directly at the counter (→ received, code and appointment issued)."""

    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"), queryset=Procedure.objects.filter(is_active=True).select_related("field")
    )
    receiving_agency = forms.ModelChoiceField(label=_("Nơi tiếp nhận"), queryset=Agency.objects.filter(is_active=True))
    applicant_name = forms.CharField(label=_("Chủ hồ sơ"), max_length=255)
    applicant_kind = forms.TypedChoiceField(
        label=_("Loại đối tượng"), choices=ApplicantKind.choices, coerce=int, initial=ApplicantKind.CITIZEN
    )
    applicant_id_number = forms.CharField(label=_("Số định danh/mã số thuế"), max_length=20, required=False)
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    summary = forms.CharField(label=_("Trích yếu"), max_length=1000, required=False)
    return_channel = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"), choices=ReturnChannel.choices, initial=ReturnChannel.COUNTER
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 70}),
    )
    documents_complete = forms.BooleanField(
        label=_("Đã nhận đủ bản giấy các thành phần bắt buộc"),
        required=False,
        help_text=_("Hồ sơ chỉ được tiếp nhận khi đủ các thành phần bắt buộc của thủ tục."),
    )

    def service_kwargs(self) -> dict:
        from .selectors import missing_components
        from .services import DocumentInput

        data = dict(self.cleaned_data, channel="counter")
        complete = data.pop("documents_complete")
        required = missing_components(procedure=data["procedure"]) if complete else []
        data["documents"] = [DocumentInput.paper_copy_of(d) for d in required]
        return data
