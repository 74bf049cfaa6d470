"""The notifications' outbox: what is to be sent, or was sent, to whom for which event (one row per dossier
event and channel, written in the transaction of the change that calls for it: the key that keeps a
notification from being sent twice), the applicant's chosen channels, and the simulated SMS gateway's
outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier


class Kind(models.TextChoices):
    RECEIPT = "receipt", _("Đã tiếp nhận hồ sơ")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung")
    FEE_DUE = "fee_due", _("Phí, lệ phí cần nộp")
    APOLOGY = "apology", _("Xin lỗi, hẹn lại ngày trả")
    REFUSAL = "refusal", _("Từ chối tiếp nhận")
    RESULT = "result", _("Có kết quả")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class Delivery(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class Preference(models.Model):
    """The channels an applicant wants notifications on (both, until he chooses)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    email = models.BooleanField(_("nhận qua thư điện tử"), default=True)
    sms = models.BooleanField(_("nhận qua SMS"), default=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")


class Notification(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+", db_index=False)
    event_seq = models.PositiveIntegerField(_("sự kiện"))
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=NotificationChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    # When the sweeper may send it (again): now for a new row, later after a failure (backoff).
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), default=timezone.now)
    # When a worker claimed it for sending (status "sending"), committed before the gateway is called.
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "event_seq", "channel"], name="notification_once_per_event")
        ]
        indexes = [
            # The sweeper's look-up: what is still to send (or stuck sending), oldest due first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="notification_due",
            )
        ]

    def __str__(self):
        return f"{self.dossier_id}#{self.event_seq} {self.channel} → {self.recipient}"


class SimulatedSms(models.Model):
    """A message the simulated SMS gateway 'sent' (what a real gateway would deliver)."""

    to = models.CharField(_("số điện thoại"), max_length=20)
    body = models.TextField(_("nội dung"))
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tin nhắn SMS (mô phỏng)")
        verbose_name_plural = _("tin nhắn SMS (mô phỏng)")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.to}: {self.body[:40]}"
