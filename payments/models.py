"""Fees (phí, lệ phí) of procedures, what each dossier owes, and the payments and refunds against it
(DOMAIN §3 "Fees"; Art. 11 of 003). Amounts are whole Vietnamese đồng."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier
from onestop.formats import vnd
from workflows.models import Procedure

# The largest amount a dossier may be asked for at once (a thousand billion đồng): far above any fee or
# obligation, and far below what the databases' integers hold.
MAX_AMOUNT = 1_000_000_000_000


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class FeeItem(models.Model):
    """One fee or charge of a procedure. A procedure without items owes its single `fee_amount`."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fee_items"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices, default=FeeKind.CHARGE)
    name = models.CharField(_("tên khoản thu"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (VND)"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("khoản phí, lệ phí")
        verbose_name_plural = _("khoản phí, lệ phí")
        ordering = ["procedure", "order", "id"]

    def __str__(self):
        return f"{self.name}: {vnd(self.amount)} đ"


class FeeExemption(models.Model):
    """A province's exemption or reduction (miễn, giảm) for a period, on one procedure (or all), one
    item (or all), and possibly only for dossiers submitted online."""

    name = models.CharField(_("tên chính sách"), max_length=255)
    legal_basis = models.CharField(_("căn cứ (quyết định, nghị quyết)"), max_length=255, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fee_exemptions",
        help_text=_("Để trống để áp dụng cho mọi thủ tục."),
    )
    fee_item = models.ForeignKey(
        FeeItem,
        verbose_name=_("khoản thu"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exemptions",
        help_text=_("Để trống để áp dụng cho mọi khoản thu của thủ tục."),
    )
    percent = models.PositiveSmallIntegerField(
        _("tỷ lệ miễn, giảm (%)"), default=100, validators=[MaxValueValidator(100)]
    )
    online_only = models.BooleanField(_("chỉ áp dụng hồ sơ nộp trực tuyến"), default=False)
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("miễn, giảm phí, lệ phí")
        verbose_name_plural = _("miễn, giảm phí, lệ phí")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="fee_exemption_percent_lte_100"),
        ]

    def __str__(self):
        return f"{self.name} ({self.percent}%)"

    def clean(self):
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Ngày hết hiệu lực phải sau ngày bắt đầu.")})
        if self.fee_item_id and self.procedure_id and self.fee_item.procedure_id != self.procedure_id:
            raise ValidationError({"fee_item": _("Khoản thu không thuộc thủ tục đã chọn.")})


class ChargeKind(models.TextChoices):
    BASE = "base", _("Phí, lệ phí của thủ tục")
    ADDITIONAL = "additional", _("Nghĩa vụ tài chính bổ sung")


class Charge(models.Model):
    """What a dossier owes: its procedure's fees as computed at receipt, and any further financial
    obligation an officer asks for during processing (national status 6)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=12, choices=ChargeKind.choices, default=ChargeKind.BASE)
    amount = models.PositiveBigIntegerField(_("số tiền phải nộp (VND)"))
    items = models.JSONField(_("chi tiết khoản thu"), default=list, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tính lúc"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("khoản phải nộp")
        verbose_name_plural = _("khoản phải nộp")
        ordering = ["dossier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(kind="base"), name="uniq_base_charge_per_dossier"),
        ]


class Method(models.TextChoices):
    ONLINE = "online", _("Trực tuyến qua Nền tảng thanh toán")
    CASH = "cash", _("Tiền mặt tại Bộ phận Một cửa")
    BANK = "bank", _("Chuyển khoản, nộp qua ngân hàng")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    EXPIRED = "expired", _("Hết hạn thanh toán")
    REFUNDED = "refunded", _("Đã hoàn trả")


class Payment(models.Model):
    """One payment attempt or record. Online ones follow the platform: pending → paid / failed /
    expired, and paid → refunded; counter ones are recorded paid by the officer who took the money."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("hình thức"), max_length=10, choices=Method.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    amount = models.PositiveBigIntegerField(_("số tiền (VND)"))
    reference = models.CharField(_("mã giao dịch của hệ thống"), max_length=40, unique=True)
    platform_txn_id = models.CharField(_("mã giao dịch của Nền tảng"), max_length=64, blank=True)
    receipt_number = models.CharField(_("số biên lai điện tử"), max_length=64, blank=True)
    pay_url = models.URLField(_("địa chỉ trang thanh toán"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ thu tiền tại quầy; trống khi Nền tảng xác nhận."),
    )
    confirmed_via = models.CharField(_("xác nhận qua"), max_length=20, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "status"], name="payment_dossier_status"),
            models.Index(fields=["status", "expires_at"], name="payment_status_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["initiated_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="uniq_payment_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["method", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="uniq_payment_receipt_number",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {vnd(self.amount)} đ {self.status}"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Đang hoàn trả")
    AT_COUNTER = "at_counter", _("Chờ hoàn trả tại Bộ phận Một cửa")
    DONE = "done", _("Đã hoàn trả")
    FAILED = "failed", _("Hoàn trả không thành công")


# A refund the counter may record as handed back: cash or bank ones, and online ones the platform refused.
HANDED_BACK_AT_COUNTER = (RefundStatus.AT_COUNTER, RefundStatus.FAILED)


class Refund(models.Model):
    """Giving back a paid fee when the dossier is refused or withdrawn (where the province allows it)."""

    payment = models.OneToOneField(
        Payment, verbose_name=_("thanh toán"), on_delete=models.PROTECT, related_name="refund"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (VND)"))
    reference = models.CharField(_("mã hoàn trả"), max_length=40, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    requested_at = models.DateTimeField(_("đề nghị lúc"), default=timezone.now)
    completed_at = models.DateTimeField(_("hoàn trả lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi Nền tảng"), default=0)
    next_attempt_at = models.DateTimeField(
        _("gửi Nền tảng lần tới lúc"),
        null=True,
        blank=True,
        help_text=_("Trống khi khoản hoàn trả không còn chờ gửi Nền tảng thanh toán."),
    )
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hoàn trả")
        verbose_name_plural = _("hoàn trả")
        ordering = ["-requested_at"]
        indexes = [
            # The sweep's query: refunds still being made whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"], condition=Q(status=RefundStatus.REQUESTED), name="refund_due_attempt"
            ),
        ]


class NotificationOutcome(models.TextChoices):
    APPLIED = "applied", _("Đã áp dụng")
    NO_CHANGE = "no_change", _("Không thay đổi (đã biết)")
    REJECTED = "rejected", _("Từ chối")
    CONFLICT = "conflict", _("Xung đột, chờ cán bộ xử lý")


class PlatformNotification(models.Model):
    """Every verified notification, by nonce: a second one with the same nonce is a replay."""

    nonce = models.CharField(max_length=100, unique=True)
    timestamp = models.BigIntegerField()
    received_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(max_length=40, blank=True)
    body = models.JSONField(default=dict)
    outcome = models.CharField(max_length=12, choices=NotificationOutcome.choices)
    detail = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("thông báo từ Nền tảng thanh toán")
        verbose_name_plural = _("thông báo từ Nền tảng thanh toán")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["reference"], name="notification_reference")]
