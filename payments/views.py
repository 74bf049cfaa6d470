"""The payments API (API.md): thin views that authorise, call a service and serialise."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import permissions as perms
from dossiers.models import Dossier
from dossiers.services import DossierNotFound, InvalidInput
from onestop import jsonlimits

from . import selectors, services
from .serializers import (
    CallbackAnswerSerializer,
    CounterPaymentSerializer,
    ObligationSerializer,
    PaymentSerializer,
    RefundActionSerializer,
    payment_section,
)


def _dossier(code: str, user) -> Dossier:
    """The dossier, if this user may see it. One that exists but is not theirs is answered as one that does not
    exist (404), as the dossier endpoints answer: no signed-in user learns which codes exist."""
    dossier = Dossier.objects.select_related("procedure").filter(code=code).first()
    if dossier is None or not perms.can_view(dossier, user):
        raise DossierNotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
    return dossier


class DossierPaymentsView(APIView):
    """GET: the dossier's fees and payments. POST: its applicant starts an online payment."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, summary="Phí, lệ phí và các lần thanh toán của hồ sơ")
    def get(self, request, code):
        return Response(payment_section(_dossier(code, request.user)))

    @extend_schema(
        request=None,
        responses={201: PaymentSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        summary="Bắt đầu thanh toán trực tuyến (trả về địa chỉ trang thanh toán)",
    )
    def post(self, request, code):
        dossier = _dossier(code, request.user)
        payment = services.start_online_payment(
            dossier=dossier, actor=request.user, idempotency_key=request.headers.get("Idempotency-Key", "")
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class CounterPaymentView(APIView):
    """A counter officer records a fee paid in cash or at a bank, with its receipt number."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CounterPaymentSerializer, responses={201: PaymentSerializer})
    def post(self, request, code):
        dossier = _dossier(code, request.user)
        form = CounterPaymentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        payment = services.record_counter_payment(dossier=dossier, actor=request.user, **form.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class RefundActionView(APIView):
    """The counter records a refund handed back at the counter (`complete`), or asks the platform
    again for an online refund it refused (`retry`)."""

    permission_classes = [IsAuthenticated]
    ACTIONS = {"complete": services.complete_refund_at_counter, "retry": services.retry_refund}

    @extend_schema(request=RefundActionSerializer, responses={200: dict}, summary="Xử lý khoản hoàn trả")
    def post(self, request, code, reference, action):
        if action not in self.ACTIONS:
            raise NotFound(_("Không có thao tác “%(action)s”; dùng “complete” hoặc “retry”.") % {"action": action})
        dossier = _dossier(code, request.user)
        refund = selectors.dossier_refund(dossier=dossier, reference=reference)
        form = RefundActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        extra = form.validated_data if action == "complete" else {}
        self.ACTIONS[action](refund_id=refund.pk, actor=request.user, **extra)
        return Response(payment_section(dossier))


class FinancialObligationView(APIView):
    """An officer handling the dossier asks for a further financial obligation (national status 6)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ObligationSerializer, responses={201: dict})
    def post(self, request, code):
        dossier = _dossier(code, request.user)
        form = ObligationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        dossier = services.request_financial_obligation(dossier=dossier, actor=request.user, **form.validated_data)
        return Response(
            {"dossier": dossier.code, "status": dossier.status, "payment": payment_section(dossier)},
            status=status.HTTP_201_CREATED,
        )


class PaymentCallbackView(APIView):
    """The platform's signed notification. The signature is the authentication; no session, no CSRF."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=dict, responses={200: CallbackAnswerSerializer}, summary="Thông báo từ Nền tảng thanh toán")
    def post(self, request):
        try:
            body = jsonlimits.loads(request.body.decode() or "{}")
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput(_("Nội dung thông báo không phải JSON hợp lệ.")) from None
        if not isinstance(body, dict):
            raise InvalidInput(_("Nội dung thông báo không phải JSON hợp lệ."))
        return Response(services.handle_notification(body=body, headers=request.headers))
