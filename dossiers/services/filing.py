"""Filing and receipt: a dossier created online or at the counter, received or refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from onestop import fastsql
from workflows.clock import ClockEventKind
from workflows.models import Agency, OnlineLevel, Procedure, ReturnChannel

from .. import permissions as perms
from ..models import Action, ApplicantKind, Channel, Dossier
from .clocks import _append_clocks, _clock, _dossier_budget, dossier_calendar
from .codes import next_dossier_code
from .documents import DocumentInput, _add_documents, _doc_refs, check_complete
from .errors import InvalidInput, _require_note
from .recording import _WHOLE, _column_values, _locked, _now, _record
from .rules import _check


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
    with fastsql.atomic():
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
            _check(dossier, Action.RECEIVE, actor)
            check_complete(dossier=dossier, documents=documents)
        dossier.save()
        dossier._loaded_values = _column_values(dossier)  # later writes in this use case update what changed
        versions = _add_documents(dossier, documents, actor)
        if channel == Channel.ONLINE:
            _record(
                dossier,
                action=Action.SUBMIT,
                from_status="",
                actor=actor,
                at=at,
                note=note,
                data={"documents": _doc_refs(versions)},
            )
        else:
            _receive(dossier, actor=actor, at=at, note=note, from_status="", versions=versions)
    return dossier


def _receive(dossier: Dossier, *, actor, at, note, from_status, versions=()):
    # DOMAIN §3: an online submission outside working hours counts from the next working time; the
    # legal time runs from submission for online dossiers and from receipt at the counter.
    start = dossier.submitted_at if dossier.channel == Channel.ONLINE and dossier.submitted_at else at
    start = dossier_calendar(dossier).next_working_instant(start)
    dossier.receive(by=actor if getattr(actor, "pk", None) else None, at=at)
    _append_clocks(dossier, [_clock(dossier, ClockEventKind.STARTED, start, budget_seconds=_dossier_budget(dossier))])
    return _record(
        dossier,
        action=Action.RECEIVE,
        from_status=from_status,
        actor=actor,
        at=at,
        note=note,
        data={
            "documents": _doc_refs(versions),
            "appointment_at": dossier.appointment_at.isoformat(),
            "clock_started_at": start.isoformat(),
        },
    )


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
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        _check(dossier, Action.RECEIVE, actor)
        check_complete(dossier=dossier, documents=documents)
        at = _now(at)
        versions = _add_documents(dossier, documents, actor)
        _receive(dossier, actor=actor, at=at, note=note, from_status=dossier.status, versions=versions)
    return dossier


def refuse_dossier(*, dossier, actor, note: str, expected_version=None, at=None) -> Dossier:
    """Refused at the counter (not in scope, not eligible), with a reason."""
    _require_note(note, _("Phải nêu lý do từ chối tiếp nhận."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.REFUSE, actor)
        at, before = _now(at), dossier.status
        dossier.refuse(at=at, reason=note)
        _record(dossier, action=Action.REFUSE, from_status=before, actor=actor, at=at, note=note)
    return dossier
