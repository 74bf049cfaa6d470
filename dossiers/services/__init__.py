"""Use cases of the dossier lifecycle (DOMAIN §2–§3).

Each public function takes keyword arguments and runs as one `transition` (`recording`): in one transaction
the dossier's row is locked, the action checked against the model's state machine (state, conditions, the
actor's role and agency), the use case's own rule applied, its clock events and history row appended and
`dossier_changed` sent, so that the portal outbox row is written in the same transaction. Nothing is
half-written: any error rolls the whole change back.

The modules, by concern: `errors` (refusals), `rules` (allowed actions and the check before acting),
`recording` (the transition skeleton: locking, saving and the history row), `clocks`, `codes`, `documents`,
`filing` (creation and receipt), `supplements`, `steps` (processing steps and assignment), `pauses` (pauses
and apologies), `results` (resolution, return, withdrawal, stop) `ratings` (the applicant's satisfaction
rating) and `applicants` (linking counter-filed dossiers to the applicant's account).
"""

from ..models import Action
from .applicants import link_applicant_dossiers
from .clocks import dossier_calendar, read_dossier_clock, remaining_working_seconds
from .codes import next_dossier_code
from .documents import DocumentInput, add_documents, check_complete, sniff_content_type, validate_upload
from .errors import (
    ActionForbidden,
    ChangedUnderYou,
    DossierError,
    DossierNotFound,
    InvalidInput,
    TransitionNotAllowed,
)
from .filing import create_dossier, filing_channel, receive_dossier, refuse_dossier
from .pauses import apologize, pause_dossier, resume_dossier
from .ratings import AlreadyRated, rate_dossier
from .recording import lock_dossier, record_event
from .results import resolve_dossier, return_result, stop_dossier, withdraw_dossier
from .rules import ACTION_METHODS, allowed_actions, blocked_actions
from .steps import assign_handlers, complete_step, send_back, start_processing
from .supplements import request_supplement, submit_supplement

# The API's action names → (service, the body fields it takes besides note).
ACTION_SERVICES = {
    Action.RECEIVE: receive_dossier,
    Action.REFUSE: refuse_dossier,
    Action.START: start_processing,
    Action.ASSIGN: assign_handlers,
    Action.COMPLETE_STEP: complete_step,
    Action.SEND_BACK: send_back,
    Action.REQUEST_SUPPLEMENT: request_supplement,
    Action.SUBMIT_SUPPLEMENT: submit_supplement,
    Action.PAUSE: pause_dossier,
    Action.RESUME: resume_dossier,
    Action.APOLOGIZE: apologize,
    Action.RESOLVE: resolve_dossier,
    Action.RETURN_RESULT: return_result,
    Action.WITHDRAW: withdraw_dossier,
    Action.STOP: stop_dossier,
}

__all__ = [
    "ACTION_METHODS",
    "ACTION_SERVICES",
    "ActionForbidden",
    "AlreadyRated",
    "ChangedUnderYou",
    "DocumentInput",
    "DossierError",
    "DossierNotFound",
    "InvalidInput",
    "TransitionNotAllowed",
    "add_documents",
    "allowed_actions",
    "blocked_actions",
    "apologize",
    "assign_handlers",
    "check_complete",
    "complete_step",
    "create_dossier",
    "dossier_calendar",
    "filing_channel",
    "link_applicant_dossiers",
    "lock_dossier",
    "next_dossier_code",
    "pause_dossier",
    "rate_dossier",
    "read_dossier_clock",
    "receive_dossier",
    "record_event",
    "refuse_dossier",
    "remaining_working_seconds",
    "request_supplement",
    "resolve_dossier",
    "resume_dossier",
    "return_result",
    "send_back",
    "sniff_content_type",
    "start_processing",
    "stop_dossier",
    "submit_supplement",
    "validate_upload",
    "withdraw_dossier",
]
