"""Filing and receipt: a dossier created online or at the counter, received or refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.clock import ClockEventKind
from workflows.models import Agency, OnlineLevel, Procedure, ReturnChannel

from .. import permissions as perms
from ..models import Action, ApplicantKind, Channel, Dossier
from .clocks import _dossier_budget, dossier_calendar
from .codes import next_dossier_code
from .documents import DocumentInput, _add_documents, _doc_refs, check_complete
from .errors import InvalidInput, _require_note
from .recording import WHOLE, Change, _now, created, transition
from .rules import check_action


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
) -> Dossier:
    """File a dossier online (→ submitted) or receive it directly at the counter (→ received).
    The code is issued here and never changes. `submission_seconds`: how long the applicant's online form
    took from opening to submitting (the submission-time indicator)."""
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
        if channel != Channel.ONLINE:
            # Direct receipt: the counter officer must be one of the receiving agency, the dossier complete.
            check_action(dossier, Action.RECEIVE, actor)
            check_complete(dossier=dossier, documents=documents)
        dossier.save()
        versions = _add_documents(dossier, documents, actor)
        change = created(dossier, Action.SUBMIT if channel == Channel.ONLINE else Action.RECEIVE, actor, at=at)
        change.note = note
        if channel == Channel.ONLINE:
            change.data = {"documents": _doc_refs(versions)}
        else:
            _receive(change, versions)
        change.finish()
    return dossier


def _receive(change: Change, versions) -> None:
    # DOMAIN §3: an online submission outside working hours counts from the next working time; the
    # legal time runs from submission for online dossiers and from receipt at the counter.
    dossier, at = change.dossier, change.at
    start = dossier.submitted_at if dossier.channel == Channel.ONLINE and dossier.submitted_at else at
    start = dossier_calendar(dossier).next_working_instant(start)
    dossier.receive(by=change.actor if getattr(change.actor, "pk", None) else None, at=at)
    change.clock(ClockEventKind.STARTED, at=start, budget_seconds=_dossier_budget(dossier))
    change.apply_clocks()  # the appointment date follows from the clock
    change.data = {
        "documents": _doc_refs(versions),
        "appointment_at": dossier.appointment_at.isoformat(),
        "clock_started_at": start.isoformat(),
    }


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
