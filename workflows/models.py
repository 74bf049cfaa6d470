"""Catalogue (DOMAIN §1): agencies, fields, procedures, versioned internal processes, staff roles, and
the working calendar that due dates are counted on."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .signals import calendar_input_changed
from .text import fold

# The length of a working day where no agency says otherwise (7:00–11:30 and 13:30–17:00, DOMAIN §3).
DEFAULT_DAY_HOURS = Decimal(8)


class CalendarInput:
    """A model the working calendars are computed from (an agency's hours, the days off): saving or deleting a row
    forgets the cached calendars (`workflows.calendar`), here at once and in every other process within seconds."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _calendar_changed(type(self))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _calendar_changed(type(self))
        return result


class AgencyTier(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("UBND huyện (trước 7/2025)")
    COMMUNE = "commune", _("UBND xã, phường")
    CENTRE = "centre", _("Trung tâm Phục vụ hành chính công")
    CENTRAL = "central", _("Cơ quan ngành dọc trung ương")


# QCVN 102:2016/BTTTT, the electronic identifier code of an agency: four groups from the smallest unit to the
# province or ministry (e.g. 000.00.31.H52: the Public Administration Service Centre of Sơn La, H52).
AGENCY_CODE_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


class Agency(CalendarInput, models.Model):
    """Cơ quan: an agency with its electronic identifier code (mã định danh, QCVN 102)."""

    code = models.CharField(_("mã định danh"), max_length=40, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    tier = models.CharField(_("cấp"), max_length=20, choices=AgencyTier.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # DOMAIN §3: counter hours default to 7:00–11:30 and 13:30–17:00, configurable per agency.
    morning_start = models.TimeField(_("sáng bắt đầu"), default=dt.time(7, 0))
    morning_end = models.TimeField(_("sáng kết thúc"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("chiều kết thúc"), default=dt.time(17, 0))

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        self.code = (self.code or "").strip().upper()
        if not AGENCY_CODE_PATTERN.match(self.code):
            raise ValidationError(
                {
                    "code": _(
                        "Mã định danh “%(code)s” không đúng định dạng QCVN 102: bốn nhóm NNN.NN.NN.XNN, ví dụ "
                        "000.00.31.H52 (nhóm cuối là mã tỉnh hoặc bộ, ngành: một chữ cái in hoa và hai chữ số)."
                    )
                    % {"code": self.code}
                }
            )
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(_("Giờ làm việc không hợp lệ: buổi sáng phải trước buổi chiều."))

    @property
    def working_hours(self) -> tuple[tuple[dt.time, dt.time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    @property
    def day_hours(self) -> Decimal:
        """How many hours one of this agency's working days lasts (DOMAIN §3: a day is as long as its hours)."""
        seconds = sum(_seconds_of(b) - _seconds_of(a) for a, b in self.working_hours)
        return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def _seconds_of(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


class Field(models.Model):
    """Lĩnh vực: the field a procedure belongs to (civil status, land, business registration…)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class TimeUnit(models.TextChoices):
    DAYS = "days", _("ngày làm việc")
    HOURS = "hours", _("giờ làm việc")


class SupplementPolicy(models.TextChoices):
    """DOMAIN §3: after a supplement, the remaining time resumes or the full limit restarts."""

    RESUME = "resume", _("Tiếp tục thời hạn còn lại")
    RESTART = "restart", _("Tính lại từ đầu")


class ReturnChannel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    CENTRAL = "central", _("Cơ quan ngành dọc")


class Procedure(models.Model):
    """Thủ tục hành chính (TTHC) from the national catalogue, as configured by the province."""

    code = models.CharField(_("mã TTHC"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    agency_level = models.CharField(_("cấp thực hiện"), max_length=20, choices=AgencyLevel.choices)
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan có thẩm quyền"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("Để trống nếu mỗi xã, phường tự giải quyết."),
    )
    time_limit = models.DecimalField(_("thời hạn giải quyết"), max_digits=6, decimal_places=2)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=10, choices=TimeUnit.choices, default=TimeUnit.DAYS)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL
    )
    fee_amount = models.PositiveBigIntegerField(_("phí, lệ phí (VND)"), default=0)
    fee_note = models.CharField(_("ghi chú phí"), max_length=255, blank=True)
    supplement_policy = models.CharField(
        _("sau khi bổ sung"), max_length=10, choices=SupplementPolicy.choices, default=SupplementPolicy.RESUME
    )
    return_channels = models.JSONField(_("hình thức trả kết quả"), default=list, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # The code and name folded to plain lower-case letters (workflows.text.fold), written on save: what the
    # applicants' catalogue search looks in, with or without diacritics.
    search_text = models.CharField(max_length=600, blank=True, editable=False)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"code", "name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.time_limit is not None and self.time_limit <= 0:
            raise ValidationError({"time_limit": _("Thời hạn giải quyết phải lớn hơn 0.")})
        unknown = set(self.return_channels or []) - set(ReturnChannel.values)
        if unknown:
            raise ValidationError(
                {"return_channels": _("Hình thức trả kết quả không hợp lệ: %s") % ", ".join(sorted(unknown))}
            )

    def time_limit_seconds(self, day_seconds: float) -> float:
        """The legal limit in working seconds, for an agency whose working day lasts `day_seconds` (its
        calendar's `day_seconds()`): a day is as long as that agency's own hours (DOMAIN §3), an hour an hour."""
        if self.time_unit == TimeUnit.HOURS:
            return float(self.time_limit) * 3600
        return float(self.time_limit) * float(day_seconds)

    def time_limit_hours_at(self, day_hours: Decimal) -> Decimal:
        """The legal limit in working hours, for an agency whose working day lasts `day_hours`."""
        if self.time_unit == TimeUnit.HOURS:
            return Decimal(self.time_limit)
        return Decimal(self.time_limit) * Decimal(day_hours)

    @property
    def time_limit_hours(self) -> Decimal:
        """The legal limit in working hours at the competent agency (a day of its own hours; of the default
        hours when each commune resolves it)."""
        agency = self.competent_agency
        return self.time_limit_hours_at(agency.day_hours if agency is not None else DEFAULT_DAY_HOURS)

    @property
    def is_full_online(self) -> bool:
        return self.online_level == OnlineLevel.FULL

    def current_process(self, agency: Agency | None = None) -> ProcessVersion | None:
        """The published process for this procedure: the agency's own one if it has one."""
        published = self.process_versions.filter(status=ProcessStatus.PUBLISHED).order_by("-number")
        own = published.filter(agency=agency).first() if agency is not None else None
        return own or published.filter(agency__isnull=True).first()


class ProcedureDocument(models.Model):
    """Thành phần hồ sơ: a document the applicant hands in."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    code = models.SlugField(_("mã giấy tờ"), max_length=60)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="uniq_procedure_document")]

    def __str__(self):
        return self.name


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã ban hành")
    RETIRED = "retired", _("Ngừng áp dụng")


_FROZEN_MESSAGE = _("Quy trình đã ban hành không được sửa; hãy tạo phiên bản mới.")


class ProcessFrozen(Exception):
    """A published or retired process version cannot be edited."""


class ProcessVersion(models.Model):
    """Quy trình nội bộ (Art. 19 of 003), versioned: draft → published (frozen) → retired."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="process_versions"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("áp dụng tại cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_versions",
        help_text=_("Để trống: áp dụng cho mọi cơ quan."),
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    published_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "agency", "number"], name="uniq_process_number"),
        ]

    def __str__(self):
        return f"{self.procedure.code} v{self.number} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != ProcessStatus.DRAFT

    def ordered_steps(self) -> list[ProcessStep]:
        return list(self.steps.order_by("order"))

    def step_after(self, order: int = 0) -> ProcessStep | None:
        """The step that follows step `order` (the first step for 0), None after the last."""
        return self.steps.filter(order__gt=order).order_by("order").first()

    def step_before(self, order: int) -> ProcessStep | None:
        return self.steps.filter(order__lt=order).order_by("-order").first()

    def arrange_steps(self, placed) -> list[ProcessStep]:
        """Put steps where they were asked to go and number every step 1, 2, 3… again: `placed` are steps new or
        edited, each with the position it should take (`order`; none: at the end), the others keep their sequence
        around them. Inserting a step or moving one never needs the others renumbered by hand."""
        if self.is_frozen:
            raise ProcessFrozen(_FROZEN_MESSAGE)
        placed = list(placed)
        placed_ids = {s.pk for s in placed if s.pk}
        ordered = [s for s in self.steps.order_by("order") if s.pk not in placed_ids]
        wished = sorted(enumerate(placed), key=lambda item: (item[1].order is None, item[1].order or 0, item[0]))
        for _i, step in wished:
            at = len(ordered) if step.order is None else max(0, min(step.order - 1, len(ordered)))
            ordered.insert(at, step)
        with transaction.atomic():
            # Out of the way of the unique (process, order) while the steps take their new places.
            self.steps.update(order=models.F("order") + 10000)
            for number, step in enumerate(ordered, 1):
                step.process, step.order = self, number
                step.save()
        return ordered

    def day_hours(self) -> Decimal:
        """The length of a working day the steps' hours are set in: that of the agency the version applies at,
        else of the procedure's competent agency, else the default hours."""
        agency = self.agency or self.procedure.competent_agency
        return agency.day_hours if agency is not None else DEFAULT_DAY_HOURS

    def limit_hours(self) -> Decimal:
        """The procedure's legal limit in working hours of `day_hours()`: what the steps' limits add up to."""
        return self.procedure.time_limit_hours_at(self.day_hours())

    def total_hours(self, steps=None) -> Decimal:
        return sum((s.time_limit_hours for s in (self.steps.all() if steps is None else steps)), Decimal(0))

    def validate_for_publishing(self) -> list[str]:
        """Every problem that stops this version from being published, in words a person reads."""
        problems: list[str] = []
        steps = self.ordered_steps()
        if not steps:
            problems.append(str(_("Quy trình chưa có bước nào.")))
            return problems
        orders = [s.order for s in steps]
        if len(set(orders)) != len(orders):
            problems.append(str(_("Hai bước trùng thứ tự.")))
        for step in steps:
            if step.time_limit_hours <= 0:
                problems.append(str(_("Bước “%(name)s” chưa có thời hạn.") % {"name": step.name}))
        for step in steps[:-1]:
            if step.kind == StepKind.TRANSFER:
                message = _("Bước chuyển kết quả “%(name)s” (đang là bước %(order)s) phải là bước cuối cùng.")
                problems.append(str(message % {"name": step.name, "order": step.order}))
        total = self.total_hours(steps)
        expected = self.limit_hours()
        if total != expected:
            problems.append(
                str(
                    _(
                        "Tổng thời hạn các bước là %(total)s giờ làm việc, khác thời hạn giải quyết của thủ tục "
                        "là %(expected)s giờ (%(limit)s %(unit)s)."
                    )
                    % {
                        "total": format_hours(total),
                        "expected": format_hours(expected),
                        "limit": format_hours(self.procedure.time_limit),
                        "unit": self.procedure.get_time_unit_display(),
                    }
                )
            )
        return problems

    def publish(self, *, by=None) -> None:
        """Freeze this draft and make it the current version; the previous one is retired. Dossiers
        already running keep the version they started with (they point at it)."""
        if self.status != ProcessStatus.DRAFT:
            raise ValidationError(_("Chỉ bản nháp mới được ban hành."))
        problems = self.validate_for_publishing()
        if problems:
            raise ValidationError(problems)
        with transaction.atomic():
            ProcessVersion.objects.filter(
                procedure=self.procedure, agency=self.agency, status=ProcessStatus.PUBLISHED
            ).exclude(pk=self.pk).update(status=ProcessStatus.RETIRED)
            self.status = ProcessStatus.PUBLISHED
            self.published_at = timezone.now()
            self.published_by = by
            super().save(update_fields=["status", "published_at", "published_by"])

    def new_draft(self) -> ProcessVersion:
        """Start the next version as a draft copy of this one (editing never touches a published one)."""
        with transaction.atomic():
            draft = ProcessVersion.objects.create(procedure=self.procedure, agency=self.agency, note=self.note)
            for step in self.ordered_steps():
                step.pk = None
                step.process = draft
                step._state.adding = True
                step.save()
        return draft

    def save(self, *args, **kwargs):
        if self.pk:  # publish() writes through super().save, so any save here is an edit
            stored = ProcessVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored and stored != ProcessStatus.DRAFT:
                raise ProcessFrozen(_FROZEN_MESSAGE)
        if not self.number:
            self.number = (
                ProcessVersion.objects.filter(procedure=self.procedure, agency=self.agency).aggregate(m=Max("number"))[
                    "m"
                ]
                or 0
            ) + 1
        super().save(*args, **kwargs)


def format_hours(value) -> str:
    """A number of hours without trailing zeros: 8, 4.5."""
    return f"{Decimal(value).normalize():f}"


class StaffRole(models.TextChoices):
    """Roles of Art. 15 of 003 (the applicant is any user acting on his own dossier)."""

    COUNTER = "counter", _("Cán bộ Bộ phận Một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    SUPERVISOR = "supervisor", _("Giám sát Trung tâm")
    ADMIN = "admin", _("Quản trị")


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    APPRAISE = "appraise", _("Thẩm định")
    APPROVE = "approve", _("Phê duyệt")
    SIGN = "sign", _("Ký")
    TRANSFER = "transfer", _("Chuyển kết quả")
    OTHER = "other", _("Khác")


class ProcessStepQuerySet(models.QuerySet):
    """Bulk writes keep the rule `save()` and `delete()` keep: steps of a published or retired version
    never change."""

    def _refuse_frozen(self, process_ids=None) -> None:
        frozen = ProcessVersion.objects.exclude(status=ProcessStatus.DRAFT)
        if process_ids is None:
            touched = self.exclude(process__status=ProcessStatus.DRAFT).exists()
        else:
            touched = frozen.filter(pk__in=set(process_ids)).exists()
        if touched:
            raise ProcessFrozen(_FROZEN_MESSAGE)

    def update(self, **kwargs):
        self._refuse_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_frozen()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        self._refuse_frozen([o.process_id for o in objs])
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        self._refuse_frozen([o.process_id for o in objs])
        self.filter(pk__in=[o.pk for o in objs])._refuse_frozen()  # nor moved out of a frozen one
        return super().bulk_update(objs, *args, **kwargs)


class ProcessStep(models.Model):
    """One step of an internal process: who does it and within how many working hours."""

    process = models.ForeignKey(ProcessVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    kind = models.CharField(_("loại bước"), max_length=20, choices=StepKind.choices, default=StepKind.OTHER)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=StaffRole.choices)
    unit = models.CharField(_("đơn vị/phòng ban"), max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan thực hiện (liên thông)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: cơ quan có thẩm quyền của hồ sơ."),
    )
    time_limit_hours = models.DecimalField(_("thời hạn (giờ làm việc)"), max_digits=7, decimal_places=2)

    objects = ProcessStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("các bước xử lý")
        ordering = ["process", "order"]
        constraints = [models.UniqueConstraint(fields=["process", "order"], name="uniq_step_order")]

    def __str__(self):
        return f"{self.order}. {self.name}"

    def save(self, *args, **kwargs):
        if self.process_id and self.process.is_frozen:
            raise ProcessFrozen(_FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.process.is_frozen:
            raise ProcessFrozen(_FROZEN_MESSAGE)
        return super().delete(*args, **kwargs)


class Membership(models.Model):
    """A staff member's role in an agency (and unit). An officer acts only where he is a member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRole.choices)
    unit = models.CharField(_("đơn vị/phòng ban"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phân quyền cán bộ")
        verbose_name_plural = _("phân quyền cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_membership")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Nghỉ lễ, Tết")
    DAY_OFF = "day_off", _("Ngày nghỉ bổ sung")
    WORKING = "working", _("Ngày làm việc bù")


class DayPart(models.TextChoices):
    FULL = "full", _("Cả ngày")
    MORNING = "morning", _("Buổi sáng")
    AFTERNOON = "afternoon", _("Buổi chiều")


class CalendarDayQuerySet(models.QuerySet):
    """Bulk writes tell the calendars too, as `save()` and `delete()` do."""

    def update(self, **kwargs):
        result = super().update(**kwargs)
        _calendar_changed(self.model)
        return result

    def delete(self):
        result = super().delete()
        _calendar_changed(self.model)
        return result

    def bulk_create(self, *args, **kwargs):
        result = super().bulk_create(*args, **kwargs)
        _calendar_changed(self.model)
        return result

    def bulk_update(self, *args, **kwargs):
        result = super().bulk_update(*args, **kwargs)
        _calendar_changed(self.model)
        return result


class CalendarDay(CalendarInput, models.Model):
    """The working calendar as an editable per-year table (DOMAIN §3): public holidays (loaded from the
    `holidays` package's Vietnam calendar), extra days off and make-up working Saturdays."""

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=10, choices=DayKind.choices)
    part = models.CharField(_("buổi"), max_length=10, choices=DayPart.choices, default=DayPart.FULL)
    name = models.CharField(_("tên"), max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("chỉ áp dụng cho cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )
    source = models.CharField(_("nguồn"), max_length=20, default="admin", editable=False)

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "agency"], name="uniq_calendar_day_agency"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(agency__isnull=True), name="uniq_calendar_day_province"
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} {self.name}"


def _calendar_changed(model) -> None:
    calendar_input_changed.send(sender=model)


class CalendarYear(models.Model):
    """Marks a year whose national holidays have been loaded into CalendarDay, so they are loaded once
    and an admin's edits after that are kept."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("năm lịch")
        verbose_name_plural = _("năm lịch")

    def __str__(self):
        return str(self.year)
