"""Serializers of the public REST API (API.md): the catalogue, dossiers in lists and in full, the input of
each action (one serializer per action, so that the OpenAPI schema shows its fields), history and tracking.

Documents in a request body come in one of two shapes:

* JSON: ``"documents": [{"component": "to-khai", "name": "Tờ khai", "paper_copy": true}]``;
* multipart/form-data: one file field per component named ``documents[<component>]`` (e.g.
  ``documents[to-khai]``), and optionally a ``documents`` field holding the JSON list above for
  components handed in on paper.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.extensions import section
from dossiers.models import (
    Action,
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    DossierStep,
    PauseReason,
    Result,
)
from dossiers.services import DocumentInput, remaining_working_seconds
from onestop import jsonlimits
from workflows.models import Agency, Procedure, ProcedureDocument, ProcessStep, ReturnChannel

User = get_user_model()


# -- small shared pieces ----------------------------------------------------------------------------
class CodeNameSerializer(serializers.Serializer):
    """A catalogue row as its code and name (each kind keeps its own schema component)."""

    code = serializers.CharField()
    name = serializers.CharField()


class AgencyRefSerializer(CodeNameSerializer):
    pass


class ProcedureRefSerializer(CodeNameSerializer):
    pass


class CodeRelatedField(serializers.SlugRelatedField):
    """A catalogue row named by its code; an unknown code is refused with a message naming it."""

    def __init__(self, *, label_vi: str, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)
        self.label_vi = label_vi

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(**{self.slug_field: str(data).strip()})
        except (TypeError, ValueError, self.get_queryset().model.DoesNotExist):
            raise serializers.ValidationError(
                _("Không có %(what)s mã “%(code)s”.") % {"what": self.label_vi, "code": data}, code="does_not_exist"
            ) from None


class UsernameField(serializers.SlugRelatedField):
    """An officer named by his username; an unknown one is refused with a message naming it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(username=str(data).strip())
        except User.DoesNotExist:
            raise serializers.ValidationError(
                _("Không có cán bộ có tên đăng nhập “%(u)s”.") % {"u": data}, code="does_not_exist"
            ) from None


def _local(value: dt.datetime | None):
    return timezone.localtime(value) if value else None


# -- catalogue --------------------------------------------------------------------------------------
class AgencySerializer(serializers.ModelSerializer):
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "tier", "tier_label", "parent", "is_active"]


class ProcedureDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureDocument
        fields = ["code", "name", "required", "copies"]


class ProcessStepSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    agency = AgencyRefSerializer(read_only=True, allow_null=True)
    time_limit_hours = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "kind", "role", "role_label", "unit", "agency", "time_limit_hours"]


class ProcessSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    steps = ProcessStepSerializer(many=True, source="ordered_steps_cached")


class FieldRefSerializer(CodeNameSerializer):
    pass


class ProcedureSerializer(serializers.ModelSerializer):
    """A procedure of the catalogue with its current published (province-wide) process."""

    field = FieldRefSerializer(read_only=True)
    competent_agency = AgencyRefSerializer(read_only=True, allow_null=True)
    time_limit = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    time_unit_label = serializers.CharField(source="get_time_unit_display", read_only=True)
    online_level_label = serializers.CharField(source="get_online_level_display", read_only=True)
    agency_level_label = serializers.CharField(source="get_agency_level_display", read_only=True)
    return_channels = serializers.SerializerMethodField()
    documents = ProcedureDocumentSerializer(many=True, read_only=True)
    current_process = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "agency_level",
            "agency_level_label",
            "competent_agency",
            "time_limit",
            "time_unit",
            "time_unit_label",
            "online_level",
            "online_level_label",
            "fee_amount",
            "fee_note",
            "supplement_policy",
            "return_channels",
            "documents",
            "current_process",
        ]

    class ReturnChannelSerializer(serializers.Serializer):
        code = serializers.CharField()
        label = serializers.CharField()

    @extend_schema_field(ReturnChannelSerializer(many=True))
    def get_return_channels(self, procedure):
        codes = procedure.return_channels or ReturnChannel.values
        return [{"code": c, "label": str(ReturnChannel(c).label)} for c in codes if c in ReturnChannel.values]

    @extend_schema_field(ProcessSerializer(allow_null=True))
    def get_current_process(self, procedure):
        published = getattr(procedure, "published_processes", None)
        if published is None:
            process = procedure.current_process()
            if process is not None:
                process.ordered_steps_cached = process.ordered_steps()
        else:
            process = next((p for p in published if p.agency_id is None), None)
            if process is not None:
                process.ordered_steps_cached = sorted(process.steps.all(), key=lambda s: s.order)
        return ProcessSerializer(process).data if process is not None else None


