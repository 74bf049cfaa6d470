"""A dossier's fact row and what it adds to the summaries: `contributions(fact)` is the one place that says
which summary row (day and half month, agency, procedure) each measure of a dossier lands in, and
`apply` adds a set of changes to the summary tables in one statement per batch."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from dossiers.models import Dossier, Rating, Status
from payments.models import Method, Payment, PaymentStatus
from payments.selectors import is_fully_online

from .indicators import DAYS, MEASURE_NAMES, MEASURES
from .models import DossierFact, Grain, Outcome, Summary
from .periods import CUT_DAY, half_month_start

Key = tuple[str, dt.date, int, int]  # grain, start, agency id, procedure id
Changes = dict[Key, dict[str, float]]

_OUTCOMES = {Status.REJECTED: Outcome.REJECTED, Status.WITHDRAWN: Outcome.WITHDRAWN, Status.STOPPED: Outcome.STOPPED}


def local_day(value: dt.datetime | None) -> dt.date | None:
    """The local date (settings.TIME_ZONE) of an aware instant."""
    return value.astimezone(timezone.get_default_timezone()).date() if value is not None else None


def fact_of(
    dossier: Dossier,
    *,
    paid_online: bool = False,
    fully_online: bool = False,
    rating: Rating | None = None,
    verdict: str | None = None,
) -> DossierFact:
    """The fact row of a dossier as its columns stand (the competent agency is the one it counts for)."""
    processing = None
    if dossier.resolved_at is not None and dossier.received_at is not None:
        processing = max(0.0, (dossier.resolved_at - dossier.received_at).total_seconds())
    outcome = _OUTCOMES.get(dossier.status, "")
    return DossierFact(
        dossier_id=dossier.pk,
        agency_id=dossier.competent_agency_id,
        procedure_id=dossier.procedure_id,
        online=dossier.channel == "online",
        received_on=local_day(dossier.received_at),
        resolved_on=local_day(dossier.resolved_at),
        returned_on=local_day(dossier.returned_at) if dossier.status == Status.RETURNED else None,
        ended_on=local_day(dossier.ended_at) if outcome else None,
        outcome=outcome,
        verdict=(verdict if verdict is not None else dossier.verdict) if dossier.resolved_at else "",
        has_fee=dossier.fee_amount > 0,
        paid_online=paid_online,
        fully_online=fully_online and dossier.resolved_at is not None,
        processing_seconds=processing,
        submission_seconds=dossier.submission_seconds,
        rated_on=local_day(rating.rated_at) if rating is not None else None,
        satisfied=rating.satisfied if rating is not None else None,
    )


def live_fact(dossier: Dossier, *, before: DossierFact | None = None) -> DossierFact:
    """The fact of a dossier handled in this system: its payments and rating read when they can count
    (online payment when it has a fee; fully online and the rating once returned). A flag an import gave
    (`before`) is kept: the imported file is the only record of it."""
    paid_online = bool(before and before.paid_online)
    if dossier.fee_amount > 0 and not paid_online:
        paid_online = Payment.objects.filter(
            dossier_id=dossier.pk, method=Method.ONLINE, status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED)
        ).exists()
    fully_online = bool(before and before.fully_online)
    rating = None
    if dossier.status == Status.RETURNED:
        fully_online = fully_online or is_fully_online(dossier)
        rating = Rating.objects.filter(dossier_id=dossier.pk).first()
    fact = fact_of(dossier, paid_online=paid_online, fully_online=fully_online, rating=rating)
    fact.imported = bool(before and before.imported)
    return fact


def _plan(measure):
    """A measure as plain tuples, for the loop every dossier of an import goes through."""
    checks = tuple(
        (name[: -len("__isnull")], True, wanted) if name.endswith("__isnull") else (name, False, wanted)
        for name, wanted in measure.where.items()
    )
    return measure.name, measure.day, checks, measure.total


def contributions(fact, sign: int = 1, into: Changes | None = None) -> Changes:
    """What `fact` adds to each summary row (times `sign`), added into `into`: for each measure whose `where`
    the fact meets, 1 (or its `total` field) on the rows of the measure's day."""
    changes: Changes = into if into is not None else defaultdict(dict)
    if fact is None:
        return changes
    rows = {}
    for name, day_name, checks, total in _PLANS:
        day = getattr(fact, day_name)
        if day is None:
            continue
        for attribute, isnull, wanted in checks:
            value = getattr(fact, attribute)
            if (value is None) != wanted if isnull else value != wanted:
                break
        else:
            if day not in rows:
                rows[day] = (
                    changes[(_DAY, day, fact.agency_id, fact.procedure_id)],
                    changes[(_HALF, half_month_start(day), fact.agency_id, fact.procedure_id)],
                )
            value = sign * ((getattr(fact, total) or 0) if total else 1)
            for row in rows[day]:
                row[name] = row.get(name, 0) + value
    return changes


_DAY, _HALF = Grain.DAY.value, Grain.HALF_MONTH.value
_PLANS = tuple(_plan(m) for m in MEASURES)


def difference(before: DossierFact | None, after: DossierFact | None) -> Changes:
    changes = contributions(after)
    contributions(before, -1, changes)
    return {key: row for key, row in changes.items() if any(row.values())}


_FACT_COLUMNS = tuple(f.attname for f in DossierFact._meta.concrete_fields)


