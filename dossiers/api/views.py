"""Views of the public REST API (API.md). Each parses the request, finds the dossier the user may see,
calls a service of `dossiers.services` and serialises the answer; refusals become the {"detail", "code"}
shape through `onestop.api.exception_handler`.

A dossier the user may not see answers 404, the same as one that does not exist, so that outsiders
learn nothing from guessing codes; a user who may see it but not do an action gets 403.
"""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from dossiers import permissions as perms
from dossiers import selectors, services
from dossiers.receipts import render_receipt
from dossiers.tracking import SECRET_PARAMETER, owns
from onestop.jsonlimits import BoundedJSONParser
from workflows.models import Agency, Procedure, ProcessStatus, ProcessVersion

from . import serializers as s
from .filters import WORKLIST_PARAMETERS, parse_worklist_query
from .idempotency import idempotent
from .throttles import SCOPE, throttled_error

# How long a dossier's public view is kept; a change of the dossier makes a new one at once (a new version).
TRACKING_CACHE_SECONDS = 3600

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_("Lặp lại cùng khóa: nhận lại câu trả lời đầu tiên, không thay đổi gì thêm."),
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_("Phiên bản hồ sơ (trường `version`) mà bạn đang xem; khác phiên bản hiện tại → 409."),
)
ERROR = OpenApiResponse(description=_('Lỗi: {"detail": "...", "code": "..."}'))


# -- catalogue --------------------------------------------------------------------------------------
class ProcedureList(generics.ListAPIView):
    """Danh mục thủ tục hành chính, với quy trình nội bộ đang áp dụng."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ProcedureSerializer

    def get_queryset(self):
        published = ProcessVersion.objects.filter(status=ProcessStatus.PUBLISHED, agency__isnull=True).prefetch_related(
            "steps__agency"
        )
        procedures = (
            Procedure.objects.filter(is_active=True)
            .select_related("field", "competent_agency")
            .prefetch_related(
                "documents", Prefetch("process_versions", queryset=published, to_attr="published_processes")
            )
            .order_by("code")
        )
        q = self.request.query_params.get("q", "").strip()
        if q:
            procedures = procedures.filter(Q(code__icontains=q) | Q(name__icontains=q))
        field = self.request.query_params.get("field", "").strip()
        if field:
            procedures = procedures.filter(field__code=field)
        return procedures

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Tìm theo mã hoặc tên thủ tục."),
            OpenApiParameter("field", OpenApiTypes.STR, description="Mã lĩnh vực."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProcedureDetail(generics.RetrieveAPIView):
    """Một thủ tục: thời hạn, mức độ trực tuyến, phí, thành phần hồ sơ, quy trình đang áp dụng."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ProcedureSerializer
    lookup_field = "code"
    queryset = Procedure.objects.select_related("field", "competent_agency").prefetch_related("documents")

    def get_object(self):
        procedure = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if procedure is None:
            raise NotFound(_("Không có thủ tục mã “%(code)s”.") % {"code": self.kwargs["code"]})
        return procedure


class AgencyList(generics.ListAPIView):
    """Cơ quan, với mã định danh điện tử, cấp và cơ quan cấp trên."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.AgencySerializer

    def get_queryset(self):
        agencies = Agency.objects.select_related("parent").order_by("code")
        tier = self.request.query_params.get("tier", "").strip()
        if tier:
            agencies = agencies.filter(tier=tier)
        return agencies

    @extend_schema(parameters=[OpenApiParameter("tier", OpenApiTypes.STR, description="Cấp cơ quan.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# -- dossiers ---------------------------------------------------------------------------------------
def _dossier_or_404(request, code: str):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code}, code="not_found")
    return dossier


def _detail(request, code: str, *, status_code=status.HTTP_200_OK) -> Response:
    dossier = _dossier_or_404(request, code)
    data = s.DossierDetailSerializer(dossier, context={"request": request}).data
    return Response(data, status=status_code, headers={"ETag": f'"{dossier.version}"'})


_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def expected_version(request, body_value: int | None) -> int | None:
    """The version the client last saw: `If-Match` header, else `expected_version` in the body."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return body_value
    match = _IF_MATCH.match(header)
    if match is None:
        raise ValidationError(
            {"If-Match": [_('Header If-Match phải là số phiên bản của hồ sơ (trường “version”), ví dụ "3".')]}
        )
    return int(match.group(1))