# -- dossiers: output -------------------------------------------------------------------------------
class CurrentStepSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Mã lượt xử lý bước (gửi lại trong trường “step” của thao tác)."))
    name = serializers.CharField()
    order = serializers.IntegerField()
    role = serializers.CharField()
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    assignee_name = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_assignee_name(self, step):
        user = step.assignee
        return (user.get_full_name() or user.get_username()) if user else None


class DossierListSerializer(serializers.ModelSerializer):
    """A worklist row."""

    procedure = ProcedureRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    receiving_agency = AgencyRefSerializer(read_only=True)
    competent_agency = AgencyRefSerializer(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    current_step = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "status",
            "status_label",
            "channel",
            "receiving_agency",
            "competent_agency",
            "applicant_name",
            "summary",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "clock_running",
            "is_overdue",
            "verdict",
            "current_step",
            "version",
        ]

    @extend_schema_field(CurrentStepSerializer(allow_null=True))
    def get_current_step(self, dossier):
        step = dossier.current_step
        return CurrentStepSerializer(step).data if step is not None else None


class DossierStepSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="active, done, sent_back, closed")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    agency = serializers.CharField(source="agency.code")
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    handlers = serializers.SerializerMethodField()

    class Meta:
        model = DossierStep
        fields = [
            "order",
            "name",
            "role",
            "agency",
            "status",
            "status_label",
            "assignee",
            "handlers",
            "started_at",
            "completed_at",
            "due_at",
            "verdict",
        ]

    class HandlerSerializer(serializers.Serializer):
        username = serializers.CharField()
        role = serializers.CharField()

    @extend_schema_field(HandlerSerializer(many=True))
    def get_handlers(self, step):
        return [{"username": a.user.get_username(), "role": a.role} for a in step.assignments.all()]


class DocumentSerializer(serializers.Serializer):
    component = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    versions = serializers.IntegerField(help_text=_("Số phiên bản của thành phần này."))
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    paper_copy = serializers.BooleanField()
    is_result = serializers.BooleanField()
    uploaded_at = serializers.DateTimeField()


class FlagsSerializer(serializers.Serializer):
    awaiting_documents = serializers.BooleanField()
    missing_documents = serializers.ListField(child=serializers.DictField())
    supplement_requests = serializers.IntegerField()
    pause_reason = serializers.CharField()
    is_overdue = serializers.BooleanField()
    is_open = serializers.BooleanField()


