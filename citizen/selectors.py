"""Reads of the applicant's side: the catalogue search, the applicant's own dossiers and the earlier files
he may reuse. Each is one query."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dossiers.extensions import outstanding
from dossiers.models import OPEN_STATES, DocumentVersion, Dossier, PauseReason, Status
from workflows.models import Agency, AgencyLevel, AgencyTier, OnlineLevel, Procedure
from workflows.text import fold

CATALOGUE_PAGE = 50
MY_DOSSIERS_PAGE = 50
# Where the dossier page offers to pay what is owed: an open dossier, or a resolved one before its return.
PAYABLE_STATUSES = (*OPEN_STATES, Status.RESOLVED)


def search_catalogue(q: str = "", *, limit: int = CATALOGUE_PAGE) -> list[Procedure]:
    """Active procedures offered online whose code or name holds every word of `q`, diacritics or not
    ("khai sinh" finds "Đăng ký khai sinh")."""
    procedures = (
        Procedure.objects.filter(is_active=True)
        .exclude(online_level=OnlineLevel.NONE)
        .select_related("field", "competent_agency")
        .order_by("name", "code")
    )
    for word in fold(q).split()[:8]:
        procedures = procedures.filter(search_text__contains=word)
    return list(procedures[:limit])


def procedure_page(code: str) -> Procedure | None:
    return (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("field", "competent_agency")
        .prefetch_related("documents")
        .first()
    )


def receiving_agencies(procedure: Procedure) -> list[Agency]:
    """Where an online filing of the procedure goes: its competent agency, or for a procedure each commune
    handles itself, the commune the applicant picks."""
    if procedure.competent_agency_id:
        return [procedure.competent_agency]
    tier = AgencyTier.COMMUNE if procedure.agency_level == AgencyLevel.COMMUNE else AgencyTier.DEPARTMENT
    return list(Agency.objects.filter(tier=tier).order_by("name"))


def my_dossiers(user, *, limit: int = MY_DOSSIERS_PAGE) -> QuerySet[Dossier]:
    """The applicant's dossiers, newest first, with what the list shows (one query, on the index of
    (applicant_user, created_at))."""
    return (
        Dossier.objects.filter(applicant_user=user)
        .select_related("procedure")
        .only(
            "code",
            "status",
            "created_at",
            "submitted_at",
            "appointment_at",
            "returned_at",
            "fee_amount",
            "pause_reason",
            "channel",  # with received_at: what a dossier not yet charged is estimated to owe
            "received_at",
            "awaiting_documents",
            "procedure__code",
            "procedure__name",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def amounts_owed(dossiers) -> dict[int, int]:
    """Of the listed dossiers that may owe something (a fee, or a financial obligation set during
    processing) and can still be paid: what each still owes, for the whole list at once."""
    candidates = [
        dossier
        for dossier in dossiers
        if dossier.status in PAYABLE_STATUSES and (dossier.fee_amount or dossier.pause_reason == PauseReason.FINANCIAL)
    ]
    return outstanding(candidates)


def reusable_documents(user, *, exclude_dossier: Dossier | None = None) -> list[DocumentVersion]:
    """Files the applicant handed in before and the electronic results he received, newest first, one per
    name (Art. 7 of 003: the applicant is not asked again for what the state holds)."""
    versions = (
        DocumentVersion.objects.filter(dossier__applicant_user=user)
        .exclude(file="")
        .filter(Q(is_result=False) | Q(dossier__status="returned"))
        .select_related("dossier")
        .order_by("-uploaded_at", "-pk")
    )
    if exclude_dossier is not None:
        versions = versions.exclude(dossier=exclude_dossier)
    seen, rows = set(), []
    for version in versions[:200]:
        key = (version.name.strip().lower(), version.is_result)
        if key not in seen:
            seen.add(key)
            rows.append(version)
    return rows
