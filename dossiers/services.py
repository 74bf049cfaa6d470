"""Use cases of the dossier lifecycle (DOMAIN §2–§3).

Each public function takes keyword arguments, runs in one transaction (`fastsql.atomic`: on PostgreSQL its
statements are pipelined, the writes sent with the COMMIT without waiting for each answer) with the dossier's
row locked, checks the transition against the model (state, conditions, the actor's role and agency), applies
it, appends the history row and clock events, and sends `dossier_changed` so that the portal outbox row is
written in the same transaction. Nothing is half-written: any error rolls the whole change back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import ne

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop import fastsql
from workflows.calendar import WorkingCalendar, calendar_of
from workflows.clock import ClockEntry, ClockEventKind, ClockReading, classify, read_clock
from workflows.models import (
    Agency,
    OnlineLevel,
    Procedure,
    ProcedureDocument,
    ProcessStep,
    ReturnChannel,
    StaffRole,
    SupplementPolicy,
)

from . import permissions as perms
from .models import (
    Action,
    ApplicantKind,
    Channel,
    ClockEvent,
    DailySequence,
    DocumentVersion,
    Dossier,
    DossierEvent,
    DossierStep,
    HandlerRole,
    PauseReason,
    Result,
    Status,
    StepAssignment,
    StepStatus,
)
from .selectors import missing_components
from .signals import dossier_changed


# -- errors -----------------------------------------------------------------------------------------
class DossierError(Exception):
    """A refusal with a message a person understands; `status` is the HTTP answer."""

    status = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None, errors: dict | None = None, **extra):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.errors = errors or {}
        self.extra = extra


class InvalidInput(DossierError):
    status, code = 400, "invalid"


class ActionForbidden(DossierError):
    status, code = 403, "permission_denied"


class TransitionNotAllowed(DossierError):
    status, code = 409, "transition_not_allowed"


class ChangedUnderYou(DossierError):
    status, code = 409, "conflict"


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


def _transition_of(dossier: Dossier, action: str):
    method = getattr(dossier, ACTION_METHODS[action])
    return method._django_fsm.get_transition(dossier.status)


def allowed_actions(dossier: Dossier, user=None) -> list[str]:
    """Actions possible from the dossier's state whose conditions hold (and, given a user, that he may
    do)."""
    found = []
    for action in ACTION_METHODS:
        tr = _transition_of(dossier, action)
        if tr is None or not all(cond(dossier) for cond in tr.conditions):
            continue
        if user is not None and not tr.has_perm(dossier, user):
            continue
        found.append(action)
    return found


def blocked_actions(dossier: Dossier, user) -> list[tuple[str, str]]:
    """Actions the user could take from the dossier's state but for a condition that does not hold, each with
    what its condition says: why it is missing and what unblocks it (a fee unpaid, documents missing)."""
    found = []
    for action in ACTION_METHODS:
        tr = _transition_of(dossier, action)
        if tr is None or not tr.has_perm(dossier, user):
            continue
        failed = next((cond for cond in tr.conditions if not cond(dossier)), None)
        if failed is not None:
            found.append((action, _condition_message(failed, dossier)))
    return found


def _condition_message(cond, dossier: Dossier) -> str:
    """A condition may say why it failed (`reason`), else its fixed `message`."""
    reason = getattr(cond, "reason", None)
    return str((reason(dossier) if reason else None) or getattr(cond, "message", _("Điều kiện chưa đáp ứng.")))


def _check(dossier: Dossier, action: str, actor) -> None:
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


# -- locking and recording --------------------------------------------------------------------------
# What a use case whose change goes to the portal whole reads besides the dossier (portal.payloads.sync_payload;
# the receiving agency it reads too is read then, by its own query).
_WHOLE = ("procedure", "competent_agency")


def _locked(dossier: Dossier | str, expected_version: int | None = None, *, related: Sequence[str] = ()) -> Dossier:
    """The dossier re-read with its row locked for the rest of the transaction, with its current step and the
    relations `related`. Any other relation is read when it is first used (its own query): the ones most
    transitions never read (the procedure, the agencies: a dossier's calendar is found by its agency's key) are
    not joined into every transition's read."""
    by_code = isinstance(dossier, str)
    locked = fastsql.get(
        Dossier,
        where="code = %s" if by_code else "id = %s",
        params=[dossier if by_code else dossier.pk],
        related=("current_step", *related),
        lock=True,
    )
    if locked is None:
        raise DossierNotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": dossier if by_code else ""})
    if expected_version is not None and locked.version != expected_version:
        raise ChangedUnderYou(
            _(
                "Hồ sơ %(code)s vừa được người khác cập nhật (phiên bản %(now)s, bạn đang xem %(seen)s). "
                "Hãy tải lại rồi thực hiện lại."
            )
            % {"code": locked.code, "now": locked.version, "seen": expected_version},
            current_version=locked.version,
        )
    locked._loaded_values = _column_values(locked)
    return locked