class DossierListCreate(generics.ListCreateAPIView):
    """Danh sách hồ sơ (sổ theo dõi của cán bộ; người nộp thấy hồ sơ của mình) và nộp/tiếp nhận hồ sơ."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    serializer_class = s.DossierListSerializer
    filter_backends: list = []

    def get_queryset(self):
        filters = parse_worklist_query(self.request.query_params)
        agency, user = filters["agency"], self.request.user
        if (
            agency is not None
            and perms.is_officer(user)
            and not perms.sees_everything(user)
            and agency.pk not in perms.agencies_of(user)
        ):
            raise PermissionDenied(
                _("Bạn không thuộc %(agency)s; không xem được sổ hồ sơ của cơ quan này.") % {"agency": agency.name}
            )
        return selectors.worklist(user, **filters)

    @extend_schema(parameters=WORKLIST_PARAMETERS, responses={200: s.DossierListSerializer(many=True), 400: ERROR})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": s.DossierCreateSerializer,
            "multipart/form-data": s.DossierCreateSerializer,
        },
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.DossierDetailSerializer, 400: ERROR, 403: ERROR},
        description=_(
            "Người nộp (không có vai trò cán bộ) nộp trực tuyến → “submitted”; cán bộ một cửa tiếp nhận trực tiếp "
            "→ “received” (được cấp mã, ngày hẹn trả)."
        ),
    )
    @idempotent
    def post(self, request, *args, **kwargs):
        serializer = s.DossierCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        documents = data.pop("documents", [])
        data.update(services.filing_channel(actor=request.user, requested=data.pop("channel", None)))
        dossier = services.create_dossier(actor=request.user, documents=documents, **data)
        return _detail(request, dossier.code, status_code=status.HTTP_201_CREATED)


class DossierDetail(APIView):
    """Hồ sơ đầy đủ: bước hiện tại, hạn, cờ, giấy tờ, phiên bản, thao tác được phép."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: s.DossierDetailSerializer, 404: ERROR})
    def get(self, request, code):
        return _detail(request, code)


ACTION_NAMES = [str(a) for a in services.ACTION_SERVICES]


def _service_kwargs(data: dict) -> dict:
    """An action's validated body as its service's keyword arguments (the version comes from If-Match too)."""
    return {k: v for k, v in data.items() if v is not None and k != "expected_version"}


