"""Demo users: one or more for every role, with their memberships and known demo passwords.

Each user: (username, full name, password key, superuser, memberships [(agency code, role, unit)]).
Names are invented. The passwords are for a demo database only.
"""

from .agencies import (
    CENTRE,
    CONSTRUCTION,
    ENVIRONMENT,
    JUSTICE,
    MUONG_BU,
    PLANNING,
    PROVINCE,
    TAX,
    TO_HIEU,
    TRANSPORT,
)
from .catalogue import CENTRE_DESK, COMMUNE_DESK, COMMUNE_LEADERS, HOTICH, KINH_TE

PASSWORDS = {
    "admin": "Quantri@2025",
    "staff": "Canbo@2025",
    "applicant": "Congdan@2025",
}

USERS = [
    ("quantri", "Quản trị hệ thống", "admin", True, [(PROVINCE, "admin", "Văn phòng UBND tỉnh")]),
    # -- the provincial centre: counters and the supervisor -------------------------------------------
    ("tt.motcua1", "Lò Thị Hoa", "staff", False, [(CENTRE, "counter", CENTRE_DESK)]),
    ("tt.motcua2", "Cầm Văn Dũng", "staff", False, [(CENTRE, "counter", CENTRE_DESK)]),
    ("tt.giamsat", "Hoàng Thị Mai", "staff", False, [(CENTRE, "supervisor", "Ban Giám đốc Trung tâm")]),
    # -- departments ----------------------------------------------------------------------------------
    (
        "stp.chuyenvien",
        "Quàng Văn Tuấn",
        "staff",
        False,
        [(JUSTICE, "specialist", "Phòng Hành chính tư pháp và Lý lịch tư pháp")],
    ),
    ("stp.lanhdao", "Nguyễn Thị Thu Hà", "staff", False, [(JUSTICE, "leader", "Lãnh đạo Sở")]),
    ("skhdt.chuyenvien", "Lường Thị Xuân", "staff", False, [(PLANNING, "specialist", "Phòng Đăng ký kinh doanh")]),
    ("skhdt.lanhdao", "Trần Đức Anh", "staff", False, [(PLANNING, "leader", "Lãnh đạo Sở")]),
    (
        "sxd.chuyenvien",
        "Hà Văn Thắng",
        "staff",
        False,
        [(CONSTRUCTION, "specialist", "Phòng Quản lý hoạt động xây dựng")],
    ),
    ("sxd.lanhdao", "Phạm Quốc Việt", "staff", False, [(CONSTRUCTION, "leader", "Lãnh đạo Sở")]),
    ("stnmt.chuyenvien", "Vì Thị Lan", "staff", False, [(ENVIRONMENT, "specialist", "Văn phòng Đăng ký đất đai")]),
    ("stnmt.lanhdao", "Đinh Công Sơn", "staff", False, [(ENVIRONMENT, "leader", "Lãnh đạo Sở")]),
    (
        "sgtvt.chuyenvien",
        "Tòng Văn Hưng",
        "staff",
        False,
        [(TRANSPORT, "specialist", "Phòng Quản lý phương tiện và người lái")],
    ),
    ("sgtvt.lanhdao", "Lê Minh Hải", "staff", False, [(TRANSPORT, "leader", "Lãnh đạo Sở")]),
    (
        "thue.chuyenvien",
        "Bạc Cầm Ngọc",
        "staff",
        False,
        [(TAX, "specialist", "Phòng Quản lý thuế thu nhập cá nhân và thu khác")],
    ),
    # -- communes and wards ----------------------------------------------------------------------------
    ("tohieu.motcua", "Điêu Thị Hằng", "staff", False, [(TO_HIEU, "counter", COMMUNE_DESK)]),
    ("tohieu.tuphap", "Khoàng Văn Phong", "staff", False, [(TO_HIEU, "specialist", HOTICH)]),
    ("tohieu.kinhte", "Nguyễn Thị Thanh", "staff", False, [(TO_HIEU, "specialist", KINH_TE)]),
    ("tohieu.lanhdao", "Lò Văn Thanh", "staff", False, [(TO_HIEU, "leader", COMMUNE_LEADERS)]),
    ("muongbu.motcua", "Lừ Thị Ánh", "staff", False, [(MUONG_BU, "counter", COMMUNE_DESK)]),
    ("muongbu.chuyenvien", "Tòng Thị Thoa", "staff", False, [(MUONG_BU, "specialist", HOTICH)]),
    ("muongbu.lanhdao", "Cầm Văn Chung", "staff", False, [(MUONG_BU, "leader", COMMUNE_LEADERS)]),
    # -- applicants (no membership) --------------------------------------------------------------------
    ("congdan", "Lò Văn Minh", "applicant", False, []),
    ("doanhnghiep", "Công ty TNHH Nông sản Mộc Châu Xanh", "applicant", False, []),
]

# What each applicant account stands for when it files a dossier.
APPLICANT_ACCOUNTS = {
    "congdan": {
        "name": "Lò Văn Minh",
        "kind": 1,
        "id_number": "014095001234",
        "phone": "0912 345 678",
        "email": "lovanminh@example.vn",
        "address": "Tổ 3, phường Tô Hiệu, tỉnh Sơn La",
    },
    "doanhnghiep": {
        "name": "Công ty TNHH Nông sản Mộc Châu Xanh",
        "kind": 2,
        "id_number": "5500612345",
        "phone": "0212 3856 789",
        "email": "lienhe@mocchauxanh.example.vn",
        "address": "Tiểu khu 4, phường Mộc Châu, tỉnh Sơn La",
    },
}
