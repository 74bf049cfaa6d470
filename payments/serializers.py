"""Request and answer shapes of the payments API."""

import datetime as dt

from rest_framework import serializers

from . import selectors
from .models import MAX_AMOUNT, Method, Payment


def payment_section(dossier, *, public: bool = False) -> dict:
    """The fee section of the API's answers (the dossier's own, its detail and tracking answers):
    `selectors.payment_summary` with its times written as ISO 8601 text, as `datetime.isoformat` writes
    them."""
    return _times_as_text(selectors.payment_summary(dossier, public=public))


def _times_as_text(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _times_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_times_as_text(item) for item in value]
    return value


class PaymentSerializer(serializers.ModelSerializer):
    payment_id = serializers.IntegerField(source="pk", read_only=True)
    dossier = serializers.CharField(source="dossier.code", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "payment_id",
            "dossier",
            "reference",
            "method",
            "status",
            "amount",
            "receipt_number",
            "pay_url",
            "created_at",
            "expires_at",
            "paid_at",
        ]
        read_only_fields = fields


class CounterPaymentSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=[Method.CASH, Method.BANK], default=Method.CASH)
    receipt_number = serializers.CharField(max_length=64)
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ObligationSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    reason = serializers.CharField(max_length=500)


class CallbackAnswerSerializer(serializers.Serializer):
    result = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.CharField(required=False)


class RefundActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
