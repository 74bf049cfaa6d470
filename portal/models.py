"""The portal outbox, the national status mapping and the portal link's health (DOMAIN §3 "Sync to the
national portal", §5 "An outbox that is safe with many workers")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, PauseReason, Status


class NationalStatus(models.IntegerChoices):
    """Trạng thái hồ sơ on the national portal (codes used by provincial systems)."""

    REGISTERED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_RECEIVED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    FINANCIAL_OBLIGATION = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESOLVED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class MessageKind(models.TextChoices):
    SYNC = "sync", _("Đồng bộ hồ sơ (DongBoHoSoMC)")
    PROGRESS = "progress", _("Cập nhật tiến độ (CapNhatTienDoHoSoMC)")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Gửi lỗi (cần xử lý)")


class MappingVersionQuerySet(models.QuerySet):
    def active(self):
        """The active versions, newest first: the first is the one in use."""
        return self.filter(is_active=True).order_by("-number")


class MappingVersion(models.Model):
    """A version of the mapping from our states to the national codes. The newest active one is used;
    every outbox row records the version it was built with.

    One version stays active: saving the last active one as retired is refused (`save`), and so is
    deleting an active one (`receivers._refuse_deleting_an_active_version`). Without a version, changes
    would wait unreported. A bulk `update()` goes around both; sending copes (rows wait for a code)."""

    number = models.PositiveIntegerField(_("phiên bản"), unique=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    silent_actions = models.JSONField(
        _("thao tác không gửi"),
        default=list,
        blank=True,
        help_text=_("Các thao tác không thay đổi thông tin mà Cổng quốc gia nắm giữ (ví dụ: note)."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("phiên bản bảng ánh xạ trạng thái")
        verbose_name_plural = _("bảng ánh xạ trạng thái (các phiên bản)")
        ordering = ["-number"]

    objects = MappingVersionQuerySet.as_manager()

    def __str__(self):
        return f"v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is None or self.is_active:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            self.ensure_another_active()
            return super().save(*args, **kwargs)

    def ensure_another_active(self) -> None:
        """Refuse to retire this version while it is the only active one. The active versions are locked
        until the transaction ends, so that two versions retired at once cannot both pass."""
        active = list(MappingVersion.objects.select_for_update().active().values_list("pk", flat=True))
        if self.pk in active and len(active) == 1:
            raise ValidationError(
                gettext(
                    "Không thể ngừng áp dụng phiên bản %(number)s: đây là phiên bản duy nhất đang áp dụng của "
                    "bảng ánh xạ trạng thái. Hãy áp dụng một phiên bản khác trước; nếu không, các thay đổi trạng "
                    "thái hồ sơ sẽ không được gửi lên Cổng DVC quốc gia."
                )
                % {"number": self.number},
                code="last_active_version",
            )

    def ensure_deletable(self) -> None:
        """Refuse to delete an active version (retire it first, which keeps another one active). The row is
        read again and locked until the deletion's transaction ends: this instance may be stale, and the
        version cannot be activated meanwhile."""
        locked = MappingVersion.objects.select_for_update().filter(pk=self.pk)
        if locked.values_list("is_active", flat=True).first():
            raise ValidationError(
                gettext(
                    "Không thể xóa phiên bản %(number)s đang áp dụng của bảng ánh xạ trạng thái: hãy ngừng áp dụng "
                    "phiên bản này trước."
                )
                % {"number": self.number},
                code="active_version",
            )


class StatusMapping(models.Model):
    """One row of the mapping: our state (and, for pauses, the reason) → the national status code.
    An empty pause reason matches any reason not given its own row."""

    version = models.ForeignKey(MappingVersion, on_delete=models.CASCADE, related_name="rows")
    status = models.CharField(_("trạng thái hồ sơ"), max_length=20, choices=Status.choices)
    pause_reason = models.CharField(
        _("lý do tạm dừng"), max_length=20, choices=PauseReason.choices, blank=True, default=""
    )
    national_code = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"), choices=NationalStatus.choices)

    class Meta:
        verbose_name = _("ánh xạ trạng thái")
        verbose_name_plural = _("ánh xạ trạng thái")
        ordering = ["version", "status", "pause_reason"]
        constraints = [
            models.UniqueConstraint(fields=["version", "status", "pause_reason"], name="uniq_status_mapping"),
        ]

    def __str__(self):
        reason = f" ({self.pause_reason})" if self.pause_reason else ""
        return f"{self.status}{reason} → {self.national_code}"


class OutboxMessage(models.Model):
    """A message for the national portal, written in the transaction of the change it reports.
    (dossier_code, seq) is the idempotency key the portal deduplicates by."""

    # Not indexed: rows are found by (dossier_code, seq), and a dossier with history is never deleted.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60)
    seq = models.PositiveIntegerField(_("số thứ tự"))
    event_id = models.BigIntegerField(_("sự kiện"))
    kind = models.CharField(_("loại"), max_length=10, choices=MessageKind.choices)
    # The mapping translates the change's action and the state it left the dossier in (the history row
    # `event_id` holds both) with the pause reason, which is kept here. The code and version stay empty
    # while no mapping version is active; delivery fills them in (services.assign_codes).
    pause_reason = models.CharField(_("lý do tạm dừng"), max_length=20, choices=PauseReason.choices, blank=True)
    national_status = models.PositiveSmallIntegerField(
        _("trạng thái quốc gia"), choices=NationalStatus.choices, null=True, blank=True
    )
    mapping_version = models.PositiveIntegerField(_("phiên bản ánh xạ"), null=True, blank=True)
    payload = models.JSONField(_("nội dung gửi"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(_("số lần gửi lỗi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    resent_at = models.DateTimeField(_("gửi lại khi đối soát lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp gửi Cổng quốc gia")
        verbose_name_plural = _("hàng đợi gửi Cổng quốc gia")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["dossier_code", "seq"], name="uniq_outbox_dossier_seq")]
        indexes = [
            # The claim query reads undelivered rows only: keep that index small.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_due",
                condition=Q(state="pending"),
            ),
            models.Index(
                fields=["dossier_code", "seq"],
                name="outbox_undelivered",
                condition=Q(state__in=["pending", "dead"]),
            ),
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
        ]

    def __str__(self):
        return self.idempotency_key

    @property
    def idempotency_key(self) -> str:
        return f"{self.dossier_code}:{self.seq}"


class BreakerState(models.TextChoices):
    CLOSED = "closed", _("Bình thường")
    OPEN = "open", _("Ngắt (Cổng đang lỗi)")


class PortalLink(models.Model):
    """The one row that all workers share: the circuit breaker and what is known of the portal's health."""

    state = models.CharField(_("cầu dao"), max_length=10, choices=BreakerState.choices, default=BreakerState.CLOSED)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    open_until = models.DateTimeField(_("ngắt đến"), null=True, blank=True)
    opened_count = models.PositiveIntegerField(_("số lần ngắt"), default=0)
    last_success_at = models.DateTimeField(_("gửi thành công gần nhất"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("lỗi gần nhất lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("kết nối Cổng quốc gia")
        verbose_name_plural = _("kết nối Cổng quốc gia")

    def __str__(self):
        return str(self.get_state_display())


class ReconciliationRun(models.Model):
    """One comparison of the portal's store with ours over a period, and what was sent again."""

    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    period_start = models.DateTimeField(_("từ"))
    period_end = models.DateTimeField(_("đến"))
    dossiers_checked = models.PositiveIntegerField(_("số hồ sơ đối chiếu"), default=0)
    messages_resent = models.PositiveIntegerField(_("số thông điệp gửi lại"), default=0)
    dossiers_differing = models.PositiveIntegerField(_("số hồ sơ lệch"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần đối soát")
        verbose_name_plural = _("đối soát với Cổng quốc gia")
        ordering = ["-started_at"]