def _check_step(dossier: Dossier, expected_step: int | None) -> None:
    """Refuse a step action aimed at a step the dossier has already left (someone else finished or sent it
    back in the meantime), so a repeated or concurrent request cannot act on the next step instead."""
    if expected_step is None or dossier.current_step_id == expected_step:
        return
    current = dossier.current_step
    raise ChangedUnderYou(
        _(
            "Bước bạn đang xử lý của hồ sơ %(code)s đã được người khác chuyển đi; hồ sơ hiện ở bước "
            "“%(step)s”. Hãy tải lại rồi thực hiện lại."
        )
        % {"code": dossier.code, "step": current.name if current else _("không có")},
        current_step=dossier.current_step_id,
        current_version=dossier.version,
    )


_COLUMNS = tuple(f.attname for f in Dossier._meta.concrete_fields if not f.primary_key)


def _column_values(dossier: Dossier) -> tuple:
    """The dossier's column values, in `_COLUMNS` order."""
    return tuple(map(dossier.__dict__.get, _COLUMNS))


def _save_changes(dossier: Dossier) -> None:
    """UPDATE only the columns the use case changed since it locked (`_locked`) or created the dossier (the
    row is locked, so nothing else changed them)."""
    values = _column_values(dossier)
    fastsql.update(dossier, list(compress(_COLUMNS, map(ne, values, dossier._loaded_values))))
    dossier._loaded_values = values


class DossierNotFound(DossierError):
    status, code = 404, "not_found"


def _record(
    dossier: Dossier,
    *,
    action: str,
    from_status: str,
    actor,
    at: dt.datetime,
    note: str = "",
    step: DossierStep | None = None,
    data: dict | None = None,
) -> DossierEvent:
    """Save the dossier and append its history row; tell the other apps (same transaction)."""
    dossier.event_seq += 1
    dossier.version += 1
    _save_changes(dossier)
    step = step if step is not None else dossier.current_step
    actor = actor if getattr(actor, "pk", None) else None
    event = fastsql.new(
        DossierEvent,
        {"dossier": dossier, "step": step, "actor": actor},
        dossier_id=dossier.pk,
        seq=dossier.event_seq,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        step_id=step.pk if step is not None else None,
        step_name=step.name if step else "",
        actor_id=actor.pk if actor is not None else None,
        actor_name=_actor_name(actor),
        at=at,
        note=note or "",
        data=data or {},
    )
    fastsql.insert([event], defer_ids=True)  # rows that refer to it use fastsql.key_of(event, by=DossierEvent.IDENTITY)
    fastsql.send_queued()  # the server writes the history row while the receivers build theirs
    dossier_changed.send(sender=Dossier, dossier=dossier, event=event, previous_status=from_status)
    return event


