"""The input of each action, one serializer per action so that the OpenAPI schema shows its fields."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.limits import NOTE_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from dossiers.models import Action, PauseReason, Result

from .common import UsernameField
from .inputs import DocumentsField


class ActionSerializer(serializers.Serializer):
    """Fields every action takes."""

    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH, help_text=_("Ghi chú, lý do.")
    )
    expected_version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=_("Phiên bản hồ sơ đang xem (hoặc header If-Match); khác phiên bản hiện tại → 409."),
    )


class RequiredNoteMixin(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, help_text=_("Lý do (bắt buộc)."))


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
    component = serializers.CharField(required=False, allow_blank=True, max_length=60)
    name = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=SHORT_TEXT_MAX_LENGTH)


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
