"""The public tracking answer (masked names, the public timeline)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.extensions import section
from dossiers.models import Status

from .actions import MissingDocumentSerializer
from .common import ProcedureRefSerializer


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
    """What anyone holding the code may see: no officer names, notes or personal data. With the receipt's
    lookup secret (context `owner`), the applicant's name unmasked."""

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
    missing_documents = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payment(self, dossier):
        return section("payment", dossier, public=True)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_owner(self, dossier) -> bool:
        return bool(self.context.get("owner"))

    @extend_schema_field(OpenApiTypes.STR)
    def get_applicant(self, dossier):
        return dossier.applicant_name if self.get_owner(dossier) else mask_name(dossier.applicant_name)

    @extend_schema_field(MissingDocumentSerializer(many=True))
    def get_missing_documents(self, dossier):
        """What the applicant is asked to hand in, while a supplement is awaited."""
        if dossier.status == Status.SUPPLEMENT or dossier.awaiting_documents:
            return MissingDocumentSerializer(dossier.missing_documents, many=True).data
        return []

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
