"""Dossiers as the API shows them: in lists, in full, their steps, documents and history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.extensions import section
from dossiers.models import Dossier, DossierEvent, DossierStep
from dossiers.services import remaining_working_seconds

from .common import AgencyRefSerializer, ProcedureRefSerializer


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


class DocumentFileSerializer(serializers.Serializer):
    part = serializers.IntegerField(help_text=_("Số thứ tự của tệp trong phiên bản (các trang scan, …)."))
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class DocumentSerializer(serializers.Serializer):
    """A component in its current version; `content_type`, `size`, `sha256` are its first file's, `files`
    all of them."""

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
    file_count = serializers.IntegerField(help_text=_("Số tệp của phiên bản hiện tại."))
    files = DocumentFileSerializer(many=True)


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
                    "file_count": sum(1 for f in row["files"] if f.file),
                    "files": [
                        {
                            "part": f.part,
                            "file_name": f.file.name.rsplit("/", 1)[-1] if f.file else "",
                            "content_type": f.content_type,
                            "size": f.size,
                            "sha256": f.sha256,
                            "uploaded_at": f.uploaded_at,
                        }
                        for f in row["files"]
                    ],
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
