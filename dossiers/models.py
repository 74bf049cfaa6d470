"""A dossier (hồ sơ TTHC) and everything that is kept of it: its steps, its append-only history, its
clock ledger and its document versions (DOMAIN §2, §3).

The transitions below read like the state table of DOMAIN §2. They change the dossier's own fields
only; `dossiers.services` runs each one in a transaction with its history row, clock events and the
signal that other apps (portal sync, payments) write their rows from.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from workflows.clock import ClockEventKind, Verdict
from workflows.models import Agency, Procedure, ProcessStep, ProcessVersion, ReturnChannel, StaffRole
from workflows.search import normalise_query, phone_digits, search_key

from . import permissions as perms
from . import sealing
from .gates import return_refusal, start_refusal

# A whole dossier code as Art. 10 of Circular 03 shapes it: the agency's identifier, the date, the day's sequence.
_WHOLE_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4,}$")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký (chờ tiếp nhận)")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung")
    PAUSED = "paused", _("Tạm dừng")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")
    REJECTED = "rejected", _("Không được tiếp nhận")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


OPEN_STATES = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAUSED)
CLOCK_RUNNING_STATES = (Status.RECEIVED, Status.PROCESSING)
FINAL_STATES = (Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED)
# The final states reached without a result: refused, withdrawn or stopped.
ENDED_WITHOUT_RESULT = (Status.REJECTED, Status.WITHDRAWN, Status.STOPPED)


class Action(models.TextChoices):
    """Every change to a dossier, as the history and the API name it. Labels carry the context "action": a
    few read like a state's name in Vietnamese ("Tạm dừng") but not in English ("Pause" / "Paused")."""

    SUBMIT = "submit", pgettext_lazy("action", "Nộp hồ sơ trực tuyến")
    RECEIVE = "receive", pgettext_lazy("action", "Tiếp nhận")
    REFUSE = "refuse", pgettext_lazy("action", "Từ chối tiếp nhận")
    START = "start", pgettext_lazy("action", "Chuyển xử lý")
    ASSIGN = "assign", pgettext_lazy("action", "Phân công xử lý")
    COMPLETE_STEP = "complete-step", pgettext_lazy("action", "Hoàn thành bước")
    SEND_BACK = "send-back", pgettext_lazy("action", "Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request-supplement", pgettext_lazy("action", "Yêu cầu bổ sung")
    SUBMIT_SUPPLEMENT = "submit-supplement", pgettext_lazy("action", "Nộp bổ sung")
    PAUSE = "pause", pgettext_lazy("action", "Tạm dừng")
    RESUME = "resume", pgettext_lazy("action", "Tiếp tục xử lý")
    APOLOGIZE = "apologize", pgettext_lazy("action", "Xin lỗi và hẹn lại ngày trả")
    RESOLVE = "resolve", pgettext_lazy("action", "Hoàn thành xử lý")
    RETURN_RESULT = "return-result", pgettext_lazy("action", "Trả kết quả")
    WITHDRAW = "withdraw", pgettext_lazy("action", "Rút hồ sơ")
    STOP = "stop", pgettext_lazy("action", "Dừng xử lý")
    ADD_DOCUMENT = "add-document", pgettext_lazy("action", "Bổ sung giấy tờ")
    PAYMENT = "payment", pgettext_lazy("action", "Thanh toán phí, lệ phí")
    NOTE = "note", pgettext_lazy("action", "Ghi nhận")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POST = "post", _("Bưu chính")


class ApplicantKind(models.IntegerChoices):
    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Doanh nghiệp, tổ chức")


class Result(models.TextChoices):
    APPROVED = "approved", _("Chấp thuận")
    REFUSED = "refused", _("Từ chối (có lý do)")


class PauseReason(models.TextChoices):
    FINANCIAL = "financial", _("Chờ thực hiện nghĩa vụ tài chính")
    INTER_AGENCY = "inter_agency", _("Chờ ý kiến cơ quan liên quan")
    VERIFICATION = "verification", _("Chờ xác minh")
    OTHER = "other", _("Lý do khác")


# -- conditions: small named predicates with the message shown when they fail ------------------------
def documents_complete(dossier) -> bool:
    return not dossier.awaiting_documents


documents_complete.message = _("Hồ sơ đang chờ người nộp bổ sung giấy tờ theo hướng dẫn; chưa thể tiếp nhận.")


def supplement_pending(dossier) -> bool:
    """A supplement asked at receipt is waiting (a function apart from the field of the same meaning,
    which would shadow it inside the class body)."""
    return dossier.awaiting_documents


supplement_pending.message = _("Hồ sơ không có yêu cầu bổ sung nào đang chờ.")


def _kept(dossier, name: str, answer):
    """`answer(dossier)`, kept on the dossier while its state, version and step are the ones it was asked with:
    a condition that reads other rows runs once per request although both the service's check and
    django-fsm, when the transition method runs, ask it."""
    kept = dossier.__dict__.setdefault("_answers", {})
    stamp = (dossier.status, dossier.version, dossier.current_step_id)
    found = kept.get(name)
    if found is None or found[0] != stamp:
        found = kept[name] = (stamp, answer(dossier))
    return found[1]


def has_process(dossier) -> bool:
    """It has its process version, or its procedure has one published now (`running_process`)."""
    return dossier.process_id is not None or _kept(dossier, "process", lambda d: d.running_process() is not None)


has_process.message = _("Thủ tục chưa có quy trình nội bộ đã ban hành; chưa thể chuyển xử lý.")


def fee_settled(dossier) -> bool:
    """DOMAIN §3 (Fees): a full-online dossier with a fee is processed only once paid online.
    Other apps answer through the `start_gate` hook (payments registers one)."""
    return fee_refusal(dossier) is None


def fee_refusal(dossier) -> str | None:
    """Why the start gates hold the dossier back (None when they do not), asked once per request."""
    return _kept(dossier, "fee", start_refusal)


fee_settled.message = _("Hồ sơ chưa hoàn thành nghĩa vụ tài chính.")


fee_settled.reason = fee_refusal  # the gate that held it back says why


def nothing_owed(dossier) -> bool:
    """DOMAIN §3 (Fees): no result is handed back while a fee is owed (collected at the counter first, or
    exempted). Other apps answer through the `return_gate` hook (payments registers one)."""
    return return_refusal(dossier) is None


nothing_owed.message = _("Hồ sơ còn nợ phí, lệ phí; thu phí trước khi trả kết quả.")
nothing_owed.reason = return_refusal  # the gate that held it back says why and what unblocks it


def not_late_yet(dossier) -> bool:
    """DOMAIN §3 (Overdue): the apology and new appointment (form 04) come before the dossier goes late, judged
    at the instant the use case acts (`Dossier.as_of`, now when unset). After that the delay is recorded and the
    dossier stays late; no new appointment hides it."""
    return not dossier.late_at(dossier.as_of or timezone.now())


not_late_yet.message = _(
    "Hồ sơ đã quá hạn giải quyết nên không còn xin lỗi và hẹn lại được (phiếu xin lỗi phải gửi trước khi quá hạn); "
    "hồ sơ được tính là trễ hạn."
)


def has_current_step(dossier) -> bool:
    return dossier.current_step_id is not None


has_current_step.message = _("Hồ sơ không có bước xử lý đang thực hiện.")


def has_previous_step(dossier) -> bool:
    step = dossier.current_step
    return step is not None and step.order > 1


has_previous_step.message = _("Đây là bước đầu tiên của quy trình; không có bước trước để trả lại.")


class Dossier(FSMModelMixin, models.Model):
    """Hồ sơ thủ tục hành chính. Its code never changes (Art. 10 of 003)."""

    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    # The foreign keys that lead a composite index of Meta.indexes take no index of their own: every write
    # of a dossier's state updates each of its indexes.
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    process = models.ForeignKey(
        ProcessVersion,
        verbose_name=_("quy trình (phiên bản)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    competent_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = FSMField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, protected=True)
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)

    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255)
    applicant_kind = models.PositiveSmallIntegerField(
        _("loại đối tượng"), choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    applicant_id_number = models.CharField(_("số định danh/mã số thuế"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=1000, blank=True)
    return_channel = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=ReturnChannel.choices, default=ReturnChannel.COUNTER
    )

    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    # Derived from the clock ledger by workflows.clock.read_clock, kept here for worklists.
    due_at = models.DateTimeField(
        _("hạn giải quyết"), null=True, blank=True, help_text=_("Hạn theo luật, đã trừ thời gian bổ sung, tạm dừng.")
    )
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    remaining_seconds = models.FloatField(_("thời gian còn lại (giây làm việc)"), null=True, blank=True)
    clock_running = models.BooleanField(_("đang tính thời hạn"), default=False)
    verdict = models.CharField(_("kết quả đúng hạn"), max_length=10, choices=Verdict.choices, blank=True)
    clock_state = models.JSONField(_("đồng hồ (suy ra từ sổ thời hạn)"), default=dict, blank=True, editable=False)

    current_step = models.ForeignKey(
        "DossierStep",
        verbose_name=_("bước hiện tại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField(_("kết quả giải quyết"), max_length=10, choices=Result.choices, blank=True)
    result_note = models.TextField(_("nội dung kết quả/lý do"), blank=True)
    awaiting_documents = models.BooleanField(_("chờ bổ sung khi tiếp nhận"), default=False)
    missing_documents = models.JSONField(_("giấy tờ cần bổ sung"), default=list, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    pause_reason = models.CharField(_("lý do tạm dừng"), max_length=20, choices=PauseReason.choices, blank=True)
    fee_amount = models.PositiveBigIntegerField(_("phí, lệ phí phải nộp (VND)"), default=0)
    # The submission-time indicator (seed 002): seconds from opening the online form to submitting it.
    submission_seconds = models.PositiveIntegerField(_("thời gian nộp trực tuyến (giây)"), null=True, blank=True)
    event_seq = models.PositiveIntegerField(_("số sự kiện"), default=0, editable=False)
    # The seal of its last history row (dossiers.sealing): a history cut short no longer ends with it.
    history_digest = models.CharField(
        _("dấu niêm phong lịch sử"), max_length=64, blank=True, default="", editable=False
    )
    version = models.PositiveIntegerField(_("phiên bản bản ghi"), default=0, editable=False)
    # What officers search by (code, applicant's name, phone, ID number, summary), normalised by
    # workflows.search; a trigram index on PostgreSQL serves substring searches (migration 0009).
    search_text = models.TextField(_("khóa tìm kiếm"), blank=True, default="", editable=False)

    SEARCHED_FIELDS = ("code", "applicant_name", "applicant_phone", "applicant_id_number", "summary")

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["competent_agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["receiving_agency", "status"], name="dossier_recv_status"),
            models.Index(fields=["procedure", "status"], name="dossier_procedure_status"),
            models.Index(fields=["received_at"], name="dossier_received_at"),
            models.Index(fields=["applicant_user"], name="dossier_applicant"),
            # The dossiers a signing-in applicant's ID number (or tax code) finds without an account yet.
            models.Index(
                fields=["applicant_id_number"],
                condition=Q(applicant_user__isnull=True),
                name="dossier_unlinked_applicant",
            ),
            # Lists newest first (worklists, the admin) read it backwards and stop at a page.
            models.Index(fields=["-created_at", "-id"], name="dossier_created"),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.SEARCHED_FIELDS):
            self.search_text = self.search_key()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def search_key(self) -> str:
        """The `search_text` the row's searched fields give."""
        return search_key(
            self.code, self.applicant_name, phone_digits(self.applicant_phone), self.applicant_id_number, self.summary
        )

    @staticmethod
    def search_q(query: str) -> Q:
        """The dossiers a typed query finds, by code, name, phone, ID number or summary, with or without
        accents. A whole dossier code finds that dossier, by the code's own index."""
        typed = (query or "").strip()
        if _WHOLE_CODE.match(typed):
            return Q(code=typed.upper())
        return Q(search_text__contains=normalise_query(typed))

    # -- the state table (DOMAIN §2) ----------------------------------------------------------------
    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.RECEIVED,
        conditions=[documents_complete],
        permission=perms.is_counter_officer,
    )
    def receive(self, *, by, at):
        self.received_at, self.received_by = at, by

    @transition(field=status, source=Status.SUBMITTED, target=Status.REJECTED, permission=perms.is_counter_officer)
    def refuse(self, *, at, reason):
        self.result_note, self.ended_at = reason, at

    @transition(field=status, source=Status.SUBMITTED, target=Status.SUBMITTED, permission=perms.is_counter_officer)
    @transition(
        field=status,
        source=Status.PROCESSING,
        target=Status.SUPPLEMENT,
        conditions=[has_current_step],
        permission=perms.handles_current_step,
    )
    def request_supplement(self, *, missing):
        """One complete list of what is missing ("hướng dẫn một lần, đầy đủ")."""
        self.missing_documents = missing
        if self.status == Status.SUBMITTED:
            self.awaiting_documents = True
        else:
            self.supplement_requests += 1

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.SUBMITTED,
        conditions=[supplement_pending],
        permission=perms.applicant_or_counter,
    )
    @transition(field=status, source=Status.SUPPLEMENT, target=Status.PROCESSING, permission=perms.applicant_or_counter)
    def submit_supplement(self):
        self.awaiting_documents = False
        self.missing_documents = []

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.PROCESSING,
        conditions=[has_process, fee_settled],
        permission=perms.can_start,
    )
    def start(self, *, first_step):
        self.current_step = first_step

    @transition(
        field=status,
        source=Status.PROCESSING,
        target=Status.PROCESSING,
        conditions=[has_current_step],
        permission=perms.is_leader,
    )
    def assign(self):
        """Reassignment or delegation of the current step by a leader (recorded in history)."""

    @transition(
        field=status,
        source=Status.PROCESSING,
        target=RETURN_VALUE(Status.PROCESSING, Status.RESOLVED),
        conditions=[has_current_step],
        permission=perms.handles_current_step,
    )
    def complete_step(self, *, next_step, at, result="", result_note=""):
        """The next step, or resolved after the last one."""
        self.current_step = next_step
        if next_step is not None:
            return Status.PROCESSING
        self._resolve(at=at, result=result or Result.APPROVED, note=result_note)
        return Status.RESOLVED

    @transition(
        field=status,
        source=Status.PROCESSING,
        target=Status.PROCESSING,
        conditions=[has_previous_step],
        permission=perms.handles_current_step,
    )
    def send_back(self, *, previous_step):
        self.current_step = previous_step

    @transition(field=status, source=Status.PROCESSING, target=Status.PAUSED, permission=perms.handles_current_step)
    def pause(self, *, reason):
        self.pause_reason = reason

    @transition(field=status, source=Status.PAUSED, target=Status.PROCESSING, permission=perms.handles_current_step)
    def resume(self):
        self.pause_reason = ""

    @transition(
        field=status,
        source=[Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAUSED],
        target=None,
        conditions=[not_late_yet],
        permission=perms.is_leader,
    )
    def apologize(self, *, new_appointment_at):
        """Form 04 of Circular 03/2025: apology and a new appointment; the state does not change."""
        self.appointment_at = new_appointment_at

    @transition(field=status, source=Status.PROCESSING, target=Status.RESOLVED, permission=perms.is_leader)
    def resolve(self, *, at, result, note):
        self._resolve(at=at, result=result, note=note)

    def _resolve(self, *, at, result, note):
        self.current_step = None
        self.resolved_at = at
        self.result, self.result_note = result, note

    @transition(
        field=status,
        source=Status.RESOLVED,
        target=Status.RETURNED,
        conditions=[nothing_owed],
        permission=perms.is_counter_officer,
    )
    def return_result(self, *, at, channel):
        self.returned_at = self.ended_at = at
        self.return_channel = channel

    @transition(field=status, source=list(OPEN_STATES), target=Status.WITHDRAWN, permission=perms.applicant_or_counter)
    def withdraw(self, *, at):
        self.current_step = None
        self.ended_at = at

    @transition(
        field=status,
        source=[Status.PROCESSING, Status.SUPPLEMENT, Status.PAUSED],
        target=Status.STOPPED,
        permission=perms.is_leader,
    )
    def stop(self, *, at, reason):
        """Form 05: processing stopped with a legal reason."""
        self.current_step = None
        self.result_note, self.ended_at = reason, at

    # The instant the use case at hand acts at (services set it before checking a transition); conditions that
    # depend on time judge against it, and against now when it is unset. Not a column.
    as_of = None

    # -- reading ------------------------------------------------------------------------------------
    def late_at(self, at) -> bool:
        """Whether the dossier is late at `at`: its running clock has passed the due date, or its clock stopped
        (supplement, pause) with its time already used up."""
        if self.clock_runs():
            return bool(self.due_at and self.due_at < at)
        return self.remaining_seconds is not None and self.remaining_seconds < 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def ended_without_result(self) -> bool:
        """Refused, withdrawn or stopped: the dossier ended without a result (what it had not paid is no
        longer owed)."""
        return self.status in ENDED_WITHOUT_RESULT

    def running_process(self):
        """The process version the dossier follows: its own once it has one; before that (received before
        its procedure had a published process) the version current for its competent agency."""
        if self.process_id is not None:
            return self.process
        return self.procedure.current_process(self.competent_agency)

    def step_to_open(self, action: str):
        """The process step `action` opens: the first for a start, the one after the current step for
        finishing a step; None when it opens none (the last step finished, or another action)."""
        process = self.running_process()
        if process is None:
            return None
        if action == Action.START:
            return process.step_after()
        if action == Action.COMPLETE_STEP and self.current_step is not None:
            return process.step_after(self.current_step.order)
        return None

    def agency_of(self, process_step) -> int:
        """The agency (id) that carries out `process_step` for this dossier: the step's own, else the
        dossier's competent agency."""
        return process_step.agency_id or self.competent_agency_id

    def clock_runs(self) -> bool:
        """Whether the dossier's clock runs (as `clock_running_q` filters)."""
        return bool(self.clock_running and self.status in CLOCK_RUNNING_STATES)

    def overdue_at(self, now) -> bool:
        """Whether the running clock has passed the due date at `now` (as `overdue_q` filters)."""
        return bool(self.clock_runs() and self.due_at and self.due_at < now)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at(timezone.now())

    @staticmethod
    def clock_running_q() -> Q:
        """Dossiers whose clock runs (worklists' due-soon and overdue tabs filter within these)."""
        return Q(clock_running=True, status__in=CLOCK_RUNNING_STATES)

    @classmethod
    def overdue_q(cls, now=None) -> Q:
        """The rows `is_overdue` is true of, as a filter."""
        return cls.clock_running_q() & Q(due_at__lt=now or timezone.now())


class StepStatus(models.TextChoices):
    ACTIVE = "active", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")
    SENT_BACK = "sent_back", _("Bị trả lại")
    CLOSED = "closed", _("Đã đóng")


class DossierStep(models.Model):
    """One pass of a dossier through a process step (a step done twice after a send-back is two rows)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    process_step = models.ForeignKey(ProcessStep, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRole.choices)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=StepStatus.choices, default=StepStatus.ACTIVE)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thụ lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    completed_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    remaining_seconds = models.FloatField(null=True, blank=True)
    verdict = models.CharField(_("đúng hạn"), max_length=10, choices=Verdict.choices, blank=True)
    clock_state = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("bước xử lý của hồ sơ")
        verbose_name_plural = _("các bước xử lý của hồ sơ")
        ordering = ["dossier", "started_at", "id"]
        indexes = [models.Index(fields=["assignee", "status"], name="step_assignee_status")]

    def __str__(self):
        return f"{self.order}. {self.name}"


class HandlerRole(models.TextChoices):
    MAIN = "main", _("Thụ lý chính")
    CO = "co", _("Phối hợp")
    FOLLOWER = "follower", _("Theo dõi")


class StepAssignment(models.Model):
    """Handlers of a step pass: the main handler, co-handlers and followers (thụ lý, phối hợp, theo dõi)."""

    step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=10, choices=HandlerRole.choices)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [models.UniqueConstraint(fields=["step", "user"], name="uniq_step_assignment")]

    @property
    def acts(self) -> bool:
        """The main handler and co-handlers act on the step; followers only watch it."""
        return self.role != HandlerRole.FOLLOWER


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("history is append-only")

    def delete(self):
        raise PermissionError("history is append-only")


class AppendOnlyModel(models.Model):
    """Rows are inserted once and never changed or deleted (DOMAIN §3: every change is history)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("history is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("history is append-only")


class DossierEvent(AppendOnlyModel):
    """Lịch sử xử lý: who, when, from what state to what, which step, note, documents touched."""

    # Indexed by uniq_dossier_event_seq (dossier, seq), which it leads.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField(_("thứ tự"))
    action = models.CharField(_("thao tác"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=Status.choices)
    # Not indexed: nothing reads history by step, and a step is never deleted (it belongs to its dossier).
    step = models.ForeignKey(
        DossierStep,
        verbose_name=_("bước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    step_name = models.CharField(_("tên bước"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=255, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    # SHA-256 of the row's content and of the previous row's digest (dossiers.sealing); `verify_history` checks.
    digest = models.CharField(_("dấu niêm phong"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="uniq_dossier_event_seq")]
        indexes = [models.Index(fields=["action", "at"], name="event_action_at")]

    def __str__(self):
        return f"{self.dossier_id}#{self.seq} {self.action}"

    @classmethod
    def of_change(
        cls, dossier: Dossier, *, action: str, from_status: str, actor, at, step=None, note: str = "", data=None
    ) -> DossierEvent:
        """The history row of a change the dossier has just taken (its `event_seq` already counts it), complete
        and sealed before it is inserted: the one place a history row's fields are set. The seal chains to the
        dossier's `history_digest`, which then becomes this row's (saved with the dossier's other changes)."""
        actor = actor if getattr(actor, "pk", None) else None
        event = cls(
            dossier=dossier,
            seq=dossier.event_seq,
            action=action,
            from_status=from_status,
            to_status=dossier.status,
            step=step,
            step_name=step.name if step is not None else "",
            actor=actor,
            actor_name=(actor.get_full_name() or actor.get_username()) if actor is not None else "",
            at=at,
            note=note or "",
            data=data or {},
        )
        event.digest = dossier.history_digest = sealing.digest(dossier.history_digest, event.sealed_values())
        return event

    def sealed_values(self) -> dict:
        """What the row's seal covers (dossiers.sealing.SEALED)."""
        values = {name: getattr(self, name) for name in sealing.SEALED if name != "code"}
        values["code"] = self.dossier.code
        return values


class ClockEvent(AppendOnlyModel):
    """The clock ledger of a dossier (step is null) or of one step pass (DOMAIN §5)."""

    # Indexed by clock_dossier_step (dossier, step, id), which it leads.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="clock_events", db_index=False)
    # Indexed by clock_dossier_step with its dossier, the only way the ledger is read.
    step = models.ForeignKey(
        DossierStep,
        verbose_name=_("bước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clock_events",
        db_index=False,
    )
    kind = models.CharField(_("loại"), max_length=10, choices=ClockEventKind.choices)
    at = models.DateTimeField(_("thời điểm tính"))
    recorded_at = models.DateTimeField(_("ghi lúc"), default=timezone.now)
    budget_seconds = models.FloatField(null=True, blank=True)
    new_due_at = models.DateTimeField(_("ngày hẹn mới"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sổ thời hạn")
        verbose_name_plural = _("sổ thời hạn")
        ordering = ["id"]
        indexes = [models.Index(fields=["dossier", "step", "id"], name="clock_dossier_step")]


def document_upload_to(instance, filename):
    part = f".{instance.part}" if instance.part > 1 else ""
    return f"dossiers/{instance.dossier.code}/{instance.component}/v{instance.version}{part}-{filename}"


class DocumentVersion(AppendOnlyModel):
    """One file of one version of a document component. A version is the set of files handed in together for
    the component (scanned pages: `part` 1, 2, …); handing it in again adds a version (the files replaced) or
    more parts of the current one (files added), never overwrites one."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    component = models.SlugField(_("thành phần"), max_length=60)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    part = models.PositiveSmallIntegerField(_("tệp số"), default=1)
    file = models.FileField(_("tệp"), upload_to=document_upload_to, max_length=500, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    is_result = models.BooleanField(_("là kết quả"), default=False)
    paper_copy = models.BooleanField(_("bản giấy"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giấy tờ")
        verbose_name_plural = _("giấy tờ")
        ordering = ["dossier", "component", "version", "part"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "component", "version", "part"], name="uniq_document_part"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}" + (f" ({self.part})" if self.part > 1 else "")


class DailySequence(models.Model):
    """The last number used per receiving agency and day, for dossier codes (Art. 12 of 003)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="uniq_daily_sequence")]


class IdempotencyRecord(models.Model):
    """The first answer to a mutating request with an Idempotency-Key, replayed for repeats."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key"),
            models.UniqueConstraint(fields=["key"], condition=Q(user__isnull=True), name="uniq_idempotency_anon_key"),
        ]


class RatingValue(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class Rating(models.Model):
    """The applicant's rating of a returned dossier (DOMAIN §3, Satisfaction), once per dossier; the
    satisfaction indicator counts very satisfied and satisfied ratings."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rating")
    value = models.CharField(_("mức độ hài lòng"), max_length=20, choices=RatingValue.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self):
        return f"{self.dossier_id}: {self.value}"

    @property
    def satisfied(self) -> bool:
        return self.value in (RatingValue.VERY_SATISFIED, RatingValue.SATISFIED)
