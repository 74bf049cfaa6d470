"""Read queries of the dossier lifecycle: who sees which dossiers, worklists, one dossier in full, and the
public tracking view (DOMAIN §3 "Tracking"). Each is one query (plus prefetches for the detail)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from workflows.calendar import calendar_for
from workflows.models import Procedure, ProcedureDocument, StaffRole

from . import permissions as perms
from .models import (
    DocumentVersion,
    Dossier,
    DossierEvent,
    DossierStep,
    HandlerRole,
    Status,
    StepAssignment,
)
from .tracking import INTERNAL_ACTIONS


def visible_dossiers(user) -> QuerySet[Dossier]:
    """Dossiers the user may see: his own as an applicant, and as an officer those of his agencies
    (receiving, competent, or an agency doing one of its steps). Supervisors see all."""
    dossiers = Dossier.objects.all()
    if user is None or not user.is_authenticated:
        return dossiers.none()
    if perms.sees_everything(user):
        return dossiers
    mine = perms.agencies_of(user)
    seen = Q(applicant_user=user)
    if mine:
        step_here = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=mine)
        seen |= Q(receiving_agency_id__in=mine) | Q(competent_agency_id__in=mine) | Exists(step_here)
    return dossiers.filter(seen)


# What a list of dossiers shows of their related rows.
_LIST_RELATED = (
    "procedure",
    "receiving_agency",
    "competent_agency",
    "current_step",
    "current_step__assignee",
    "current_step__agency",
)


def worklist(
    user,
    *,
    status: list[str] | None = None,
    agency=None,
    procedure=None,
    overdue: bool | None = None,
    due_before: dt.date | None = None,
    assigned_to_me: bool = False,
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Dossier]:
    """A page-ready worklist: every filter of the API, with the related rows a list shows joined in."""
    now = now or timezone.now()
    dossiers = visible_dossiers(user).select_related(*_LIST_RELATED)
    if status:
        dossiers = dossiers.filter(status__in=status)
    if agency is not None:
        dossiers = dossiers.filter(Q(receiving_agency=agency) | Q(competent_agency=agency))
    if procedure is not None:
        dossiers = dossiers.filter(procedure=procedure)
    if overdue is True:
        dossiers = dossiers.filter(Dossier.overdue_q(now))
    elif overdue is False:
        dossiers = dossiers.exclude(Dossier.overdue_q(now))
    if due_before is not None:
        end = dt.datetime.combine(due_before, dt.time.min, tzinfo=timezone.get_current_timezone())
        dossiers = dossiers.filter(due_at__lt=end)
    if assigned_to_me:
        handler = StepAssignment.objects.filter(step_id=OuterRef("current_step_id"), user=user)
        dossiers = dossiers.filter(Q(current_step__assignee=user) | Exists(handler))
    if q and q.strip():
        dossiers = _found_once(dossiers.filter(Dossier.search_q(q)))
    return dossiers.order_by("-created_at", "-id")


# A search that finds at most this many dossiers is run once, and the list's counts, tabs and page read those rows by
# key; one that finds more is left as a filter (a word as common as a family name: its first page comes first).
SEARCH_ROWS_READ_ONCE = 500


def _found_once(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The dossiers a search finds, read once (their keys, through the search index): the same list as a filter on
    those keys, so that the counts, the tab counts and the page do not search again."""
    keys = list(dossiers.order_by().values_list("pk", flat=True)[: SEARCH_ROWS_READ_ONCE + 1])
    if len(keys) > SEARCH_ROWS_READ_ONCE:
        return dossiers
    return Dossier.objects.filter(pk__in=keys).select_related(*_LIST_RELATED)


# -- the officers' worklist tabs ----------------------------------------------------------------
def _any(conditions: list[Q]) -> Q | None:
    found = None
    for condition in conditions:
        found = condition if found is None else found | condition
    return found


def waiting_on_q(user) -> Q:
    """Dossiers waiting on this officer: the current step is his (assigned to him, or unassigned and of
    his role in its agency), or received and his to send into processing."""
    handler = StepAssignment.objects.filter(step_id=OuterRef("current_step_id"), user_id=user.pk).exclude(
        role=HandlerRole.FOLLOWER
    )
    step = Q(current_step__assignee_id=user.pk) | Exists(handler)
    by_role = _any([Q(current_step__agency_id=a, current_step__role=r) for a, r in perms.memberships(user)])
    if by_role is not None:
        step |= Q(current_step__assignee__isnull=True) & by_role
    mine = Q(status=Status.PROCESSING) & step
    counter = perms.agencies_of(user, StaffRole.COUNTER)
    starters = perms.agencies_of(user, StaffRole.COUNTER, StaffRole.LEADER, StaffRole.SPECIALIST)
    if starters:
        mine |= Q(status=Status.RECEIVED) & (Q(receiving_agency_id__in=counter) | Q(competent_agency_id__in=starters))
    return mine


def worklist_tabs(user, now: dt.datetime) -> dict[str, Q]:
    """Each tab of the officers' worklist, by its slug, as a filter on the dossiers the user sees (DOMAIN §3:
    worklists show due-soon and overdue)."""
    calendar = calendar_for(None)
    soon = calendar.add(now, calendar.day_seconds())
    running = Dossier.clock_running_q()
    return {
        "cho-tiep-nhan": Q(status=Status.SUBMITTED),
        "cua-toi": waiting_on_q(user),
        "sap-den-han": running & Q(due_at__gte=now, due_at__lt=soon),
        "qua-han": Dossier.overdue_q(now),
        "cho-bo-sung": Q(status=Status.SUPPLEMENT) | Q(status=Status.SUBMITTED, awaiting_documents=True),
        "tam-dung": Q(status=Status.PAUSED),
        "cho-tra": Q(status=Status.RESOLVED),
        "tat-ca": Q(),
    }