class DossierAction(APIView):
    """Một thao tác trên hồ sơ (tiếp nhận, chuyển xử lý, bổ sung, tạm dừng, trả kết quả…)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("action", OpenApiTypes.STR, location=OpenApiParameter.PATH, enum=ACTION_NAMES),
            IDEMPOTENCY_PARAMETER,
            IF_MATCH_PARAMETER,
        ],
        request=PolymorphicProxySerializer(
            component_name="DossierActionRequest",
            serializers=list(dict.fromkeys(s.ACTION_SERIALIZERS.values())),
            resource_type_field_name=None,
        ),
        responses={200: s.DossierDetailSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
        description=_(
            "Thân yêu cầu theo từng thao tác: receive (documents), refuse (note bắt buộc), start (assignee), "
            "assign (main, co_handlers, followers), complete-step (assignee, result, documents), send-back (note "
            "bắt buộc), request-supplement (missing_documents), submit-supplement (documents), pause (reason), "
            "resume, apologize (new_appointment, note bắt buộc), resolve (result), return-result (channel), "
            "withdraw, stop (note bắt buộc). Mọi thao tác nhận note và expected_version."
        ),
    )
    @idempotent
    def post(self, request, code, action):
        service = services.ACTION_SERVICES.get(action)
        if service is None:
            raise NotFound(
                _("Không có thao tác “%(action)s”. Các thao tác: %(valid)s.")
                % {"action": action, "valid": ", ".join(ACTION_NAMES)},
                code="unknown_action",
            )
        dossier = _dossier_or_404(request, code)
        serializer = s.ACTION_SERIALIZERS[action](data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("expected_version"))
        service(
            dossier=dossier,
            actor=request.user,
            expected_version=version,
            **_service_kwargs(serializer.validated_data),
        )
        return _detail(request, code)


class DossierRating(APIView):
    """Đánh giá mức độ hài lòng của người nộp, một lần, sau khi đã trả kết quả."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=s.RatingInputSerializer,
        responses={201: s.RatingSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, code):
        dossier = _dossier_or_404(request, code)
        serializer = s.RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = services.rate_dossier(dossier=dossier, actor=request.user, **serializer.validated_data)
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class DossierHistory(APIView):
    """Lịch sử xử lý (chỉ thêm, không sửa, không xóa)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: s.EventSerializer(many=True), 404: ERROR})
    def get(self, request, code):
        dossier = _dossier_or_404(request, code)
        return Response(s.EventSerializer(selectors.history(dossier), many=True).data)


class DossierDocuments(APIView):
    """Thêm một phiên bản giấy tờ (kiểm tra định dạng và dung lượng)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.DocumentUploadSerializer},
        parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
        responses={201: s.DocumentVersionSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 413: ERROR},
    )
    @idempotent
    def post(self, request, code):
        dossier = _dossier_or_404(request, code)
        serializer = s.DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        versions = services.add_documents(
            dossier=dossier,
            actor=request.user,
            documents=[
                services.DocumentInput(
                    component=data["component"], name=data["name"], file=data["file"], add=data["add"]
                )
            ],
            note=data["note"],
            is_result=data["is_result"],
            expected_version=expected_version(request, data.get("expected_version")),
        )
        return Response(s.DocumentVersionSerializer(versions[0]).data, status=status.HTTP_201_CREATED)


class DossierReceipt(APIView):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF), với mã hồ sơ dạng chữ và mã QR."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERROR, 409: ERROR})
    def get(self, request, code):
        dossier = _dossier_or_404(request, code)
        if dossier.received_at is None:
            raise services.TransitionNotAllowed(
                _("Hồ sơ %(code)s chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả.")
                % {"code": dossier.code},
                code="not_received",
                current_status=dossier.status,
            )
        response = HttpResponse(render_receipt(dossier), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
        return response


class Tracking(APIView):
    """Tra cứu công khai theo mã hồ sơ: không có dữ liệu cá nhân ngoài tên đã che (có giới hạn tần suất)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = SCOPE

    def throttled(self, request, wait):
        raise throttled_error(wait)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                SECRET_PARAMETER,
                OpenApiTypes.STR,
                description=_("Mã bí mật in trên giấy tiếp nhận (trong mã QR): người nộp xem tên không che."),
            )
        ],
        responses={200: s.TrackingSerializer, 404: ERROR, 429: ERROR},
    )
    def get(self, request, code):
        """The public view is cached by the dossier's version (every change of it, a payment's included,
        writes a history row and a new version): a look-up of an unchanged dossier reads one row by its code.
        Whether it is overdue is read now, from that row."""
        stamp = selectors.tracking_stamp(code)
        if stamp is None:
            raise NotFound(
                _("Không tìm thấy hồ sơ có mã “%(code)s”. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.")
                % {"code": code}
            )
        owner = owns(stamp.code, request.query_params.get(SECRET_PARAMETER))
        key = f"track:{get_language()}:{int(owner)}:{stamp.pk}:{stamp.version}"
        data = cache.get(key)
        if data is None:
            dossier = selectors.tracked_dossier(code)
            data = dict(s.TrackingSerializer(dossier, context={"owner": owner}).data)
            cache.set(key, data, TRACKING_CACHE_SECONDS)
        return Response({**data, "is_overdue": stamp.is_overdue})
