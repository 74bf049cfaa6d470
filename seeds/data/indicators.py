"""Figures and targets from the source documents: seed 001's table of dossiers and online dossiers per
agency in 2022 (Sơn La), seed 004's targets per agency for 2022 (Lào Cai) and seed 000's 70% full-online
target for 2025 (Sơn La). Lào Cai's agency codes are illustrative, in the QCVN 102 shape with H38."""

from __future__ import annotations

# Seed 001 (report 01/CĐS, 3 January 2023): per agency, all dossiers arising in 2022 and those filed online.
# Departments (table 1) and the former districts' own dossiers (table 2, "tại UBND huyện"). Sở Tài chính has
# none.
ONLINE_2022 = [
    ("000.00.17.H52", 2, 2),  # Ban Quản lý các khu công nghiệp tỉnh
    ("000.00.16.H52", 12, 12),  # Ban Dân tộc
    ("000.00.11.H52", 46, 46),  # Sở Khoa học và Công nghệ
    ("000.00.04.H52", 15797, 15572),  # Sở Công Thương
    ("000.00.08.H52", 142, 138),  # Sở Thông tin và Truyền thông
    ("000.00.10.H52", 150, 143),  # Sở Văn hóa, Thể thao và Du lịch
    ("000.00.12.H52", 3752, 3029),  # Sở Tư pháp
    ("000.00.01.H52", 1325, 1024),  # Sở Nội vụ
    ("000.00.14.H52", 506, 300),  # Sở Giáo dục và Đào tạo
    ("000.00.13.H52", 1190, 555),  # Sở Xây dựng
    ("000.00.15.H52", 1931, 620),  # Sở Y tế
    ("000.00.05.H52", 2019, 395),  # Sở Nông nghiệp và Phát triển nông thôn
    ("000.00.07.H52", 776, 86),  # Sở Tài nguyên và Môi trường
    ("000.00.09.H52", 1266, 66),  # Sở Lao động, Thương binh và Xã hội
    ("000.00.06.H52", 28073, 334),  # Sở Giao thông vận tải
    ("000.00.02.H52", 517, 0),  # Sở Kế hoạch và Đầu tư
    ("000.00.57.H52", 2995, 829),  # UBND huyện Mộc Châu
    ("000.00.53.H52", 2685, 1358),  # UBND huyện Thuận Châu
    ("000.00.59.H52", 8238, 1482),  # UBND huyện Mai Sơn
    ("000.00.51.H52", 1894, 935),  # UBND thành phố Sơn La
    ("000.00.60.H52", 3466, 1314),  # UBND huyện Sông Mã
    ("000.00.58.H52", 4550, 1638),  # UBND huyện Yên Châu
    ("000.00.62.H52", 3499, 348),  # UBND huyện Vân Hồ
    ("000.00.61.H52", 727, 280),  # UBND huyện Sốp Cộp
    ("000.00.52.H52", 1466, 139),  # UBND huyện Quỳnh Nhai
    ("000.00.55.H52", 3611, 659),  # UBND huyện Bắc Yên
    ("000.00.54.H52", 393, 101),  # UBND huyện Mường La
    ("000.00.56.H52", 4724, 242),  # UBND huyện Phù Yên
]

