"""`GET /api/v1/reports/indicators/` (API.md): every indicator for a period and a grouping, as JSON, CSV or
an Excel workbook in seed 001's layout. Supervisors and admins see the whole province, a leader his agencies."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, renderers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.models import Agency

from . import exports
from .access import NoReportAccess, report_scope
from .indicators import MEASURES, RATES
from .periods import PeriodError, parse
from .selectors import GROUPINGS, Report, ReportError, indicator_report


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if "groups" not in (data or {}):  # a refusal: its JSON
            return renderers.JSONRenderer().render(data)
        return exports.as_csv(data)


class XLSXRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if "groups" not in (data or {}):
            return renderers.JSONRenderer().render(data)
        return exports.as_xlsx(data)


def report_data(report: Report) -> dict:
    """A report as the API answers it."""
    return {
        "period": {
            "label": report.period.label,
            "from": report.period.first.isoformat(),
            "to": report.period.last.isoformat(),
            "reporting_year": report.period.reporting_year,
        },
        "group_by": report.group_by,
        "groups": [group.as_dict() for group in report.groups],
        "total": report.total.as_dict(),
        "definitions": {
            "counts": {m.name: str(m.label) for m in MEASURES},
            "rates": {
                r.name: {"label": str(r.label), "formula": r.formula, "source": r.source, "unit": str(r.unit)}
                for r in RATES
            },
        },
    }


def requested_report(request, scope: set[int] | None) -> Report:
    """The report a request's query asks for, within `scope`; bad input raises ValidationError."""
    query = request.query_params if hasattr(request, "query_params") else request.GET
    try:
        period = parse(query.get("period"), first=query.get("from"), last=query.get("to"))
    except PeriodError as error:
        raise ValidationError({"period": [str(error)]}) from None
    group_by = query.get("group_by") or "agency"
    if group_by not in GROUPINGS:
        raise ValidationError({"group_by": [_("Cách nhóm không hợp lệ: dùng %s.") % ", ".join(GROUPINGS)]})
    agencies = scope
    code = (query.get("agency") or "").strip()
    if code:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise ValidationError({"agency": [_("Không có cơ quan mã %s.") % code]})
        if scope is not None and agency.pk not in scope:
            raise PermissionDenied(_("Bạn chỉ xem được số liệu của cơ quan mình."))
        agencies = {agency.pk}
    try:
        return indicator_report(period=period, group_by=group_by, agencies=agencies)
    except ReportError as error:
        raise ValidationError({"group_by": [str(error)]}) from None


class Indicators(APIView):
    """Các chỉ số đánh giá giải quyết TTHC theo kỳ báo cáo (JSON, CSV hoặc Excel theo mẫu báo cáo 01/CĐS)."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, description=_("2022 (năm báo cáo), 2025-Q3, 2025-07")),
            OpenApiParameter("from", OpenApiTypes.DATE, description=_("Từ ngày (cùng với to)")),
            OpenApiParameter("to", OpenApiTypes.DATE, description=_("Đến ngày")),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(GROUPINGS)),
            OpenApiParameter("agency", OpenApiTypes.STR, description=_("Mã định danh cơ quan")),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"]),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(), 403: OpenApiResponse()},
    )
    def get(self, request):
        try:
            scope = report_scope(request.user)
        except NoReportAccess:
            raise PermissionDenied(
                _("Chỉ giám sát Trung tâm, quản trị và lãnh đạo cơ quan được xem báo cáo chỉ số.")
            ) from None
        report = requested_report(request, scope)
        response = Response(report_data(report))
        extension = getattr(request.accepted_renderer, "format", "json")
        if extension in ("csv", "xlsx"):
            name = f"chi-so-{report.period.label}-{report.group_by}.{extension}".replace("…", "_")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
