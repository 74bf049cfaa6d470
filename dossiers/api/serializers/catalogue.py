"""The catalogue: agencies and procedures with their documents and process steps."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.models import Agency, Procedure, ProcedureDocument, ProcessStep, ReturnChannel

from .common import AgencyRefSerializer, CodeNameSerializer


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