def tab_counts(dossiers: QuerySet[Dossier], tabs: dict[str, Q], cap: int, *, narrow: bool = False) -> dict[str, int]:
    """How many of `dossiers` each tab holds, counted up to `cap` + 1 (a tab with more shows "more than
    cap"). A `narrow` list (a search) is read once when it holds at most `cap` rows, each tab counted among them in
    the same statement; a longer list is counted tab by tab, each count reading at most cap + 1 rows."""
    found = _tab_counts_within(dossiers, tabs, cap) if narrow else None
    return found if found is not None else _tab_counts_each(dossiers, tabs, cap)


def _tab_counts_within(dossiers: QuerySet[Dossier], tabs: dict[str, Q], cap: int) -> dict[str, int] | None:
    """Every tab's count among the first cap + 1 rows of `dossiers`, read once; None when there are more (then
    those counts would fall short)."""
    first = dossiers.order_by().values("pk")[: cap + 1]
    counts = {f"tab_{i}": Count("pk", filter=condition) for i, condition in enumerate(tabs.values())}
    found = Dossier.objects.filter(pk__in=first).aggregate(all_rows=Count("pk"), **counts)
    if found["all_rows"] > cap:
        return None
    return {key: found[f"tab_{i}"] for i, key in enumerate(tabs)}


def _tab_counts_each(dossiers: QuerySet[Dossier], tabs: dict[str, Q], cap: int) -> dict[str, int]:
    """Each tab counted up to cap + 1 by a capped COUNT of its own, all in one statement."""
    parts, params = [], []
    for condition in tabs.values():
        try:
            sql, args = dossiers.filter(condition).order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (no agency, say)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS tab)")
        params.extend(args)
    with connections[dossiers.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(tabs, cursor.fetchone(), strict=True))


def dossier_for(user, code: str) -> Dossier | None:
    """One dossier with everything its detail shows, or None when it does not exist or the user may not
    see it (the API answers 404 in both cases, so that outsiders learn nothing)."""
    dossier = (
        visible_dossiers(user)
        .select_related(
            "procedure",
            "procedure__field",
            "process",
            "receiving_agency",
            "competent_agency",
            "received_by",
            "applicant_user",
            "current_step",
            "current_step__assignee",
            "current_step__agency",
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("assignee", "agency").prefetch_related(
                    Prefetch("assignments", queryset=StepAssignment.objects.select_related("user"))
                ),
            ),
            Prefetch("documents", queryset=DocumentVersion.objects.order_by("component", "version", "part")),
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        return None
    if dossier.current_step_id:
        # Permission checks read the current step's handlers; share the prefetched pass.
        for step in dossier.steps.all():
            if step.pk == dossier.current_step_id:
                dossier.current_step = step
    return dossier


def latest_documents(dossier: Dossier, *, results: bool = True) -> list[dict]:
    """Each document component in its current version: `files` (its parts, in order), `latest` (the first
    of them), `versions` (how many versions it has had), `component`; without the results when `results`
    is false (what the applicant handed in)."""
    by_component: dict[str, list[DocumentVersion]] = {}
    for version in dossier.documents.all():
        if results or not version.is_result:
            by_component.setdefault(version.component, []).append(version)
    rows = []
    for component, versions in by_component.items():
        current = max(v.version for v in versions)
        files = sorted((v for v in versions if v.version == current), key=lambda v: v.part)
        count = len({v.version for v in versions})
        rows.append({"latest": files[0], "files": files, "versions": count, "component": component})
    return rows


def missing_components(
    *, dossier: Dossier | None = None, procedure: Procedure | None = None, given: Iterable[str] = ()
) -> list[ProcedureDocument]:
    """The required components (ProcedureDocument, in their order) of a `dossier`'s procedure that it has
    not handed in yet, or, before the dossier exists (a receipt at the counter), of a `procedure`; those
    among the component codes `given` count as there. A dossier is received only when this is empty
    (DOMAIN §2)."""
    if (dossier is None) == (procedure is None):
        raise TypeError("missing_components() takes either a dossier or a procedure")
    present = set(given)
    if dossier is not None:
        procedure = dossier.procedure
        if dossier.pk is not None:
            handed_in = dossier.documents.filter(is_result=False).order_by().values_list("component", flat=True)
            present.update(handed_in.distinct())
    return [d for d in procedure.documents.order_by("order") if d.required and d.code not in present]


def changes_of(event_ids) -> dict[int, tuple[str, str]]:
    """Of each history row by id: its action and the state it left the dossier in."""
    rows = DossierEvent.objects.filter(id__in=list(event_ids)).values_list("id", "action", "to_status")
    return {pk: (action, status) for pk, action, status in rows}


def history(dossier: Dossier) -> QuerySet[DossierEvent]:
    return DossierEvent.objects.filter(dossier=dossier).order_by("seq")


def tracking_stamp(code: str) -> Dossier | None:
    """The few fields of a dossier that say whether its public view changed (its version) and whether it is
    overdue now, by its code (one query on the code's unique index); None when there is no such dossier."""
    return (
        Dossier.objects.filter(code=code.strip())
        .only("id", "code", "version", "status", "clock_running", "due_at")
        .first()
    )


def tracked_dossier(code: str) -> Dossier | None:
    """The dossier behind a public tracking look-up, with its timeline prefetched."""
    public_events = DossierEvent.objects.exclude(action__in=INTERNAL_ACTIONS).order_by("seq")
    return (
        Dossier.objects.select_related("procedure", "receiving_agency", "competent_agency")
        .prefetch_related(Prefetch("events", queryset=public_events, to_attr="public_events"))
        .filter(code=code.strip())
        .first()
    )