class DossierDetailSerializer(DossierListSerializer):
    """The whole dossier as an officer or its applicant sees it."""

    applicant_kind_label = serializers.CharField(source="get_applicant_kind_display", read_only=True)
    return_channel_label = serializers.CharField(source="get_return_channel_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    process_version = serializers.IntegerField(source="process.number", allow_null=True, default=None)
    received_by = serializers.SerializerMethodField()
    remaining_working_seconds = serializers.SerializerMethodField(
        help_text=_("Thời gian làm việc còn lại đến hạn (âm khi đã quá hạn).")
    )
    flags = serializers.SerializerMethodField()
    steps = DossierStepSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField(help_text=_("Phí, lệ phí: phải nộp, đã nộp, cách nộp."))

    class Meta(DossierListSerializer.Meta):
        fields = DossierListSerializer.Meta.fields + [
            "channel_label",
            "applicant_kind",
            "applicant_kind_label",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "return_channel",
            "return_channel_label",
            "process_version",
            "received_by",
            "resolved_at",
            "returned_at",
            "ended_at",
            "remaining_seconds",
            "remaining_working_seconds",
            "verdict_label",
            "result",
            "result_label",
            "result_note",
            "fee_amount",
            "flags",
            "steps",
            "documents",
            "allowed_actions",
            "payment",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payment(self, dossier):
        return section("payment", dossier, public=False)

    @extend_schema_field(OpenApiTypes.STR)
    def get_received_by(self, dossier):
        user = dossier.received_by
        return (user.get_full_name() or user.get_username()) if user else None

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_remaining_working_seconds(self, dossier):
        return remaining_working_seconds(dossier)

    @extend_schema_field(FlagsSerializer)
    def get_flags(self, dossier):
        return {
            "awaiting_documents": dossier.awaiting_documents,
            "missing_documents": dossier.missing_documents,
            "supplement_requests": dossier.supplement_requests,
            "pause_reason": dossier.pause_reason,
            "is_overdue": dossier.is_overdue,
            "is_open": dossier.is_open,
        }

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, dossier):
        from dossiers.selectors import latest_documents

        rows = []
        for row in latest_documents(dossier):
            v = row["latest"]
            rows.append(
                {
                    "component": v.component,
                    "name": v.name,
                    "version": v.version,
                    "versions": row["versions"],
                    "content_type": v.content_type,
                    "size": v.size,
                    "sha256": v.sha256,
                    "paper_copy": v.paper_copy,
                    "is_result": v.is_result,
                    "uploaded_at": v.uploaded_at,
                }
            )
        return rows

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, dossier):
        from dossiers.services import allowed_actions

        user = self.context.get("request").user if self.context.get("request") else None
        return allowed_actions(dossier, user)


class EventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    from_status_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_label = serializers.CharField(source="get_to_status_display", read_only=True)
    step = serializers.CharField(source="step_name")

    class Meta:
        model = DossierEvent
        fields = [
            "seq",
            "action",
            "action_label",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "step",
            "actor_name",
            "at",
            "note",
            "data",
        ]


