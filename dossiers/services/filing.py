"""Filing and receipt: a dossier created online or at the counter, received or refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.clock import ClockEventKind
from workflows.models import Agency, OnlineLevel, Procedure, ReturnChannel

from .. import permissions as perms
from ..models import Action, ApplicantKind, Channel, Dossier, DossierEvent
from .clocks import _dossier_budget, dossier_calendar
from .codes import next_dossier_code
from .documents import DocumentInput, _add_documents, _doc_refs, check_complete
from .errors import InvalidInput, _require_note
from .recording import WHOLE, Change, _now, created, transition
from .rules import check_action
from .supplements import _normalise_missing


def filing_channel(*, actor, requested: str | None) -> dict:
    """How `actor` files a new dossier (API.md): an officer receives it at the counter or by post; anyone
    else files online, as its applicant. The `channel` and `applicant_user` arguments of `create_dossier`."""
    if perms.is_officer(actor):
        if requested == Channel.ONLINE:
            message = _("Cán bộ tiếp nhận trực tiếp (counter) hoặc qua bưu chính (post).")
            raise InvalidInput(message, errors={"channel": [message]})
        return {"channel": requested or Channel.COUNTER}
    if requested not in (None, Channel.ONLINE):
        message = _("Người nộp chỉ nộp hồ sơ trực tuyến (online).")
        raise InvalidInput(message, errors={"channel": [message]})
    return {"channel": Channel.ONLINE, "applicant_user": actor}


def create_dossier(
    *,
    actor,
    procedure: Procedure,
    channel: str,
    receiving_agency: Agency,
    applicant_name: str,
    competent_agency: Agency | None = None,
    applicant_kind: int = ApplicantKind.CITIZEN,
    applicant_id_number: str = "",
    applicant_phone: str = "",
    applicant_email: str = "",
    applicant_address: str = "",
    summary: str = "",
    return_channel: str = ReturnChannel.COUNTER,
    documents: Sequence[DocumentInput] = (),
    note: str = "",
    at: dt.datetime | None = None,
    applicant_user=None,
    submission_seconds: int | None = None,
    missing_documents=None,
) -> Dossier:
    """File a dossier online (→ submitted) or receive it directly at the counter (→ received).
    The code is issued here and never changes. `submission_seconds`: how long the applicant's online form
    took from opening to submitting (the submission-time indicator). `missing_documents`, at the counter: the one
    complete list of what the applicant must still bring (DOMAIN §2, "hướng dẫn một lần, đầy đủ"); the dossier is
    then recorded with what was handed in, stays submitted until the supplement is handed in, and is received
    after that."""
    at = _now(at)
    if not procedure.is_active:
        raise InvalidInput(_("Thủ tục %(code)s không còn áp dụng.") % {"code": procedure.code})
    if not applicant_name or not applicant_name.strip():
        raise InvalidInput(_("Thiếu tên chủ hồ sơ."), errors={"applicant_name": [_("Bắt buộc.")]})
    if channel not in Channel.values:
        raise InvalidInput(_("Hình thức nộp không hợp lệ: %(v)s.") % {"v": channel})
    if channel == Channel.ONLINE and procedure.online_level == OnlineLevel.NONE:
        raise InvalidInput(_("Thủ tục %(code)s không cho phép nộp trực tuyến.") % {"code": procedure.code})
    allowed_returns = procedure.return_channels or ReturnChannel.values
    if return_channel not in allowed_returns:
        raise InvalidInput(
            _("Thủ tục này không trả kết quả theo hình thức “%(v)s”.") % {"v": return_channel},
            errors={"return_channel": [_("Chọn một trong: %s") % ", ".join(allowed_returns)]},
        )
    competent = competent_agency or procedure.competent_agency or receiving_agency
    with transaction.atomic():
        dossier = Dossier(
            code=next_dossier_code(agency=receiving_agency, day=timezone.localdate(at)),
            procedure=procedure,
            process=procedure.current_process(competent),
            receiving_agency=receiving_agency,
            competent_agency=competent,
            channel=channel,
            applicant_user=applicant_user,
            applicant_name=applicant_name.strip(),
            applicant_kind=applicant_kind,
            applicant_id_number=applicant_id_number,
            applicant_phone=applicant_phone,
            applicant_email=applicant_email,
            applicant_address=applicant_address,
            summary=summary,
            return_channel=return_channel,
            created_at=at,
            submitted_at=at,
            fee_amount=procedure.fee_amount,
            submission_seconds=submission_seconds if channel == Channel.ONLINE else None,
        )
        missing = None
        if channel != Channel.ONLINE and missing_documents is not None:
            # A supplement asked at the counter: by a counter officer of the receiving agency, one complete list.
            check_action(dossier, Action.REQUEST_SUPPLEMENT, actor)
            missing = _normalise_missing(missing_documents)
        elif channel != Channel.ONLINE:
            # Direct receipt: the counter officer must be one of the receiving agency, the dossier complete.
            check_action(dossier, Action.RECEIVE, actor)
            check_complete(dossier=dossier, documents=documents)
        dossier.save()
        versions = _add_documents(dossier, documents, actor)
        if channel == Channel.ONLINE:
            action = Action.SUBMIT
        else:
            action = Action.RECEIVE if missing is None else Action.REQUEST_SUPPLEMENT
        change = created(dossier, action, actor, at=at)
        change.note = note
        if channel == Channel.ONLINE:
            change.data = {"documents": _doc_refs(versions)}
        elif missing is not None:
            dossier.request_supplement(missing=missing)
            change.data = {"documents": _doc_refs(versions), "missing_documents": missing}
        else:
            _receive(change, versions)
        change.finish()
    return dossier


def _receive(change: Change, versions) -> None:
    dossier, at = change.dossier, change.at
    calendar = dossier_calendar(dossier)
    budget = _dossier_budget(dossier)
    start = calendar.next_working_instant(clock_start(dossier, received_at=at))
    if calendar.shift(start, budget) < at:
        # No appointment earlier than the receipt: a filing that waited longer than its whole limit to be received
        # gets its limit from the receipt.
        start = calendar.next_working_instant(at)
    dossier.receive(by=change.actor if getattr(change.actor, "pk", None) else None, at=at)
    change.clock(ClockEventKind.STARTED, at=start, budget_seconds=budget)
    change.apply_clocks()  # the appointment date follows from the clock
    change.data = {
        "documents": _doc_refs(versions),
        "appointment_at": dossier.appointment_at.isoformat(),
        "clock_started_at": start.isoformat(),
    }


def clock_start(dossier: Dossier, *, received_at: dt.datetime) -> dt.datetime:
    """When the dossier's legal time starts, before moving to working time (DOMAIN §3). At the counter: the receipt.
    Online, as the province chose (`settings.ONLINE_CLOCK_START`): the receipt, or the arrival of the complete
    filing, which is the applicant's last supplement asked at receipt when there was one (the time spent
    supplementing never counts), else the submission."""
    if dossier.channel != Channel.ONLINE or settings.ONLINE_CLOCK_START == "receipt":
        return received_at
    completed = (
        DossierEvent.objects.filter(dossier=dossier, action=Action.SUBMIT_SUPPLEMENT)
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    return min(completed or dossier.submitted_at or received_at, received_at)


def receive_dossier(
    *,
    dossier,
    actor,
    note: str = "",
    documents: Sequence[DocumentInput] = (),
    expected_version: int | None = None,
    at=None,
) -> Dossier:
    """The counter accepts an online dossier: the appointment date is set and the clock starts."""
    with transition(dossier, Action.RECEIVE, actor, expected_version=expected_version, related=WHOLE, at=at) as change:
        check_complete(dossier=change.dossier, documents=documents)
        change.note = note
        _receive(change, _add_documents(change.dossier, documents, actor))
    return change.dossier


def refuse_dossier(*, dossier, actor, note: str, expected_version=None, at=None) -> Dossier:
    """Refused at the counter (not in scope, not eligible), with a reason."""
    _require_note(note, _("Phải nêu lý do từ chối tiếp nhận."))
    with transition(dossier, Action.REFUSE, actor, expected_version=expected_version, at=at) as change:
        change.dossier.refuse(at=change.at, reason=note)
        change.note = note
    return change.dossier
