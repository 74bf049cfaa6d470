"""Reading the figures: a report of every indicator for a period, grouped by agency, field, procedure, tier
or the whole province, from the summary tables (a reporting year reads its 24 half months, whatever the
number of dossiers); the monthly trend; and the dossiers behind a number."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BigIntegerField, Case, DateField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import OPEN_STATES, Dossier, Status
from workflows.models import Agency, AgencyTier, Field, OnlineLevel, Procedure

from .indicators import DERIVED, MEASURE_NAMES, MEASURES, RATES, national_index, online_time_reduction
from .models import DossierFact, Grain, Summary, Target
from .periods import Period, pieces

GROUPINGS = ("agency", "field", "procedure", "tier", "province")
MEASURE_BY_NAME = {m.name: m for m in MEASURES}


class ReportError(ValueError):
    """A request for a report that cannot be answered; the message says why, for a person."""


@dataclass
class Group:
    key: object
    code: str
    name: str
    counts: dict = field(default_factory=lambda: dict.fromkeys((*MEASURE_NAMES, *DERIVED), 0))
    procedures: set = field(default_factory=set)  # every procedure the group offers or had dossiers of
    with_dossiers: set = field(default_factory=set)
    with_online: set = field(default_factory=set)
    rates: dict = field(default_factory=dict)
    targets: list = field(default_factory=list)
    index: list = field(default_factory=list)
    active: bool = True

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "active": self.active,
            "counts": self.counts,
            "rates": self.rates,
            "national_index": self.index,
            "targets": self.targets,
        }


@dataclass
class Report:
    period: Period
    group_by: str
    groups: list[Group]
    total: Group


def _period_rows(period: Period, agencies: set[int] | None) -> QuerySet:
    days, halves = pieces(period)
    rows = Summary.objects.filter(
        Q(grain=Grain.DAY, start__in=days) | Q(grain=Grain.HALF_MONTH, start__in=halves)
        if days
        else Q(grain=Grain.HALF_MONTH, start__in=halves)
    )
    if agencies is not None:
        rows = rows.filter(agency_id__in=agencies)
    return rows


# The calendar month of a summary row, as a date (a truncated timestamp would cost a time zone per row).
_MONTH = Cast(TruncMonth("start"), output_field=DateField())


def _sums():
    # PostgreSQL sums bigint columns as numeric; cast back, so that rows are read as integers, not Decimals.
    return {m.name: Sum(m.name) if m.seconds else Cast(Sum(m.name), output_field=BigIntegerField()) for m in MEASURES}


def _local_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def in_progress(period: Period, agencies: set[int] | None, now: dt.datetime | None = None) -> list[dict]:
    """Dossiers received in the period and not finished yet, per agency and procedure, with how many of
    them are overdue now (the running clock past the due date, as worklists say).

    The open dossiers are read first, by their state (a province has few open dossiers, however many it
    has ever received), and the period filters those: left to itself, the planner would rather scan a
    year's receipts by date and intersect."""
    open_rows = Dossier.objects.filter(status__in=[s for s in OPEN_STATES if s != Status.SUBMITTED])
    if agencies is not None:
        open_rows = open_rows.filter(competent_agency_id__in=agencies)
    open_rows = open_rows.annotate(
        late=Case(When(Dossier.overdue_q(now), then=Value(1)), default=Value(0), output_field=IntegerField())
    ).values("competent_agency_id", "procedure_id", "received_at", "late")
    inner, params = open_rows.query.sql_with_params()
    start, end = (connection.ops.adapt_datetimefield_value(value) for value in _local_bounds(period))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH open_dossiers AS MATERIALIZED ({inner}) "
            "SELECT competent_agency_id, procedure_id, count(*), sum(late) FROM open_dossiers "
            "WHERE received_at >= %s AND received_at < %s GROUP BY competent_agency_id, procedure_id",
            [*params, start, end],
        )
        return [
            {"competent_agency_id": agency, "procedure_id": procedure, "total": total, "overdue": int(late or 0)}
            for agency, procedure, total, late in cursor.fetchall()
        ]