# -- tracking (public) ------------------------------------------------------------------------------
def mask_name(name: str) -> str:
    """“Nguyễn Văn An” → “Nguyễn V** A*”: the family name and the initials only (DOMAIN §3 Tracking)."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]])


class TimelineEntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    step = serializers.CharField()
    at = serializers.DateTimeField()


class TrackingSerializer(serializers.Serializer):
    """What anyone holding the code may see: no officer names, notes or personal data."""

    code = serializers.CharField()
    procedure = ProcedureRefSerializer()
    receiving_agency = serializers.CharField(source="receiving_agency.name")
    competent_agency = serializers.CharField(source="competent_agency.name")
    applicant = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    appointment_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()
    timeline = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payment(self, dossier):
        return section("payment", dossier, public=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_applicant(self, dossier):
        return mask_name(dossier.applicant_name)

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, dossier):
        return [
            {
                "action": e.action,
                "label": e.get_action_display(),
                "status": e.to_status,
                "status_label": e.get_to_status_display(),
                "step": e.step_name,
                "at": e.at,
            }
            for e in dossier.public_events
        ]


# -- input ------------------------------------------------------------------------------------------
class DocumentEntrySerializer(serializers.Serializer):
    component = serializers.SlugField(max_length=60, help_text=_("Mã thành phần hồ sơ (theo danh mục thủ tục)."))
    name = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    paper_copy = serializers.BooleanField(required=False, default=True)


_FILE_FIELD = re.compile(r"^documents\[([A-Za-z0-9_-]+)\]$")


class DocumentsField(serializers.Field):
    """The documents of a request: the JSON list, plus in multipart the files `documents[<component>]`."""

    default_error_messages = {"invalid": _("“documents” phải là danh sách các {{component, name, paper_copy}}.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "JSON: danh sách {component, name, paper_copy}. multipart/form-data: mỗi tệp là một trường "
                "`documents[<mã thành phần>]`; trường `documents` (chuỗi JSON) cho các giấy tờ bản giấy."
            ),
        )
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        value = dictionary.get(self.field_name, serializers.empty)
        if hasattr(dictionary, "getlist") and isinstance(value, str):
            value = value.strip() or []
        files = self.context["request"].FILES if "request" in self.context else {}
        uploads = {m.group(1): f for key, f in files.items() if (m := _FILE_FIELD.match(key))}
        if uploads:
            if isinstance(value, str):
                try:
                    value = jsonlimits.loads(value)
                except ValueError:
                    self.fail("invalid")
            entries = value if isinstance(value, list) else []
            return {"entries": entries, "files": uploads}
        return value

    def to_internal_value(self, data):
        files = {}
        if isinstance(data, dict) and "files" in data:
            data, files = data["entries"], data["files"]
        if isinstance(data, str):
            try:
                data = jsonlimits.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, list):
            self.fail("invalid")
        entries = DocumentEntrySerializer(data=data, many=True)
        entries.is_valid(raise_exception=True)
        documents = [
            DocumentInput(component=e["component"], name=e["name"], paper_copy=e["paper_copy"])
            for e in entries.validated_data
            if e["component"] not in files
        ]
        for component, upload in files.items():
            named = next((e for e in entries.validated_data if e["component"] == component), None)
            documents.append(
                DocumentInput(
                    component=component,
                    name=named["name"] if named else "",
                    file=upload,
                    paper_copy=bool(named and "paper_copy" in _raw(data, component) and named["paper_copy"]),
                )
            )
        return documents

    def to_representation(self, value):
        return [{"component": d.component, "name": d.name, "paper_copy": d.paper_copy} for d in value]


extend_schema_field(DocumentEntrySerializer(many=True))(DocumentsField)


def _raw(data, component) -> dict:
    return next((e for e in data if isinstance(e, dict) and e.get("component") == component), {})


class DossierCreateSerializer(serializers.Serializer):
    """File a dossier: an applicant online (→ submitted), a counter officer directly (→ received)."""

    procedure = CodeRelatedField(queryset=Procedure.objects.all(), label_vi=_("thủ tục"), help_text=_("Mã TTHC."))
    receiving_agency = CodeRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        label_vi=_("cơ quan"),
        help_text=_("Mã định danh nơi tiếp nhận."),
    )
    competent_agency = CodeRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        label_vi=_("cơ quan"),
        required=False,
        allow_null=True,
        help_text=_("Mã định danh cơ quan giải quyết (mặc định: theo thủ tục)."),
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Chỉ cho cán bộ: nhận trực tiếp (counter, mặc định) hay qua bưu chính (post)."),
    )
    applicant_name = serializers.CharField(max_length=255)
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    return_channel = serializers.ChoiceField(choices=ReturnChannel.choices, default=ReturnChannel.COUNTER)
    documents = DocumentsField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


# -- actions ----------------------------------------------------------------------------------------
class ActionSerializer(serializers.Serializer):
    """Fields every action takes."""

    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Ghi chú, lý do."))
    expected_version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=_("Phiên bản hồ sơ đang xem (hoặc header If-Match); khác phiên bản hiện tại → 409."),
    )


class RequiredNoteMixin(serializers.Serializer):
    note = serializers.CharField(help_text=_("Lý do (bắt buộc)."))


class ReceiveSerializer(ActionSerializer):
    documents = DocumentsField()


class RefuseSerializer(RequiredNoteMixin, ActionSerializer):
    pass


class StartSerializer(ActionSerializer):
    assignee = UsernameField(required=False, allow_null=True, help_text=_("Người thụ lý bước đầu tiên."))


class StepActionSerializer(ActionSerializer):
    """Actions on the current step name the step they were meant for, so a repeated or concurrent request
    is refused (409) instead of acting on the step that came after it."""

    step = serializers.IntegerField(
        source="expected_step",  # the services' keyword
        required=False,
        min_value=1,
        help_text=_("Mã lượt xử lý bước đang xem (current_step.id); đã sang bước khác → 409."),
    )


class AssignSerializer(StepActionSerializer):
    main = UsernameField(required=False, allow_null=True, help_text=_("Người thụ lý chính."))
    co_handlers = serializers.ListField(child=UsernameField(), required=False, default=list)
    followers = serializers.ListField(child=UsernameField(), required=False, default=list)


class CompleteStepSerializer(StepActionSerializer):
    assignee = UsernameField(required=False, allow_null=True, help_text=_("Người thụ lý bước tiếp theo."))
    result = serializers.ChoiceField(
        choices=Result.choices, required=False, allow_blank=True, default="", help_text=_("Sau bước cuối.")
    )
    documents = DocumentsField()


class SendBackSerializer(RequiredNoteMixin, StepActionSerializer):
    pass


class MissingDocumentSerializer(serializers.Serializer):
    component = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True)


class MissingDocumentField(serializers.Field):
    """A missing document: its name as a string, or {component, name, reason}."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return data
        item = MissingDocumentSerializer(data=data)
        item.is_valid(raise_exception=True)
        return dict(item.validated_data)

    def to_representation(self, value):
        return value


