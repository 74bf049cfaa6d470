"""The indicator dashboard (/bao-cao/): the province at a glance, then an agency's procedures, then the
dossiers behind a number; rendered on the server, its charts SVG drawn here (reports.charts)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier
from workflows.models import Agency, Procedure

from . import charts
from .access import NoReportAccess, report_scope
from .indicators import MEASURES, RATE_BY_NAME, RATES
from .periods import PeriodError, parse, reporting_year
from .periods import reporting_year_of as year_of
from .selectors import MEASURE_BY_NAME, ReportError, dossiers_behind, indicator_report, monthly_trend

# The figures the dashboard shows first (the rest are in the API and the exports).
HEADLINE_COUNTS = ("received", "received_online", "resolved", "early", "on_time", "late", "withdrawn", "rejected")
HEADLINE_RATES = (
    "on_time_rate",
    "online_rate",
    "full_online_processing_rate",
    "online_payment_rate",
    "satisfaction_rate",
)
RANKABLE = [r for r in RATES if r.unit == "%"]


def _guard(request):
    """The agencies the user sees (None: all), or the response that turns him away."""
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    try:
        return report_scope(request.user), None
    except NoReportAccess:
        message = _("Chỉ giám sát Trung tâm, quản trị và lãnh đạo cơ quan được xem báo cáo chỉ số.")
        return None, render(request, "reports/refused.html", {"message": message}, status=403)


def _filters(request, scope):
    """Period, agency and procedure asked for; a bad value becomes an error shown with the form."""
    query = request.GET
    errors = []
    default = str(year_of(timezone.localdate()))
    text = query.get("period") or (None if query.get("from") else default)
    try:
        period = parse(text, first=query.get("from"), last=query.get("to"))
    except PeriodError as error:
        errors.append(str(error))
        period = reporting_year(int(default))
    agency = procedure = None
    code = (query.get("agency") or "").strip()
    if code:
        agency = Agency.objects.filter(code=code).first()
        if agency is None or (scope is not None and agency.pk not in scope):
            errors.append(_("Không có cơ quan mã %s trong phạm vi bạn được xem.") % code)
            agency = None
    if code and agency is None and scope is not None and len(scope) == 1:
        agency = Agency.objects.get(pk=next(iter(scope)))
    if not code and scope is not None and len(scope) == 1:
        agency = Agency.objects.get(pk=next(iter(scope)))
    pcode = (query.get("procedure") or "").strip()
    if pcode:
        procedure = Procedure.objects.filter(code=pcode).first()
        if procedure is None:
            errors.append(_("Không có thủ tục mã %s.") % pcode)
    return period, agency, procedure, errors


def _query(**values) -> str:
    return urlencode({k: v for k, v in values.items() if v})


def dashboard(request):
    scope, refusal = _guard(request)
    if refusal:
        return refusal
    period, agency, _procedure, errors = _filters(request, scope)
    ranked_by = request.GET.get("rank") if request.GET.get("rank") in RATE_BY_NAME else "on_time_rate"
    agencies = {agency.pk} if agency else scope
    group_by = "procedure" if agency else "agency"
    try:
        report = indicator_report(period=period, group_by=group_by, agencies=agencies)
    except ReportError as error:  # pragma: no cover - group_by is chosen here
        errors.append(str(error))
        report = indicator_report(period=period, group_by="agency", agencies=agencies)
    base = {"period": request.GET.get("period") or "", "from": request.GET.get("from"), "to": request.GET.get("to")}
    if not (base["period"] or base["from"]):
        base["period"] = period.label
    rows = []
    for group in report.groups:
        links = {"agency": agency.code if agency else group.code}
        if agency:
            links["procedure"] = group.code
        rows.append(
            {
                "group": group,
                "drill": None if agency else "?" + _query(**base, agency=group.code, rank=ranked_by),
                "counts": [
                    (group.counts[name], "ho-so/?" + _query(**base, measure=name, **links)) for name in HEADLINE_COUNTS
                ],
                "rates": [group.rates.get(name) for name in HEADLINE_RATES],
            }
        )
    targets = {(t["indicator"], g.code): t["target"] for g in report.groups for t in g.targets}
    ranking = sorted(
        (
            {
                "name": g.name,
                "value": g.rates.get(ranked_by),
                "target": targets.get((ranked_by, g.code)),
            }
            for g in report.groups
        ),
        key=lambda item: -(item["value"] if item["value"] is not None else -1),
    )
    trend = []
    for month in monthly_trend(period=period, agencies=agencies):
        first = month["month"]
        trend.append(
            {
                "label": first.strftime("%m/%Y"),
                "short": first.strftime("%m/%y"),
                "received": month["counts"]["received"],
                "resolved": month["counts"]["resolved"],
                "on_time_rate": month["rates"]["on_time_rate"],
            }
        )
    total = report.total
    total_links = {"agency": agency.code} if agency else {}
    context = {
        "period": period,
        "agency": agency,
        "errors": errors,
        "query": base,
        "rank": ranked_by,
        "rankable": RANKABLE,
        "agency_choices": Agency.objects.filter(pk__in=scope).order_by("code")
        if scope is not None
        else Agency.objects.order_by("tier", "code"),
        "total": total,
        "headline": [
            (
                str(MEASURE_BY_NAME[name].label),
                total.counts[name],
                "ho-so/?" + _query(**base, measure=name, **total_links),
            )
            for name in HEADLINE_COUNTS
        ],
        "headline_rates": [(RATE_BY_NAME[name], total.rates.get(name)) for name in HEADLINE_RATES],
        "in_progress": (total.counts["in_progress"], total.counts["in_progress_overdue"]),
        "count_labels": [str(MEASURE_BY_NAME[name].label) for name in HEADLINE_COUNTS],
        "rate_labels": [RATE_BY_NAME[name].label for name in HEADLINE_RATES],
        "rows": rows,
        "trend_chart": charts.trend(trend, title=_("Hồ sơ theo tháng")),
        "ranking_chart": charts.ranking(ranking, title=RATE_BY_NAME[ranked_by].label),
        "ranked_label": RATE_BY_NAME[ranked_by].label,
        "index": total.index,
        "export_csv": "/api/v1/reports/indicators/?"
        + _query(**base, group_by=group_by, agency=agency.code if agency else None, format="csv"),
        "export_xlsx": "/api/v1/reports/indicators/?"
        + _query(**base, group_by=group_by, agency=agency.code if agency else None, format="xlsx"),
        "back": "?" + _query(**base, rank=ranked_by) if agency and scope is None else None,
    }
    return render(request, "reports/dashboard.html", context)


def dossiers(request):
    """The dossiers behind one number of the dashboard."""
    scope, refusal = _guard(request)
    if refusal:
        return refusal
    period, agency, procedure, errors = _filters(request, scope)
    measure = request.GET.get("measure") or "received"
    found = Dossier.objects.none()
    try:
        found = dossiers_behind(
            period=period,
            measure=measure,
            agencies=scope,
            agency=agency.pk if agency else None,
            procedure=procedure.pk if procedure else None,
        )
    except ReportError as error:
        errors.append(str(error))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    chosen = MEASURE_BY_NAME.get(measure)
    return render(
        request,
        "reports/dossiers.html",
        {
            "period": period,
            "agency": agency,
            "procedure": procedure,
            "measure": chosen.label if chosen else measure,
            "errors": errors,
            "page": page,
            "count": page.paginator.count,
            "back": "../?"
            + _query(
                period=period.label if request.GET.get("period") else None, agency=agency.code if agency else None
            ),
            "measures": MEASURES,
        },
    )