def same(before: DossierFact | None, after: DossierFact) -> bool:
    return before is not None and all(getattr(before, c) == getattr(after, c) for c in _FACT_COLUMNS)


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(Summary._meta.db_table)
    keys = ("grain", "start", "agency_id", "procedure_id")
    columns = ", ".join(quote(c) for c in (*keys, *MEASURE_NAMES))
    values = ", ".join(["%s"] * (len(keys) + len(MEASURE_NAMES)))
    added = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in MEASURE_NAMES)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({values}) "
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {added}"
    )


def apply(changes: Changes) -> None:
    """Add `changes` to the summary rows, creating the rows that do not exist yet. Rows are written in
    key order, so that two transactions touching the same rows lock them in the same order."""
    if not changes:
        return
    rows = [(*key, *(changes[key].get(m, 0) for m in MEASURE_NAMES)) for key in sorted(changes)]
    if len(rows) > _FEW:  # an import's batch: COPY and one statement
        from .bulk import upsert

        keys = ("grain", "start", "agency_id", "procedure_id")
        upsert(Summary, (*keys, *MEASURE_NAMES), rows, conflict=keys, update=MEASURE_NAMES, accumulate=True)
        return
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), rows)


_FEW = 200


# -- the same sums, set-based in SQL --------------------------------------------------------------------
def _half_start_sql(day: str) -> str:
    """SQL for the first day of the half month holding the date column `day` (as `half_month_start`)."""
    if connection.vendor == "postgresql":
        return (
            f"(date_trunc('month', {day})::date + CASE WHEN extract(day FROM {day}) > {CUT_DAY} "
            f"THEN {CUT_DAY} ELSE 0 END)"
        )
    later = f"substr({day}, 9, 2) > '{CUT_DAY:02d}'"
    return f"date({day}, 'start of month', CASE WHEN {later} THEN '+{CUT_DAY} days' ELSE '+0 days' END)"


def _condition(measure) -> tuple[str, list]:
    """A measure's `where` as SQL over the fact columns (and its day present), with its parameters."""
    parts, params = [f"{measure.day} IS NOT NULL"], []
    for name, wanted in measure.where.items():
        if name.endswith("__isnull"):
            parts.append(f"{name[: -len('__isnull')]} IS {'' if wanted else 'NOT '}NULL")
        else:
            parts.append(f"{name} = %s")
            params.append(wanted)
    return " AND ".join(parts), params


def add_sums(source: str, params: list | tuple = (), *, sign: int = 1) -> None:
    """Add to the summary rows (times `sign`) what the fact rows of `source` contribute, in one statement:
    `source` is SQL naming a table or a subquery with the columns of DossierFact (at least agency_id,
    procedure_id, the days and the columns the measures test). The set-based twin of `contributions`, for
    an import's batch and a rebuild; rows are written in key order, and keys whose sums are all 0 are left
    alone."""
    quote = connection.ops.quote_name
    selects, all_params = [], []
    for day in DAYS:
        for grain, start in ((_DAY, day), (_HALF, _half_start_sql(day))):
            columns, column_params = [], []
            for measure in MEASURES:
                if measure.day != day:
                    columns.append(f"0 AS {quote(measure.name)}")
                    continue
                condition, condition_params = _condition(measure)
                value = f"coalesce({measure.total}, 0)" if measure.total else "1"
                columns.append(f"sum(CASE WHEN {condition} THEN {value} ELSE 0 END) AS {quote(measure.name)}")
                column_params += condition_params
            selects.append(
                f"SELECT '{grain}' AS grain, {start} AS start, agency_id, procedure_id, {', '.join(columns)} "
                f"FROM {source} src WHERE {day} IS NOT NULL GROUP BY {start}, agency_id, procedure_id"
            )
            all_params += column_params + list(params)
    table = quote(Summary._meta.db_table)
    keys = ("grain", "start", "agency_id", "procedure_id")
    names = ", ".join(quote(c) for c in (*keys, *MEASURE_NAMES))
    sums = ", ".join(f"{sign} * sum({quote(m)})" for m in MEASURE_NAMES)
    nonzero = " OR ".join(f"sum({quote(m)}) <> 0" for m in MEASURE_NAMES)
    added = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in MEASURE_NAMES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT grain, start, agency_id, procedure_id, {sums} "
            f"FROM ({' UNION ALL '.join(selects)}) u WHERE true GROUP BY grain, start, agency_id, procedure_id "
            f"HAVING {nonzero} ORDER BY grain, start, agency_id, procedure_id "
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {added}",
            all_params,
        )


def write_facts(facts) -> None:
    """Write fact rows (DossierFact or any object with its attributes), replacing those of the same dossiers."""
    from .bulk import upsert

    upsert(
        DossierFact,
        _FACT_COLUMNS,
        ([getattr(f, c) for c in _FACT_COLUMNS] for f in facts),
        conflict=["dossier_id"],
        update=[c for c in _FACT_COLUMNS if c != "dossier_id"],
    )


def save_facts(facts: list[DossierFact]) -> None:
    """Write fact rows, replacing those of the same dossiers."""
    DossierFact.objects.bulk_create(
        facts,
        update_conflicts=True,
        unique_fields=["dossier"],
        update_fields=[c for c in _FACT_COLUMNS if c != "dossier_id"],
    )
