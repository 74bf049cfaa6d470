"""The applicant's satisfaction rating: what is sent and what is answered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class RatingInputSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=20, help_text=_("very_satisfied, satisfied hoặc not_satisfied."))
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RatingSerializer(serializers.Serializer):
    dossier = serializers.CharField(source="dossier.code")
    value = serializers.CharField()
    value_label = serializers.CharField(source="get_value_display")
    comment = serializers.CharField()
    rated_at = serializers.DateTimeField()