extend_schema_field(MissingDocumentSerializer)(MissingDocumentField)


class RequestSupplementSerializer(ActionSerializer):
    missing_documents = serializers.ListField(
        child=MissingDocumentField(),
        allow_empty=False,
        help_text=_("Một lần, đầy đủ: mọi giấy tờ cần bổ sung (tên, hoặc {component, name, reason})."),
    )


class SubmitSupplementSerializer(ActionSerializer):
    documents = DocumentsField()


class PauseSerializer(ActionSerializer):
    reason = serializers.ChoiceField(choices=PauseReason.choices)


class ResumeSerializer(ActionSerializer):
    pass


class AppointmentField(serializers.Field):
    """A date (YYYY-MM-DD: the end of that working day) or an ISO 8601 date-time."""

    default_error_messages = {
        "invalid": _("Ngày hẹn mới “{value}” không hợp lệ: dùng YYYY-MM-DD hoặc ngày giờ ISO 8601."),
    }

    def to_internal_value(self, data):
        text = str(data).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return dt.date.fromisoformat(text)
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            self.fail("invalid", value=text)
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def to_representation(self, value):
        return value.isoformat()


extend_schema_field(OpenApiTypes.STR)(AppointmentField)


class ApologizeSerializer(RequiredNoteMixin, ActionSerializer):
    new_appointment = AppointmentField(help_text=_("Ngày hẹn trả mới: YYYY-MM-DD hoặc ngày giờ ISO 8601."))


class ResolveSerializer(ActionSerializer):
    result = serializers.ChoiceField(choices=Result.choices)


class ReturnResultSerializer(ActionSerializer):
    channel = serializers.CharField(
        required=False,
        allow_null=True,
        help_text=_("Hình thức trả: counter, post hoặc online (mặc định: như người nộp đã chọn)."),
    )


class WithdrawSerializer(ActionSerializer):
    pass


class StopSerializer(RequiredNoteMixin, ActionSerializer):
    pass


ACTION_SERIALIZERS: dict[str, type[ActionSerializer]] = {
    Action.RECEIVE: ReceiveSerializer,
    Action.REFUSE: RefuseSerializer,
    Action.START: StartSerializer,
    Action.ASSIGN: AssignSerializer,
    Action.COMPLETE_STEP: CompleteStepSerializer,
    Action.SEND_BACK: SendBackSerializer,
    Action.REQUEST_SUPPLEMENT: RequestSupplementSerializer,
    Action.SUBMIT_SUPPLEMENT: SubmitSupplementSerializer,
    Action.PAUSE: PauseSerializer,
    Action.RESUME: ResumeSerializer,
    Action.APOLOGIZE: ApologizeSerializer,
    Action.RESOLVE: ResolveSerializer,
    Action.RETURN_RESULT: ReturnResultSerializer,
    Action.WITHDRAW: WithdrawSerializer,
    Action.STOP: StopSerializer,
}


class DocumentUploadSerializer(serializers.Serializer):
    """multipart/form-data: one new version of a document component."""

    component = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    file = serializers.FileField(allow_empty_file=True)
    is_result = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(required=False, min_value=0)


class DocumentVersionSerializer(serializers.Serializer):
    component = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    is_result = serializers.BooleanField()
