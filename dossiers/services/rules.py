"""Which actions the state machine allows a dossier, and the check a use case makes before acting.

Both read the transitions through django-fsm's public API (`get_available_status_transitions`,
`get_all_status_transitions`, `can_proceed`, `Transition.has_perm`); a condition runs once per check.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_fsm import can_proceed

from .. import permissions as perms
from ..models import Action, Dossier, Status
from .errors import ActionForbidden, TransitionNotAllowed

ACTION_METHODS: dict[str, str] = {
    Action.RECEIVE: "receive",
    Action.REFUSE: "refuse",
    Action.START: "start",
    Action.ASSIGN: "assign",
    Action.COMPLETE_STEP: "complete_step",
    Action.SEND_BACK: "send_back",
    Action.REQUEST_SUPPLEMENT: "request_supplement",
    Action.SUBMIT_SUPPLEMENT: "submit_supplement",
    Action.PAUSE: "pause",
    Action.RESUME: "resume",
    Action.APOLOGIZE: "apologize",
    Action.RESOLVE: "resolve",
    Action.RETURN_RESULT: "return_result",
    Action.WITHDRAW: "withdraw",
    Action.STOP: "stop",
}
_ACTIONS_OF = {method: action for action, method in ACTION_METHODS.items()}


def allowed_actions(dossier: Dossier, user=None) -> list[str]:
    """Actions possible from the dossier's state whose conditions hold (and, given a user, that he may
    do), in the order of `ACTION_METHODS`."""
    if user is None:
        available = dossier.get_available_status_transitions()
    else:
        available = dossier.get_available_user_status_transitions(user)
    names = {tr.name for tr in available}
    return [action for action, method in ACTION_METHODS.items() if method in names]


def _transition_of(dossier: Dossier, action: str):
    """The transition `action` takes from the dossier's state, or None when it takes none."""
    name = ACTION_METHODS[action]
    if not can_proceed(getattr(dossier, name), check_conditions=False):
        return None
    found = [tr for tr in dossier.get_all_status_transitions() if tr.name == name]
    return next((tr for tr in found if tr.source == dossier.status), None) or found[0]


def blocked_actions(dossier: Dossier, user) -> list[tuple[str, str]]:
    """Actions the user could take from the dossier's state but for a condition that does not hold, each with
    what its condition says: why it is missing and what unblocks it (a fee unpaid, documents missing)."""
    found = []
    for action in ACTION_METHODS:
        tr = _transition_of(dossier, action)
        if tr is None:
            continue
        if not tr.has_perm(dossier, user):
            if action == Action.COMPLETE_STEP and perms.is_officer(user) and dossier.current_step is not None:
                found.append((action, _held_by_another(dossier)))
            continue
        failed = next((cond for cond in tr.conditions if not cond(dossier)), None)
        if failed is not None:
            found.append((action, _condition_message(failed, dossier)))
    return found


def _held_by_another(dossier: Dossier) -> str:
    """Why an officer who sees the dossier cannot finish its step: the step is someone else's, and who that is."""
    step = dossier.current_step
    holder = _("%(role)s của %(agency)s") % {"role": step.get_role_display(), "agency": step.agency.name}
    if step.assignee is not None:
        holder = _("%(name)s (%(holder)s)") % {
            "name": step.assignee.get_full_name() or step.assignee.get_username(),
            "holder": holder,
        }
    return _(
        "Hồ sơ đang ở bước “%(step)s”, do %(holder)s xử lý. Bạn sẽ thao tác được khi hồ sơ chuyển đến bước của "
        "bạn, hoặc khi lãnh đạo giao bước này cho bạn (người xử lý chính hoặc phối hợp)."
    ) % {"step": step.name, "holder": holder}


def _condition_message(cond, dossier: Dossier) -> str:
    """A condition may say why it failed (`reason`), else its fixed `message`."""
    reason = getattr(cond, "reason", None)
    return str((reason(dossier) if reason else None) or getattr(cond, "message", _("Điều kiện chưa đáp ứng.")))


def check_action(dossier: Dossier, action: str, actor) -> None:
    """Refuse `action` unless the dossier's state allows it, its conditions hold and `actor` may do it."""
    tr = _transition_of(dossier, action)
    if tr is None:
        allowed = allowed_actions(dossier)
        raise TransitionNotAllowed(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”. Thao tác được phép: %(allowed)s.")
            % {
                "action": Action(action).label,
                "state": Status(dossier.status).label,
                "allowed": ", ".join(f"“{Action(a).label}”" for a in allowed) or _("không có"),
            },
            current_status=dossier.status,
            allowed_actions=allowed,
        )
    for cond in tr.conditions:
        if not cond(dossier):
            raise TransitionNotAllowed(
                _condition_message(cond, dossier), code="condition_failed", current_status=dossier.status
            )
    if not tr.has_perm(dossier, actor):
        raise ActionForbidden(
            _("Bạn không có quyền “%(action)s” đối với hồ sơ %(code)s (không thuộc cơ quan hoặc vai trò xử lý).")
            % {"action": Action(action).label, "code": dossier.code}
        )
