"""Every indicator of DOMAIN §4, each defined once here with its formula and its source.

A *measure* is a number summed over dossiers, counted on one of the dossier's days: received ones in the
period of their receipt, resolved ones in the period of their resolution, and so on (the facts of
`reports.facts`). The summary tables hold one column per measure. A *rate* is one measure (or derived count)
over another, in percent; a *figure* divides sums that are not counts (average times). The catalogue-based
counts (full-online services) are derived per procedure when a report is folded (`reports.selectors`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from workflows.clock import Verdict


@dataclass(frozen=True)
class Measure:
    """A column of the summary tables: over the facts whose `day` falls in the period and whose fields equal
    `where` (a field name ending in `__isnull` asks whether it is empty), the count, or the sum of the field
    `total`. The same `where` filters the fact rows when a report drills down to the dossiers behind it."""

    name: str
    label: str
    day: str  # the fact's date that puts it in a period
    where: dict = field(default_factory=dict)
    total: str | None = None  # a field summed instead of counting

    @property
    def seconds(self) -> bool:
        return self.total is not None

    def filters(self) -> dict:
        """The Django filters of the facts this measure counts (without the period)."""
        return {f"{self.day}__isnull": False, **self.where}


MEASURES: tuple[Measure, ...] = (
    # Received in the period (a dossier counts as received in the period of its receipt, Art. 31 of 003).
    Measure("received", _("Tiếp nhận"), "received_on"),
    # Seed 001: "hồ sơ phát sinh trực tuyến", dossiers filed online.
    Measure("received_online", _("Tiếp nhận trực tuyến"), "received_on", {"online": True}),
    # 004 note 5's denominator: dossiers of procedures that charge a fee or an obligation.
    Measure("received_with_fee", _("Có phí, lệ phí"), "received_on", {"has_fee": True}),
    Measure("received_paid_online", _("Thanh toán trực tuyến"), "received_on", {"has_fee": True, "paid_online": True}),
    # Seed 002: time from opening the online form to submitting it.
    Measure("submissions_timed", _("Hồ sơ có đo thời gian nộp"), "received_on", {"submission_seconds__isnull": False}),
    Measure(
        "submission_seconds",
        _("Tổng thời gian nộp (giây)"),
        "received_on",
        {"submission_seconds__isnull": False},
        total="submission_seconds",
    ),
    # Resolved in the period, with the one verdict of workflows.clock.classify (Decision 766).
    Measure("resolved", _("Đã giải quyết"), "resolved_on"),
    Measure("early", _("Trước hạn"), "resolved_on", {"verdict": Verdict.EARLY.value}),
    Measure("on_time", _("Đúng hạn"), "resolved_on", {"verdict": Verdict.ON_TIME.value}),
    Measure("late", _("Quá hạn"), "resolved_on", {"verdict": Verdict.LATE.value}),
    # Seed 000: processed fully online (online filing and payment, electronic result returned online or by post).
    Measure("fully_online", _("Xử lý trực tuyến toàn trình"), "resolved_on", {"fully_online": True}),
    # Seed 002: processing time online against in person (receipt to resolution).
    Measure("resolved_online", _("Giải quyết, nộp trực tuyến"), "resolved_on", {"online": True}),
    Measure(
        "online_seconds",
        _("Thời gian xử lý trực tuyến (giây)"),
        "resolved_on",
        {"online": True},
        total="processing_seconds",
    ),
    Measure("resolved_in_person", _("Giải quyết, nộp trực tiếp"), "resolved_on", {"online": False}),
    Measure(
        "in_person_seconds",
        _("Thời gian xử lý trực tiếp (giây)"),
        "resolved_on",
        {"online": False},
        total="processing_seconds",
    ),
    Measure("returned", _("Đã trả kết quả"), "returned_on"),
    # Ended without a result, in the period they ended: refused at the counter (never received),
    # withdrawn by the applicant, stopped by the agency (form 05).
    Measure("rejected", _("Không được tiếp nhận"), "ended_on", {"outcome": "rejected"}),
    Measure("withdrawn", _("Rút hồ sơ"), "ended_on", {"outcome": "withdrawn"}),
    Measure("stopped", _("Dừng xử lý"), "ended_on", {"outcome": "stopped"}),
    # Seed 002: satisfaction, ratings given in the period.
    Measure("rated", _("Lượt đánh giá"), "rated_on"),
    Measure("satisfied", _("Hài lòng, rất hài lòng"), "rated_on", {"satisfied": True}),
)
MEASURE_NAMES = tuple(m.name for m in MEASURES)
DAYS = tuple(dict.fromkeys(m.day for m in MEASURES))  # the facts' dates, in the order measures use them

# Counts a report derives per procedure from the catalogue and the measures (DOMAIN §4, seed 004):
DERIVED = {
    "services_eligible": _("TTHC đủ điều kiện cung cấp DVCTT toàn trình"),
    "services_full_online": _("DVCTT toàn trình đang cung cấp"),
    "services_full_with_dossiers": _("DVCTT toàn trình có phát sinh hồ sơ"),
    "services_full_with_online": _("DVCTT toàn trình có phát sinh hồ sơ trực tuyến"),
    "received_full_service": _("Hồ sơ của DVCTT toàn trình"),
    "received_full_service_online": _("Hồ sơ trực tuyến của DVCTT toàn trình"),
    "in_progress": _("Đang giải quyết"),
    "in_progress_on_time": _("Đang giải quyết trong hạn"),
    "in_progress_overdue": _("Đang giải quyết quá hạn"),
    # Seed 001's columns: online services (level 3, 4: partly or fully online) and those with any dossier.
    "services_online": _("DVC trực tuyến (một phần, toàn trình)"),
    "services_online_with_dossiers": _("DVC trực tuyến có phát sinh hồ sơ"),
}


@dataclass(frozen=True)
class Rate:
    """numerator / denominator × `scale`, rounded to two decimals; None when the denominator is 0."""

    name: str
    label: str
    numerator: tuple[str, ...]  # summed
    denominator: tuple[str, ...]
    formula: str
    source: str
    scale: float = 100.0
    unit: str = "%"

    def of(self, counts: dict) -> float | None:
        below = sum(counts.get(n, 0) for n in self.denominator)
        if not below:
            return None
        return round(self.scale * sum(counts.get(n, 0) for n in self.numerator) / below, 2)


RATES: tuple[Rate, ...] = (
    Rate(
        "services_with_dossiers_rate",
        _("Tỷ lệ DVC trực tuyến có phát sinh hồ sơ"),
        ("services_online_with_dossiers",),
        ("services_online",),
        "DVC trực tuyến (một phần, toàn trình) có phát sinh hồ sơ / tổng số DVC trực tuyến",
        "Báo cáo 01/CĐS Sơn La (tài liệu 001)",
    ),
    Rate(
        "on_time_rate",
        _("Tỷ lệ giải quyết đúng hạn"),
        ("early", "on_time"),
        ("resolved",),
        "(trước hạn + đúng hạn) / đã giải quyết; đúng hạn khi kết thúc không muộn hơn hạn đã trừ thời gian bổ "
        "sung; bổ sung quá một lần là quá hạn; xin lỗi hẹn lại không làm hồ sơ quá hạn thành đúng hạn",
        "QĐ 766/QĐ-TTg; DOMAIN §4",
    ),
    Rate(
        "online_rate",
        _("Tỷ lệ hồ sơ trực tuyến"),
        ("received_online",),
        ("received",),
        "hồ sơ phát sinh trực tuyến / tổng số hồ sơ phát sinh (tiếp nhận)",
        "Báo cáo 01/CĐS Sơn La (tài liệu 001)",
    ),
    Rate(
        "full_online_processing_rate",
        _("Tỷ lệ hồ sơ xử lý trực tuyến toàn trình"),
        ("fully_online",),
        ("resolved",),
        "hồ sơ xử lý trực tuyến toàn trình / tổng số hồ sơ đã giải quyết",
        "QĐ 270/QĐ-UBND Sơn La (tài liệu 000), chỉ tiêu ≥ 70% năm 2025",
    ),
    Rate(
        "full_online_service_rate",
        _("Tỷ lệ DVCTT toàn trình"),
        ("services_full_online",),
        ("services_eligible",),
        "số DVCTT toàn trình đang cung cấp / số TTHC đủ điều kiện (TTHC đang áp dụng trong danh mục)",
        "QĐ giao chỉ tiêu Lào Cai 2022 (tài liệu 004), ghi chú 2",
    ),
    Rate(
        "services_with_online_rate",
        _("Tỷ lệ DVCTT có phát sinh hồ sơ trực tuyến"),
        ("services_full_with_online",),
        ("services_full_with_dossiers",),
        "DVCTT toàn trình có hồ sơ trực tuyến / DVCTT toàn trình có hồ sơ (trực tuyến và không trực tuyến)",
        "tài liệu 004, ghi chú 3",
    ),
    Rate(
        "full_online_dossier_rate",
        _("Tỷ lệ hồ sơ trực tuyến toàn trình"),
        ("received_full_service_online",),
        ("received_full_service",),
        "hồ sơ trực tuyến của DVCTT toàn trình / tổng số hồ sơ của DVCTT toàn trình",
        "tài liệu 004, ghi chú 4",
    ),
    Rate(
        "online_payment_rate",
        _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        ("received_paid_online",),
        ("received_with_fee",),
        "hồ sơ thanh toán trực tuyến / hồ sơ của TTHC có thu phí, lệ phí, nghĩa vụ tài chính",
        "tài liệu 004, ghi chú 5",
    ),
    Rate(
        "satisfaction_rate",
        _("Tỷ lệ hài lòng"),
        ("satisfied",),
        ("rated",),
        "đánh giá hài lòng và rất hài lòng / tổng số đánh giá",
        "KH 169/KH-UBND Sơn La (tài liệu 002): ≥ 90% năm 2025, ≥ 95% năm 2026",
    ),
    Rate(
        "online_processing_days",
        _("Thời gian xử lý trung bình, nộp trực tuyến (ngày)"),
        ("online_seconds",),
        ("resolved_online",),
        "tổng thời gian từ tiếp nhận đến giải quyết xong / số hồ sơ nộp trực tuyến đã giải quyết",
        "tài liệu 002",
        scale=1 / 86400,
        unit=_("ngày"),
    ),
    Rate(
        "in_person_processing_days",
        _("Thời gian xử lý trung bình, nộp trực tiếp (ngày)"),
        ("in_person_seconds",),
        ("resolved_in_person",),
        "tổng thời gian từ tiếp nhận đến giải quyết xong / số hồ sơ nộp trực tiếp, bưu chính đã giải quyết",
        "tài liệu 002",
        scale=1 / 86400,
        unit=_("ngày"),
    ),
    Rate(
        "submission_minutes",
        _("Thời gian nộp trực tuyến trung bình (phút)"),
        ("submission_seconds",),
        ("submissions_timed",),
        "tổng thời gian từ mở biểu mẫu đến nộp / số hồ sơ có đo",
        "tài liệu 002: dưới 8 phút năm 2025, 5 phút năm 2026",
        scale=1 / 60,
        unit=_("phút"),
    ),
)
RATE_BY_NAME = {r.name: r for r in RATES}


def online_time_reduction(counts: dict) -> float | None:
    """How much shorter online processing is than in person, in percent (seed 002: at least 20% in 2025,
    30% in 2026): 100 × (1 − online average / in-person average)."""
    online = RATE_BY_NAME["online_processing_days"].of(counts)
    in_person = RATE_BY_NAME["in_person_processing_days"].of(counts)
    if online is None or not in_person:
        return None
    return round(100 * (1 - online / in_person), 2)


@dataclass(frozen=True)
class IndexGroup:
    """One of the five groups of the national index (Decision 766), out of `points`."""

    name: str
    label: str
    points: int
    rate: str | None  # the rate that scores it (points × rate / 100), None where the data does not allow
    missing: str = ""


INDEX_GROUPS: tuple[IndexGroup, ...] = (
    IndexGroup(
        "transparency",
        _("Công khai, minh bạch"),
        18,
        None,
        _("Thiếu dữ liệu: việc công khai TTHC và kết quả giải quyết trên Cổng DVC không được ghi nhận trong hệ thống."),
    ),
    IndexGroup("progress", _("Tiến độ giải quyết"), 20, "on_time_rate"),
    IndexGroup(
        "digitisation",
        _("Số hóa hồ sơ"),
        22,
        None,
        _("Thiếu dữ liệu: tỷ lệ số hóa thành phần hồ sơ và tái sử dụng kết quả số hóa chưa được đo."),
    ),
    IndexGroup("online_services", _("Cung cấp dịch vụ trực tuyến"), 22, "full_online_processing_rate"),
    IndexGroup("satisfaction", _("Mức độ hài lòng"), 18, "satisfaction_rate"),
)


def national_index(rates: dict) -> list[dict]:
    """The five groups with the points each scores where its rate is known (points × rate / 100)."""
    groups = []
    for group in INDEX_GROUPS:
        rate = rates.get(group.rate) if group.rate else None
        score = round(group.points * rate / 100, 2) if rate is not None else None
        groups.append(
            {
                "name": group.name,
                "label": str(group.label),
                "points": group.points,
                "score": score,
                "missing": str(group.missing),
            }
        )
    return groups