def _actor_name(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return ""
    return actor.get_full_name() or actor.get_username()


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


# -- clocks -----------------------------------------------------------------------------------------
def dossier_calendar(dossier: Dossier) -> WorkingCalendar:
    """The working calendar a dossier's time is counted in: its competent agency's."""
    return calendar_of(dossier.competent_agency_id)


def remaining_working_seconds(dossier: Dossier, now: dt.datetime | None = None) -> float | None:
    """Working time left before the due date (negative when late); the stored remainder while the
    clock is stopped."""
    if not dossier.clock_running or dossier.due_at is None:
        return dossier.remaining_seconds
    return dossier_calendar(dossier).between(now or timezone.now(), dossier.due_at)


def _step_calendar(step: DossierStep) -> WorkingCalendar:
    """The working calendar a step's time is counted in: the agency's doing it."""
    return calendar_of(step.agency_id)


def _clock(
    dossier: Dossier,
    kind: str,
    at: dt.datetime,
    *,
    step: DossierStep | None = None,
    budget_seconds: float | None = None,
    new_due_at=None,
    reason: str = "",
) -> ClockEvent:
    return fastsql.new(
        ClockEvent,
        {"dossier": dossier, "step": step},
        dossier_id=dossier.pk,
        step_id=step.pk if step is not None else None,
        kind=kind,
        at=at,
        budget_seconds=budget_seconds,
        new_due_at=new_due_at,
        reason=reason[:255],
    )


def _both_clocks(
    dossier: Dossier, step: DossierStep | None, kind: str, at: dt.datetime, *, restart: bool = False, reason: str = ""
) -> list[ClockEvent]:
    """The same event on the dossier's clock and on its current step's: a pause, a resume, or a restart
    with the full budgets (the procedure's and the step's)."""
    events = [_clock(dossier, kind, at, budget_seconds=_budget(dossier.procedure) if restart else None, reason=reason)]
    if step is not None:
        budget = _budget(step.process_step) if restart else None
        events.append(_clock(dossier, kind, at, step=step, budget_seconds=budget, reason=reason))
    return events


def _append_clocks(dossier: Dossier, events: Sequence[ClockEvent]) -> None:
    """Append clock events and fold them onto the readings stored with the dossier and its steps, so
    the due dates follow from the ledger without re-reading it (`read_dossier_clock` replays it whole)."""
    if not events:
        return
    fastsql.insert(events, defer_ids=True)  # nothing in the transition refers to a clock event by key
    dossier_events = [e for e in events if e.step_id is None]
    if dossier_events:
        calendar = dossier_calendar(dossier)
        reading = read_clock((_entry(e) for e in dossier_events), calendar, ClockReading.from_json(dossier.clock_state))
        _apply_dossier_reading(dossier, reading)
    steps = {e.step_id: e.step for e in events if e.step_id}
    for step_id, step in steps.items():
        calendar = _step_calendar(step)
        reading = read_clock(
            (_entry(e) for e in events if e.step_id == step_id), calendar, ClockReading.from_json(step.clock_state)
        )
        step.clock_state = reading.to_json()
        step.due_at = reading.due_at or reading.last_due_at
        step.remaining_seconds = reading.remaining_seconds
        if reading.ended_at and step.due_at:
            step.verdict = classify(end_at=reading.ended_at, due_at=step.due_at, calendar=calendar)
        fastsql.update(step, ["clock_state", "due_at", "remaining_seconds", "verdict", "status", "completed_at"])


def _entry(event: ClockEvent) -> ClockEntry:
    return ClockEntry(event.kind, event.at, event.budget_seconds, event.new_due_at)


def _apply_dossier_reading(dossier: Dossier, reading: ClockReading) -> None:
    dossier.clock_state = reading.to_json()
    dossier.clock_running = reading.running
    dossier.due_at = reading.due_at or reading.last_due_at
    dossier.appointment_at = reading.appointment_at
    dossier.remaining_seconds = reading.remaining_seconds
    if reading.ended_at and dossier.due_at and dossier.status in (Status.RESOLVED, Status.STOPPED):
        dossier.verdict = classify(
            end_at=reading.ended_at,
            due_at=dossier.due_at,
            supplement_requests=dossier.supplement_requests,
            calendar=dossier_calendar(dossier),
            stopped_with_remaining=reading.remaining_seconds if dossier.status == Status.STOPPED else None,
        )


def read_dossier_clock(dossier: Dossier):
    """The dossier's clock as the ledger says now (for screens that want more than the stored fields)."""
    entries = [
        ClockEntry(k, a, b, n)
        for k, a, b, n in dossier.clock_events.filter(step__isnull=True)
        .order_by("id")
        .values_list("kind", "at", "budget_seconds", "new_due_at")
    ]
    return read_clock(entries, dossier_calendar(dossier))


def _budget(item: Procedure | ProcessStep) -> float:
    """A procedure's or a step's time limit, in working seconds."""
    return float(item.time_limit_hours) * 3600


# -- codes ------------------------------------------------------------------------------------------
def next_dossier_code(*, agency: Agency, day: dt.date) -> str:
    """`<agency identifier>-<yymmdd>-<daily sequence>` (Art. 12 of 003). One atomic upsert, so concurrent
    receipts never share a number; a rolled-back receipt may leave a gap, which is allowed."""
    table = DailySequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


# -- documents --------------------------------------------------------------------------------------
@dataclass
class DocumentInput:
    component: str
    name: str = ""
    file: UploadedFile | None = None
    paper_copy: bool = False

    @classmethod
    def paper_copy_of(cls, document: ProcedureDocument) -> DocumentInput:
        """A paper copy of one of the procedure's components, handed in at the counter."""
        return cls(component=document.code, name=document.name, paper_copy=True)


_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"<?xml", "application/xml"),
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def validate_upload(upload: UploadedFile) -> str:
    """The file's real type, or an InvalidInput saying what is wrong with it."""
    if upload.size is None or upload.size == 0:
        raise InvalidInput(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise InvalidInput(
            _("Tệp “%(name)s” dung lượng %(size).1f MB, vượt giới hạn %(limit).0f MB.")
            % {"name": upload.name, "size": upload.size / 1e6, "limit": settings.DOCUMENT_MAX_BYTES / 1e6},
            code="file_too_large",
        )
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type not in settings.DOCUMENT_ALLOWED_TYPES:
        raise InvalidInput(
            _("Tệp “%(name)s” không đúng định dạng cho phép (PDF, JPEG, PNG, DOCX, XML).") % {"name": upload.name},
            code="unsupported_file_type",
        )
    return content_type


def check_complete(
    *, documents: Iterable[DocumentInput], dossier: Dossier | None = None, procedure: Procedure | None = None
) -> None:
    """A dossier is received only when every required component is there, already filed or given now (a
    document without a file is a paper copy); an incomplete one gets one complete list of what is missing
    through a supplement request instead (DOMAIN §2). The receipt services refuse with this; a receipt form
    may call it first (with the `procedure`, before the dossier exists) to show the same refusal."""
    lacking = missing_components(dossier=dossier, procedure=procedure, given={d.component for d in documents})
    missing = [d.name for d in lacking]
    if missing:
        raise InvalidInput(
            _(
                "Chưa đủ thành phần hồ sơ bắt buộc: %(names)s. Chưa thể tiếp nhận; hãy yêu cầu bổ sung "
                "(hướng dẫn một lần, đầy đủ)."
            )
            % {"names": "; ".join(missing)},
            errors={"documents": missing},
        )


def _add_documents(
    dossier: Dossier, documents: Iterable[DocumentInput], actor, *, is_result=False
) -> list[DocumentVersion]:
    documents = list(documents)
    if not documents:
        return []
    known = {d.code: d.name for d in dossier.procedure.documents.all()}
    latest = dict(
        DocumentVersion.objects.filter(dossier=dossier)
        .values_list("component")
        .annotate(m=Max("version"))
        .values_list("component", "m")
    )
    created = []
    for doc in documents:
        if not doc.component:
            raise InvalidInput(_("Thiếu mã thành phần hồ sơ của giấy tờ."))
        content_type, digest, size = "", "", 0
        if doc.file is not None:
            content_type = validate_upload(doc.file)
            sha = hashlib.sha256()
            for chunk in doc.file.chunks():
                sha.update(chunk)
            digest, size = sha.hexdigest(), doc.file.size
            doc.file.seek(0)
        latest[doc.component] = latest.get(doc.component, 0) + 1
        version = DocumentVersion(
            dossier=dossier,
            component=doc.component,
            name=doc.name or known.get(doc.component, doc.component),
            version=latest[doc.component],
            content_type=content_type,
            size=size,
            sha256=digest,
            is_result=is_result,
            paper_copy=doc.paper_copy or doc.file is None,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        if doc.file is not None:
            version.file.save(doc.file.name, doc.file, save=False)
        version.save()
        created.append(version)
    return created


def _doc_refs(versions: Sequence[DocumentVersion]) -> list[dict]:
    return [{"id": v.pk, "component": v.component, "version": v.version, "name": v.name} for v in versions]


# -- creating ---------------------------------------------------------------------------------------
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
) -> Dossier:
    """File a dossier online (→ submitted) or receive it directly at the counter (→ received).
    The code is issued here and never changes."""
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
    _append_clocks(dossier, [_clock(dossier, ClockEventKind.STARTED, start, budget_seconds=_budget(dossier.procedure))])
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


# -- actions ----------------------------------------------------------------------------------------
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


def _require_note(note: str, message: str) -> None:
    if not note or not note.strip():
        raise InvalidInput(message, errors={"note": [message]})


def _normalise_missing(missing) -> list[dict]:
    items = []
    for item in missing or []:
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise InvalidInput(
                _("Mỗi giấy tờ cần bổ sung phải có tên."), errors={"missing_documents": [_("Mỗi mục cần có “name”.")]}
            )
        items.append({k: str(v) for k, v in item.items() if k in {"component", "name", "reason"}})
    if not items:
        raise InvalidInput(
            _("Phải nêu đầy đủ, một lần, các giấy tờ cần bổ sung."),
            errors={"missing_documents": [_("Danh sách không được để trống.")]},
        )
    return items


def request_supplement(*, dossier, actor, missing_documents, note: str = "", expected_version=None, at=None) -> Dossier:
    """Ask the applicant, once and completely, for what is missing. At receipt the dossier stays
    submitted; during processing it goes to `supplement` and the clock stops."""
    items = _normalise_missing(missing_documents)
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.REQUEST_SUPPLEMENT, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        dossier.request_supplement(missing=items)
        if before == Status.PROCESSING:
            _append_clocks(dossier, _both_clocks(dossier, step, ClockEventKind.PAUSED, at, reason="supplement"))
        _record(
            dossier,
            action=Action.REQUEST_SUPPLEMENT,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"missing_documents": items},
        )
    return dossier