# Seed 004's appendix: (agency code, name, tier, full-online service rate, services with online dossiers,
# full-online dossier rate, online payment rate); None where the agency charges no fee ("Không có phí").
LAO_CAI_PROVINCE = ("000.00.00.H38", "Ủy ban nhân dân tỉnh Lào Cai")
LAO_CAI_TARGETS_2022 = [
    ("000.00.08.H38", "Sở Thông tin và Truyền thông tỉnh Lào Cai", "department", 100, 100, 65, 30),
    ("000.00.02.H38", "Sở Kế hoạch và Đầu tư tỉnh Lào Cai", "department", 100, 100, 65, 30),
    ("000.00.03.H38", "Sở Tài chính tỉnh Lào Cai", "department", 100, 100, 80, None),
    ("000.00.16.H38", "Ban Dân tộc tỉnh Lào Cai", "department", 100, 100, 100, None),
    ("000.00.17.H38", "Ban Quản lý khu Kinh tế tỉnh Lào Cai", "department", 100, 100, 65, 30),
    ("000.00.04.H38", "Sở Công Thương tỉnh Lào Cai", "department", 100, 100, 65, 30),
    ("000.00.18.H38", "Sở Du lịch tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.14.H38", "Sở Giáo dục và Đào tạo tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.09.H38", "Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.05.H38", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.19.H38", "Sở Ngoại vụ tỉnh Lào Cai", "department", 100, 100, 100, None),
    ("000.00.10.H38", "Sở Văn hóa và Thể thao tỉnh Lào Cai", "department", 100, 100, 100, 35),
    ("000.00.15.H38", "Sở Y tế tỉnh Lào Cai", "department", 100, 100, 100, 60),
    ("000.00.01.H38", "Sở Nội vụ tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.07.H38", "Sở Tài nguyên và Môi trường tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.06.H38", "Sở Giao thông Vận tải - Xây dựng tỉnh Lào Cai", "department", 100, 100, 100, 37),
    ("000.00.12.H38", "Sở Tư pháp tỉnh Lào Cai", "department", 100, 100, 70, 30),
    ("000.00.11.H38", "Sở Khoa học và Công nghệ tỉnh Lào Cai", "department", 100, 100, 100, 30),
    ("000.00.51.H38", "Ủy ban nhân dân huyện Bảo Thắng", "district", 100, 100, 65, 30),
    ("000.00.52.H38", "Ủy ban nhân dân huyện Bảo Yên", "district", 100, 100, 65, 65),
    ("000.00.53.H38", "Ủy ban nhân dân huyện Bát Xát", "district", 100, 100, 65, 30),
    ("000.00.54.H38", "Ủy ban nhân dân huyện Bắc Hà", "district", 100, 100, 65, 30),
    ("000.00.55.H38", "Ủy ban nhân dân huyện Mường Khương", "district", 100, 100, 65, 30),
    ("000.00.56.H38", "Ủy ban nhân dân huyện Si Ma Cai", "district", 100, 100, 65, 30),
    ("000.00.57.H38", "Ủy ban nhân dân huyện Văn Bàn", "district", 100, 100, 65, 30),
    ("000.00.58.H38", "Ủy ban nhân dân thành phố Lào Cai", "district", 100, 100, 65, 30),
    ("000.00.59.H38", "Ủy ban nhân dân thị xã Sa Pa", "district", 100, 100, 65, 30),
]
LAO_CAI_INDICATORS = (
    "full_online_service_rate",
    "services_with_online_rate",
    "full_online_dossier_rate",
    "online_payment_rate",
)
LAO_CAI_SOURCE = "QĐ giao chỉ tiêu DVCTT tỉnh Lào Cai năm 2022 (tài liệu 004)"

# Seed 000: every department, board and sector, and every district, town and city of Sơn La: at least 70%
# of dossiers processed fully online by the end of 2025.
SON_LA_FULL_ONLINE_2025 = 70
SON_LA_SOURCE = "QĐ 270/QĐ-UBND ngày 12/02/2025 tỉnh Sơn La (tài liệu 000)"


def online_2022_rows(procedure_of: dict[str, str], default_procedure: str, *, table=ONLINE_2022):
    """Seed 001's table as import rows (reports.importing.COLUMNS): one returned dossier per dossier of the
    table, the right number of them online, received on the days of the 2022 reporting year in turn
    (15 December 2021 to 14 December 2022, during office hours, +07:00). Deterministic."""
    import datetime as dt
    import random

    tz = dt.timezone(dt.timedelta(hours=7))
    first = dt.datetime(2021, 12, 15, 8, 0, tzinfo=tz)
    days = (dt.date(2022, 12, 14) - dt.date(2021, 12, 15)).days + 1
    pick = random.Random(2022)
    for agency, total, online in table:
        prefix = agency.split(".")[2]
        for n in range(total):
            received = first + dt.timedelta(days=n % days, minutes=pick.randrange(0, 480))
            is_online = n < online
            paid = is_online and n % 3 == 0
            yield {
                "code": f"{agency}-2022-{n + 1:06d}",
                "procedure_code": procedure_of.get(agency, default_procedure),
                "agency_code": agency,
                "channel": "online" if is_online else ("counter" if n % 5 else "post"),
                "submitted_at": (received - dt.timedelta(minutes=30)).isoformat() if is_online else "",
                "received_at": received.isoformat(),
                "due_at": (received + dt.timedelta(days=5)).isoformat(),
                "resolved_at": (received + dt.timedelta(days=2 + (n + int(prefix)) % 5)).isoformat(),
                "returned_at": (received + dt.timedelta(days=7)).isoformat(),
                "status": "returned",
                "supplements": "1" if n % 17 == 0 else "0",
                "fee": "50000" if n % 3 == 0 else "0",
                "paid_online": "true" if paid else "false",
                "result_electronic": "true" if is_online else "false",
                "rating": ("satisfied", "very_satisfied", "", "not_satisfied")[n % 4] if n % 2 else "",
            }