class _Catalogue:
    def __init__(self):
        self.agencies = {a.pk: a for a in Agency.objects.all()}
        self.procedures = {p.pk: p for p in Procedure.objects.all()}
        self.fields = {f.pk: f for f in Field.objects.all()}

    def group_of(self, group_by: str, agency_id: int, procedure_id: int):
        if group_by == "agency":
            return agency_id
        if group_by == "procedure":
            return procedure_id
        if group_by == "field":
            return self.procedures[procedure_id].field_id
        if group_by == "tier":
            return self.agencies[agency_id].tier
        return "province"

    def make_group(self, group_by: str, key) -> Group:
        if group_by == "agency":
            agency = self.agencies[key]
            return Group(key, agency.code, agency.name, active=agency.is_active)
        if group_by == "procedure":
            procedure = self.procedures[key]
            return Group(key, procedure.code, procedure.name, active=procedure.is_active)
        if group_by == "field":
            item = self.fields[key]
            return Group(key, item.code, item.name)
        if group_by == "tier":
            return Group(key, key, str(AgencyTier(key).label))
        return Group(key, "province", _("Toàn tỉnh"))

    def offered(self, group_by: str, agencies: set[int] | None) -> dict[object, set[int]]:
        """The active procedures each group offers by the catalogue (a commune-level procedure, which has no
        competent agency, is offered by every commune)."""
        communes = [a.pk for a in self.agencies.values() if a.tier == AgencyTier.COMMUNE and a.is_active]
        offered: dict[object, set[int]] = defaultdict(set)
        for procedure in self.procedures.values():
            if not procedure.is_active:
                continue
            owners = [procedure.competent_agency_id] if procedure.competent_agency_id else communes
            for agency_id in owners:
                if agencies is None or agency_id in agencies:
                    offered[self.group_of(group_by, agency_id, procedure.pk)].add(procedure.pk)
        return offered


def _finish(group: Group, catalogue: _Catalogue) -> None:
    counts = group.counts
    procedures = [catalogue.procedures[p] for p in group.procedures]
    full = {p.pk for p in procedures if p.online_level == OnlineLevel.FULL}
    online = {p.pk for p in procedures if p.online_level != OnlineLevel.NONE}
    counts["services_eligible"] = sum(1 for p in procedures if p.is_active)
    counts["services_full_online"] = sum(1 for p in procedures if p.is_active and p.pk in full)
    counts["services_full_with_dossiers"] = len(group.with_dossiers & full)
    counts["services_full_with_online"] = len(group.with_online & full)
    counts["services_online"] = sum(1 for p in procedures if p.is_active and p.pk in online)
    counts["services_online_with_dossiers"] = len(group.with_dossiers & online)
    group.rates = {rate.name: rate.of(counts) for rate in RATES}
    group.rates["online_time_reduction"] = online_time_reduction(counts)
    group.index = national_index(group.rates)


def indicator_report(*, period: Period, group_by: str = "agency", agencies: set[int] | None = None, now=None) -> Report:
    """Every indicator for `period`, one group per agency (field, procedure, tier, or the province) that has
    a figure or offers a procedure; `agencies` limits it to these agencies' dossiers."""
    if group_by not in GROUPINGS:
        raise ReportError(_("Cách nhóm không hợp lệ: dùng agency, field, procedure, tier hoặc province."))
    catalogue = _Catalogue()
    groups: dict[object, Group] = {}
    total = catalogue.make_group("province", "province")

    def group(key) -> Group:
        if key not in groups:
            groups[key] = catalogue.make_group(group_by, key)
        return groups[key]

    def add(agency_id, procedure_id, values: dict) -> None:
        key = catalogue.group_of(group_by, agency_id, procedure_id)
        full = catalogue.procedures[procedure_id].online_level == OnlineLevel.FULL
        for target in (group(key), total):
            for name, value in values.items():
                target.counts[name] += value or 0
            if values.get("received"):
                target.with_dossiers.add(procedure_id)
                target.procedures.add(procedure_id)
                if full:
                    target.counts["received_full_service"] += values["received"]
                    target.counts["received_full_service_online"] += values.get("received_online") or 0
            if values.get("received_online"):
                target.with_online.add(procedure_id)

    rows = _period_rows(period, agencies).values("agency_id", "procedure_id").annotate(**_sums())
    for row in rows:
        add(row.pop("agency_id"), row.pop("procedure_id"), row)
    for row in in_progress(period, agencies, now):
        add(
            row["competent_agency_id"],
            row["procedure_id"],
            {
                "in_progress": row["total"],
                "in_progress_overdue": row["overdue"],
                "in_progress_on_time": row["total"] - row["overdue"],
            },
        )
    if group_by in ("agency", "province") and agencies is not None:
        for agency_id in agencies:
            group(agency_id if group_by == "agency" else "province")
    offered = catalogue.offered(group_by, agencies)
    for key, item in groups.items():
        item.procedures |= offered.get(key, set())
        _finish(item, catalogue)
    for procedures in offered.values():
        total.procedures |= procedures
    _finish(total, catalogue)
    if group_by == "agency":
        _attach_targets(groups, period.reporting_year)
    ordered = sorted(groups.values(), key=lambda g: (str(g.code), str(g.name)))
    return Report(period=period, group_by=group_by, groups=ordered, total=total)