def submit_supplement(
    *, dossier, actor, documents: Sequence[DocumentInput] = (), note: str = "", expected_version=None, at=None
) -> Dossier:
    """The applicant hands in what was asked for: new document versions under the same code; the clock
    resumes or restarts as the procedure says."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=("procedure",))
        _check(dossier, Action.SUBMIT_SUPPLEMENT, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        versions = _add_documents(dossier, documents, actor)
        asked = dossier.missing_documents
        dossier.submit_supplement()
        if before == Status.SUPPLEMENT:
            restart = dossier.procedure.supplement_policy == SupplementPolicy.RESTART
            kind = ClockEventKind.RESTARTED if restart else ClockEventKind.RESUMED
            _append_clocks(dossier, _both_clocks(dossier, step, kind, at, restart=restart))
        _record(
            dossier,
            action=Action.SUBMIT_SUPPLEMENT,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"documents": _doc_refs(versions), "requested": asked},
        )
    return dossier


def _open_step(dossier: Dossier, process_step: ProcessStep, at, *, assignee=None, by=None) -> DossierStep:
    step = DossierStep.objects.create(
        dossier=dossier,
        process_step=process_step,
        order=process_step.order,
        name=process_step.name,
        role=process_step.role,
        agency_id=dossier.agency_of(process_step),
        started_at=at,
        assignee=assignee,
    )
    if assignee is not None:
        StepAssignment.objects.create(step=step, user=assignee, role=HandlerRole.MAIN, assigned_by=by, assigned_at=at)
    return step


def _close_step(dossier: Dossier, step: DossierStep | None, at, status: str) -> list[ClockEvent]:
    if step is None:
        return []
    step.status, step.completed_at = status, at
    return [_clock(dossier, ClockEventKind.STOPPED, at, step=step)]


def _check_assignee(user, agency_id: int) -> None:
    if user is not None and not user.is_superuser and not perms.has_role(user, agency_id, *StaffRole.values):
        raise InvalidInput(
            _("Cán bộ %(user)s không thuộc cơ quan thực hiện bước này.") % {"user": user.get_username()},
            errors={"assignee": [_("Không thuộc cơ quan thực hiện.")]},
        )


def start_processing(*, dossier, actor, note: str = "", assignee=None, expected_version=None, at=None) -> Dossier:
    """Received → processing: the first step of the dossier's process version is opened."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        dossier.process = dossier.running_process()
        _check(dossier, Action.START, actor)
        at, before = _now(at), dossier.status
        first = dossier.step_to_open(Action.START)
        _check_assignee(assignee, dossier.agency_of(first))
        step = _open_step(dossier, first, at, assignee=assignee, by=actor)
        dossier.start(first_step=step)
        _append_clocks(dossier, [_clock(dossier, ClockEventKind.STARTED, at, step=step, budget_seconds=_budget(first))])
        _record(
            dossier,
            action=Action.START,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"process_version": dossier.process.number},
        )
    return dossier


