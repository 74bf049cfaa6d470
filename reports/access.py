"""Who sees which figures: centre supervisors and admins the whole province; an agency's leader his
agencies (Art. 15 of 003)."""

from __future__ import annotations

from dossiers import permissions as perms
from workflows.models import StaffRole


class NoReportAccess(Exception):
    """The user may see no report."""


def report_scope(user) -> set[int] | None:
    """The agencies whose figures `user` sees: None for the whole province. Raises NoReportAccess."""
    if perms.sees_everything(user) or perms.agencies_of(user, StaffRole.ADMIN):
        return None
    led = perms.agencies_of(user, StaffRole.LEADER)
    if not led:
        raise NoReportAccess
    return led


def may_see_reports(user) -> bool:
    try:
        report_scope(user)
    except NoReportAccess:
        return False
    return True
