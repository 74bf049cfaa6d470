"""What reports read: one fact row per dossier, the summary tables kept from the facts, targets per agency
and year, and the progress of bulk imports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier
from workflows.clock import Verdict
from workflows.models import Agency, Procedure

from .indicators import MEASURES, RATES


class Outcome(models.TextChoices):
    """How a dossier ended without a result (counted in the period it ended)."""

    REJECTED = "rejected", _("Không được tiếp nhận")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


class DossierFact(models.Model):
    """What the indicators need of one dossier, its days as local dates (Asia/Ho_Chi_Minh). Written with
    every change that moves a figure, in the change's transaction; the summaries are sums of these rows."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, primary_key=True, related_name="+")
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    online = models.BooleanField(_("nộp trực tuyến"), default=False)
    received_on = models.DateField(_("ngày tiếp nhận"), null=True)
    resolved_on = models.DateField(_("ngày giải quyết xong"), null=True)
    returned_on = models.DateField(_("ngày trả kết quả"), null=True)
    ended_on = models.DateField(_("ngày kết thúc không có kết quả"), null=True)
    outcome = models.CharField(_("kết thúc"), max_length=10, choices=Outcome.choices, blank=True)
    verdict = models.CharField(_("kết quả đúng hạn"), max_length=10, choices=Verdict.choices, blank=True)
    has_fee = models.BooleanField(_("có phí, lệ phí"), default=False)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    fully_online = models.BooleanField(_("xử lý trực tuyến toàn trình"), default=False)
    processing_seconds = models.FloatField(_("thời gian xử lý (giây)"), null=True)
    submission_seconds = models.PositiveIntegerField(_("thời gian nộp (giây)"), null=True)
    rated_on = models.DateField(_("ngày đánh giá"), null=True)
    satisfied = models.BooleanField(_("hài lòng"), null=True)
    # Brought in by `import_dossiers`: its paid-online and fully-online flags are the file's.
    imported = models.BooleanField(_("nhập từ dữ liệu lịch sử"), default=False)

    class Meta:
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")


class Grain(models.TextChoices):
    DAY = "day", _("Ngày")
    # Half a month: the 1st to the 14th, the 15th to the month's end. Reporting quarters and years (cut on
    # the 14th, Art. 31 of 003) and calendar months are whole runs of these.
    HALF_MONTH = "half", _("Nửa tháng")


class Summary(models.Model):
    """The measures of `reports.indicators.MEASURES` summed per agency, procedure and day (or half month)."""

    grain = models.CharField(_("độ chi tiết"), max_length=4, choices=Grain.choices)
    start = models.DateField(_("từ ngày"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["grain", "start", "agency", "procedure"], name="uniq_summary_key"),
        ]
        # Every read names the grain and the starts of its period, so the key's index serves them all, an
        # agency's too; a second index would only slow the writes of every change and import.


for _measure in MEASURES:
    Summary.add_to_class(
        _measure.name,
        (models.FloatField if _measure.seconds else models.BigIntegerField)(_measure.label, default=0),
    )


class Target(models.Model):
    """A target an agency is given for a reporting year (seed 004's table; seed 000's 70%)."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm báo cáo"))
    indicator = models.CharField(
        _("chỉ tiêu"), max_length=40, choices=[(r.name, r.label) for r in RATES if r.unit == "%"]
    )
    value = models.DecimalField(_("mục tiêu (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu được giao")
        verbose_name_plural = _("chỉ tiêu được giao")
        ordering = ["year", "agency", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "indicator"], name="uniq_target"),
        ]

    def __str__(self):
        return f"{self.agency_id} {self.year} {self.indicator}: {self.value}%"


class ImportRun(models.Model):
    """One file being imported by `import_dossiers`: how far it got, so that a rerun resumes there."""

    fingerprint = models.CharField(_("dấu vân tệp"), max_length=64, unique=True)
    path = models.CharField(_("tệp"), max_length=1000)
    lines_done = models.PositiveBigIntegerField(_("số dòng đã xử lý"), default=0)
    imported = models.PositiveBigIntegerField(_("số hồ sơ đã nhập"), default=0)
    errors = models.PositiveBigIntegerField(_("số dòng lỗi"), default=0)
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập hồ sơ")
        verbose_name_plural = _("lượt nhập hồ sơ")