def complete_step(
    *,
    dossier,
    actor,
    note: str = "",
    assignee=None,
    result: str = "",
    documents: Sequence[DocumentInput] = (),
    expected_version=None,
    expected_step: int | None = None,
    at=None,
) -> Dossier:
    """Finish the current step: the next one opens, or after the last the dossier is resolved."""
    if result and result not in Result.values:
        raise InvalidInput(_("Kết quả phải là “approved” hoặc “refused”."), errors={"result": [result]})
    if result == Result.REFUSED:
        _require_note(note, _("Phải nêu lý do khi từ chối giải quyết."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check_step(dossier, expected_step)
        _check(dossier, Action.COMPLETE_STEP, actor)
        at, before, current = _now(at), dossier.status, dossier.current_step
        following = dossier.step_to_open(Action.COMPLETE_STEP)
        versions = _add_documents(dossier, documents, actor, is_result=following is None)
        clocks = _close_step(dossier, current, at, StepStatus.DONE)
        next_step = None
        if following is not None:
            _check_assignee(assignee, dossier.agency_of(following))
            next_step = _open_step(dossier, following, at, assignee=assignee, by=actor)
            clocks.append(
                _clock(dossier, ClockEventKind.STARTED, at, step=next_step, budget_seconds=_budget(following))
            )
        dossier.complete_step(next_step=next_step, at=at, result=result, result_note=note)
        if next_step is None:
            clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="resolved"))
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.COMPLETE_STEP,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=current,
            data={
                "next_step": next_step.name if next_step else None,
                "documents": _doc_refs(versions),
                "result": dossier.result,
            },
        )
    return dossier


