"""Request and answer shapes of the payments API."""

from rest_framework import serializers

from .models import Method, Payment


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
    amount = serializers.IntegerField(min_value=1, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ObligationSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=500)


class CallbackAnswerSerializer(serializers.Serializer):
    result = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.CharField(required=False)


class RefundActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
