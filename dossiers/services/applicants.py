"""Linking the dossiers filed for an applicant without an account (at the counter, by post, imported) to the
account of the person who signs in with the same ID number (or a business's tax code)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Action, Dossier
from .recording import transition


def _unlinked_dossier_ids(applicant_number: str) -> list[int]:
    """The dossiers of this ID number (or tax code) that no account holds yet, their rows locked in key order
    (found by the partial index `dossier_unlinked_applicant`). A row another sign-in linked while this one
    waited for its lock no longer matches and is left out."""
    if not applicant_number:
        return []
    return list(
        Dossier.objects.select_for_update()
        .filter(applicant_user__isnull=True, applicant_id_number=applicant_number)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def link_applicant_dossiers(*, user, applicant_number: str, at: dt.datetime | None = None) -> list[Dossier]:
    """Give `user` the dossiers filed for `applicant_number` that no account holds, in one transaction: each
    one locked, its version bumped and a history row (a note the public timeline does not show) recorded, so
    that an officer's screen open on it sees the change and the other apps are told (`dossier_changed`)."""
    at = at or timezone.now()
    linked = []
    with transaction.atomic():
        for pk in _unlinked_dossier_ids(applicant_number):
            with transition(pk, Action.NOTE, user, at=at, check=False) as change:
                change.dossier.applicant_user = user
                change.note = _("Liên kết hồ sơ với tài khoản định danh điện tử của người nộp.")
                change.data = {"linked": True, "applicant_user": user.pk}
            linked.append(change.dossier)
    return linked