def send_back(
    *, dossier, actor, note: str, expected_version=None, expected_step: int | None = None, at=None
) -> Dossier:
    """Return the dossier to the previous step (trả lại bước trước), to the handler who did it."""
    _require_note(note, _("Phải nêu lý do trả lại bước trước."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check_step(dossier, expected_step)
        _check(dossier, Action.SEND_BACK, actor)
        at, before, current = _now(at), dossier.status, dossier.current_step
        previous = dossier.process.step_before(current.order)
        last_pass = (
            DossierStep.objects.filter(dossier=dossier, process_step=previous).order_by("-started_at", "-id").first()
        )
        clocks = _close_step(dossier, current, at, StepStatus.SENT_BACK)
        step = _open_step(dossier, previous, at, assignee=last_pass.assignee if last_pass else None, by=actor)
        clocks.append(_clock(dossier, ClockEventKind.STARTED, at, step=step, budget_seconds=_budget(previous)))
        dossier.send_back(previous_step=step)
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.SEND_BACK,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=current,
            data={"to_step": step.name},
        )
    return dossier


def assign_handlers(
    *,
    dossier,
    actor,
    main=None,
    co_handlers=(),
    followers=(),
    note: str = "",
    expected_version=None,
    expected_step: int | None = None,
    at=None,
) -> Dossier:
    """A leader (re)assigns the current step: main handler, co-handlers and followers."""
    if main is None and not co_handlers and not followers:
        raise InvalidInput(_("Chọn ít nhất một cán bộ để phân công."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check_step(dossier, expected_step)
        _check(dossier, Action.ASSIGN, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        people = [(main, HandlerRole.MAIN)] if main is not None else []
        people += [(u, HandlerRole.CO) for u in co_handlers] + [(u, HandlerRole.FOLLOWER) for u in followers]
        for user, _role in people:
            _check_assignee(user, step.agency_id)
        previous_main = step.assignee
        if main is not None:
            step.assignee = main
            step.save(update_fields=["assignee"])
        for user, role in people:
            StepAssignment.objects.update_or_create(
                step=step, user=user, defaults={"role": role, "assigned_by": actor, "assigned_at": at}
            )
        dossier.assign()
        _record(
            dossier,
            action=Action.ASSIGN,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={
                "main": main.get_username() if main else None,
                "previous_main": previous_main.get_username() if previous_main else None,
                "co_handlers": [u.get_username() for u in co_handlers],
                "followers": [u.get_username() for u in followers],
            },
        )
    return dossier


def pause_dossier(*, dossier, actor, reason: str, note: str = "", expected_version=None, at=None) -> Dossier:
    """Wait on something outside the agency; the clock stops."""
    if reason not in PauseReason.values:
        raise InvalidInput(
            _("Lý do tạm dừng không hợp lệ; chọn một trong: %s") % ", ".join(PauseReason.values),
            errors={"reason": [reason]},
        )
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.PAUSE, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        dossier.pause(reason=reason)
        _append_clocks(dossier, _both_clocks(dossier, step, ClockEventKind.PAUSED, at, reason=reason))
        _record(
            dossier,
            action=Action.PAUSE,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"reason": reason},
        )
    return dossier


def resume_dossier(*, dossier, actor, note: str = "", expected_version=None, at=None) -> Dossier:
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.RESUME, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        dossier.resume()
        _append_clocks(dossier, _both_clocks(dossier, step, ClockEventKind.RESUMED, at))
        _record(dossier, action=Action.RESUME, from_status=before, actor=actor, at=at, note=note, step=step)
    return dossier


def apologize(*, dossier, actor, new_appointment, note: str, expected_version=None, at=None) -> Dossier:
    """Form 04: apologise and set a new appointment date. The original due date still decides lateness."""
    _require_note(note, _("Phải nêu lý do xin lỗi và hẹn lại."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        _check(dossier, Action.APOLOGIZE, actor)
        at, before = _now(at), dossier.status
        calendar = dossier_calendar(dossier)
        new_at = _appointment_instant(new_appointment, dossier)
        if not calendar.is_working_day(timezone.localtime(new_at).date()):
            raise InvalidInput(
                _("Ngày hẹn mới %(d)s không phải ngày làm việc.") % {"d": f"{timezone.localtime(new_at):%d/%m/%Y}"}
            )
        current = dossier.appointment_at
        if current and new_at <= current:
            raise InvalidInput(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(d)s).")
                % {"d": f"{timezone.localtime(current):%d/%m/%Y %H:%M}"}
            )
        dossier.apologize(new_appointment_at=new_at)
        _append_clocks(dossier, [_clock(dossier, ClockEventKind.EXTENDED, at, new_due_at=new_at, reason=note)])
        _record(
            dossier,
            action=Action.APOLOGIZE,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            data={
                "previous_appointment_at": current.isoformat() if current else None,
                "new_appointment_at": new_at.isoformat(),
                "form": "04/TT-VPCP-2025",
            },
        )
    return dossier


def _appointment_instant(value, dossier: Dossier) -> dt.datetime:
    """A date means the end of that working day at the competent agency."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        end = dossier.competent_agency.afternoon_end
        return dt.datetime.combine(value, end, tzinfo=timezone.get_current_timezone())
    raise InvalidInput(_("Ngày hẹn mới không hợp lệ."), errors={"new_appointment": [str(value)]})


def resolve_dossier(*, dossier, actor, result: str, note: str = "", expected_version=None, at=None) -> Dossier:
    """A leader ends processing with a result: an approval or a reasoned refusal."""
    if result not in Result.values:
        raise InvalidInput(_("Kết quả phải là “approved” hoặc “refused”."), errors={"result": [str(result)]})
    if result == Result.REFUSED:
        _require_note(note, _("Phải nêu lý do khi từ chối giải quyết."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.RESOLVE, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        clocks = _close_step(dossier, step, at, StepStatus.CLOSED)
        dossier.resolve(at=at, result=result, note=note)
        clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="resolved"))
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.RESOLVE,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"result": result},
        )
    return dossier


def return_result(
    *, dossier, actor, channel: str | None = None, note: str = "", expected_version=None, at=None
) -> Dossier:
    """Hand the result to the applicant (counter, post or online)."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version, related=_WHOLE)
        channel = channel or dossier.return_channel
        if channel not in ReturnChannel.values:
            raise InvalidInput(_("Hình thức trả kết quả không hợp lệ: %(v)s.") % {"v": channel})
        _check(dossier, Action.RETURN_RESULT, actor)
        at, before = _now(at), dossier.status
        dossier.return_result(at=at, channel=channel)
        _record(
            dossier,
            action=Action.RETURN_RESULT,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            data={"channel": channel},
        )
    return dossier


def withdraw_dossier(*, dossier, actor, note: str = "", expected_version=None, at=None) -> Dossier:
    """Withdrawn at the applicant's request, from any open state."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.WITHDRAW, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        clocks = _close_step(dossier, step, at, StepStatus.CLOSED)
        dossier.withdraw(at=at)
        if before != Status.SUBMITTED:
            clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="withdrawn"))
        _append_clocks(dossier, clocks)
        _record(dossier, action=Action.WITHDRAW, from_status=before, actor=actor, at=at, note=note, step=step)
    return dossier


def stop_dossier(*, dossier, actor, note: str, expected_version=None, at=None) -> Dossier:
    """Form 05: the agency stops processing with a legal reason."""
    _require_note(note, _("Phải nêu căn cứ, lý do dừng xử lý."))
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        _check(dossier, Action.STOP, actor)
        at, before, step = _now(at), dossier.status, dossier.current_step
        clocks = _close_step(dossier, step, at, StepStatus.CLOSED)
        dossier.stop(at=at, reason=note)
        clocks.append(_clock(dossier, ClockEventKind.STOPPED, at, reason="stopped"))
        _append_clocks(dossier, clocks)
        _record(
            dossier,
            action=Action.STOP,
            from_status=before,
            actor=actor,
            at=at,
            note=note,
            step=step,
            data={"form": "05/TT-VPCP-2025"},
        )
    return dossier


def add_documents(
    *,
    dossier,
    actor,
    documents: Sequence[DocumentInput],
    note: str = "",
    is_result: bool = False,
    expected_version=None,
    at=None,
) -> list[DocumentVersion]:
    """Add document versions to an open (or, for results, resolved) dossier; recorded in history."""
    with fastsql.atomic():
        dossier = _locked(dossier, expected_version)
        allowed = perms.applicant_or_counter(dossier, actor) or perms.handles_current_step(dossier, actor)
        if not allowed:
            raise ActionForbidden(_("Bạn không có quyền thêm giấy tờ vào hồ sơ %(code)s.") % {"code": dossier.code})
        if not dossier.is_open and not (is_result and dossier.status == Status.RESOLVED):
            raise TransitionNotAllowed(
                _("Hồ sơ ở trạng thái “%(state)s” không nhận thêm giấy tờ.") % {"state": dossier.get_status_display()},
                current_status=dossier.status,
            )
        at = _now(at)
        versions = _add_documents(dossier, documents, actor, is_result=is_result)
        _record(
            dossier,
            action=Action.ADD_DOCUMENT,
            from_status=dossier.status,
            actor=actor,
            at=at,
            note=note,
            data={"documents": _doc_refs(versions)},
        )
    return versions


def record_event(*, dossier, actor, action: str, note: str = "", data: dict | None = None, at=None) -> DossierEvent:
    """Append a history row that changes no state (a payment, a note), with the same signal as a
    transition so that other apps see it. For use by other apps' services (payments)."""
    if action in ACTION_METHODS:
        raise ValueError("state changes go through their own service")
    with fastsql.atomic():
        dossier = _locked(dossier)
        return _record(
            dossier, action=action, from_status=dossier.status, actor=actor, at=_now(at), note=note, data=data
        )


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