def _attach_targets(groups: dict, year: int) -> None:
    for target in Target.objects.filter(year=year, agency_id__in=list(groups)):
        group = groups[target.agency_id]
        actual = group.rates.get(target.indicator)
        value = float(target.value)
        group.targets.append(
            {
                "indicator": target.indicator,
                "label": str(target.get_indicator_display()),
                "target": value,
                "actual": actual,
                "gap": round(actual - value, 2) if actual is not None else None,
                "source": target.source,
            }
        )


def monthly_trend(*, period: Period, agencies: set[int] | None = None) -> list[dict]:
    """Per calendar month the period touches: the measures summed (edge months only for their days in it)."""
    rows = _period_rows(period, agencies).annotate(month=_MONTH).values("month").annotate(**_sums()).order_by("month")
    found = {row.pop("month"): row for row in rows}
    trend = []
    for month in period.months():
        counts = {name: found.get(month, {}).get(name) or 0 for name in MEASURE_NAMES}
        trend.append({"month": month, "counts": counts, "rates": {rate.name: rate.of(counts) for rate in RATES}})
    return trend


def dossiers_behind(
    *, period: Period, measure: str, agencies: set[int] | None = None, agency=None, procedure=None
) -> QuerySet:
    """The dossiers counted in one measure of a report (the drill-down from a number), newest first."""
    chosen = MEASURE_BY_NAME.get(measure)
    if chosen is None:
        raise ReportError(_("Không có chỉ số này để xem chi tiết hồ sơ."))
    facts = DossierFact.objects.filter(**chosen.filters(), **{f"{chosen.day}__range": (period.first, period.last)})
    if agencies is not None:
        facts = facts.filter(agency_id__in=agencies)
    if agency is not None:
        facts = facts.filter(agency_id=agency)
    if procedure is not None:
        facts = facts.filter(procedure_id=procedure)
    return (
        Dossier.objects.filter(pk__in=facts.values("dossier_id"))
        .select_related("procedure", "competent_agency")
        .order_by("-received_at", "-pk")
    )


def breakdown(*, period: Period, agencies: set[int] | None = None) -> list[dict]:
    """Every measure per agency × procedure × calendar month of the period (the summaries' half months and
    edge days folded into their month). The database sums; its rows are read as plain tuples (the ORM's
    per-value conversions would cost more than the statement)."""
    rows = (
        _period_rows(period, agencies)
        .annotate(month=_MONTH)
        .values("agency_id", "procedure_id", "month")
        .annotate(**_sums())
        .order_by("agency_id", "procedure_id", "month")
    )
    sql, params = rows.query.sql_with_params()
    names = ("agency_id", "procedure_id", "month", *MEASURE_NAMES)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in found:
        if isinstance(row["month"], str):  # SQLite answers dates as text
            row["month"] = dt.date.fromisoformat(row["month"][:10])
        elif isinstance(row["month"], dt.datetime):
            row["month"] = row["month"].date()
    return found
