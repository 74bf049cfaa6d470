"""Who may do what to a dossier (Art. 15 of 003): small named predicates used as django-fsm-2
transition permissions. An officer acts only on dossiers of his agencies and on steps of his role."""

from __future__ import annotations

from workflows.models import Membership, StaffRole


def memberships(user) -> frozenset[tuple[int, str]]:
    """(agency id, role) pairs of a user, read once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_onestop_memberships", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user_id=user.pk).values_list("agency_id", "role"))
        user._onestop_memberships = cached
    return cached


def agencies_of(user, *roles: str) -> set[int]:
    """The agencies the user has a role in (one of `roles`, when given)."""
    return {agency for agency, role in memberships(user) if not roles or role in roles}


def has_role(user, agency_id: int | None, *roles: str) -> bool:
    return any((agency_id, role) in memberships(user) for role in roles)


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def is_officer(user) -> bool:
    """A staff member: someone with a role in an agency (or a superuser)."""
    return bool(_superuser(user) or memberships(user))


def is_counter_staff(user) -> bool:
    """A counter officer of some agency (or a superuser): who receives dossiers at a counter."""
    return bool(_superuser(user) or agencies_of(user, StaffRole.COUNTER))


def sees_everything(user) -> bool:
    """Superusers and centre supervisors see every dossier of the province."""
    return _superuser(user) or any(role == StaffRole.SUPERVISOR for _agency, role in memberships(user))


def is_applicant(dossier, user) -> bool:
    return bool(user is not None and user.pk and dossier.applicant_user_id == user.pk)


def is_counter_officer(dossier, user) -> bool:
    """A counter officer of the receiving agency (or, for an online dossier, of the competent one)."""
    return (
        _superuser(user)
        or has_role(user, dossier.receiving_agency_id, StaffRole.COUNTER)
        or has_role(user, dossier.competent_agency_id, StaffRole.COUNTER)
    )


def is_leader(dossier, user) -> bool:
    """A leader of the competent agency, or of the agency doing the current (inter-agency) step."""
    if _superuser(user) or has_role(user, dossier.competent_agency_id, StaffRole.LEADER):
        return True
    step = dossier.current_step
    return step is not None and has_role(user, step.agency_id, StaffRole.LEADER)


def handles_current_step(dossier, user) -> bool:
    """The assigned handler of the current step, anyone with the step's role in the step's agency,
    or a leader above them."""
    step = dossier.current_step
    if step is None:
        return False
    if _superuser(user) or (user is not None and step.assignee_id == user.pk):
        return True
    if has_role(user, step.agency_id, step.role) or is_leader(dossier, user):
        return True
    # Co-handlers act too; followers only watch (`all()` reads a page's prefetch when it has one).
    user_id = getattr(user, "pk", None)
    return any(a.user_id == user_id and a.acts for a in step.assignments.all())


def can_start(dossier, user) -> bool:
    return (
        is_counter_officer(dossier, user)
        or is_leader(dossier, user)
        or has_role(user, dossier.competent_agency_id, StaffRole.SPECIALIST)
    )


def applicant_or_counter(dossier, user) -> bool:
    return is_applicant(dossier, user) or is_counter_officer(dossier, user)


def can_view(dossier, user) -> bool:
    """The same rule as `selectors.visible_dossiers`, for one dossier in hand."""
    if sees_everything(user) or is_applicant(dossier, user):
        return True
    mine = agencies_of(user)
    if dossier.receiving_agency_id in mine or dossier.competent_agency_id in mine:
        return True
    return any(step.agency_id in mine for step in dossier.steps.all())
