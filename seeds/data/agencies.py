"""Agencies of Sơn La (codes illustrative, QCVN 102 shape ``ZZZ.YY.XX.H52``; see README.md).

Each row: (code, name, short name, tier, parent code or None, is_active).
"""

PROVINCE = "000.00.00.H52"
CENTRE = "000.00.31.H52"

# Departments, boards and sectors as listed in report 01/CĐS of 3 January 2023 (source document 001).
JUSTICE = "000.00.12.H52"
PLANNING = "000.00.02.H52"
CONSTRUCTION = "000.00.13.H52"
ENVIRONMENT = "000.00.07.H52"
TRANSPORT = "000.00.06.H52"
EDUCATION = "000.00.14.H52"
HEALTH = "000.00.15.H52"
LABOUR = "000.00.09.H52"
CULTURE = "000.00.10.H52"
INDUSTRY = "000.00.04.H52"
AGRICULTURE = "000.00.05.H52"
SCIENCE = "000.00.11.H52"
HOME_AFFAIRS = "000.00.01.H52"
FINANCE = "000.00.03.H52"
INFORMATION = "000.00.08.H52"
ETHNIC = "000.00.16.H52"
INDUSTRIAL_ZONES = "000.00.17.H52"

# A central vertical agency (cơ quan ngành dọc) that takes part in land procedures (financial obligations).
TAX = "000.00.41.H52"

# Communes and wards of the July 2025 arrangement (a sample). The middle number is the former district's.
TO_HIEU = "000.01.51.H52"
CHIENG_AN = "000.02.51.H52"
CHIENG_COI = "000.03.51.H52"
CHIENG_SINH = "000.04.51.H52"
MUONG_BU = "000.01.54.H52"
THUAN_CHAU = "000.01.53.H52"
MOC_CHAU = "000.01.57.H52"
THAO_NGUYEN = "000.02.57.H52"
YEN_CHAU = "000.01.58.H52"
MAI_SON = "000.01.59.H52"
SONG_MA = "000.01.60.H52"
VAN_HO = "000.01.62.H52"

AGENCIES = [
    (PROVINCE, "Ủy ban nhân dân tỉnh Sơn La", "UBND tỉnh Sơn La", "province", None, True),
    (CENTRE, "Trung tâm Phục vụ hành chính công tỉnh Sơn La", "TTPVHCC tỉnh", "centre", PROVINCE, True),
    # -- departments, boards, sectors ---------------------------------------------------------------
    (HOME_AFFAIRS, "Sở Nội vụ tỉnh Sơn La", "Sở Nội vụ", "department", PROVINCE, True),
    (PLANNING, "Sở Kế hoạch và Đầu tư tỉnh Sơn La", "Sở KH&ĐT", "department", PROVINCE, True),
    (FINANCE, "Sở Tài chính tỉnh Sơn La", "Sở Tài chính", "department", PROVINCE, True),
    (INDUSTRY, "Sở Công Thương tỉnh Sơn La", "Sở Công Thương", "department", PROVINCE, True),
    (AGRICULTURE, "Sở Nông nghiệp và Phát triển nông thôn tỉnh Sơn La", "Sở NN&PTNT", "department", PROVINCE, True),
    (TRANSPORT, "Sở Giao thông vận tải tỉnh Sơn La", "Sở GTVT", "department", PROVINCE, True),
    (ENVIRONMENT, "Sở Tài nguyên và Môi trường tỉnh Sơn La", "Sở TN&MT", "department", PROVINCE, True),
    (INFORMATION, "Sở Thông tin và Truyền thông tỉnh Sơn La", "Sở TT&TT", "department", PROVINCE, True),
    (LABOUR, "Sở Lao động, Thương binh và Xã hội tỉnh Sơn La", "Sở LĐ-TB&XH", "department", PROVINCE, True),
    (CULTURE, "Sở Văn hóa, Thể thao và Du lịch tỉnh Sơn La", "Sở VH,TT&DL", "department", PROVINCE, True),
    (SCIENCE, "Sở Khoa học và Công nghệ tỉnh Sơn La", "Sở KH&CN", "department", PROVINCE, True),
    (JUSTICE, "Sở Tư pháp tỉnh Sơn La", "Sở Tư pháp", "department", PROVINCE, True),
    (CONSTRUCTION, "Sở Xây dựng tỉnh Sơn La", "Sở Xây dựng", "department", PROVINCE, True),
    (EDUCATION, "Sở Giáo dục và Đào tạo tỉnh Sơn La", "Sở GD&ĐT", "department", PROVINCE, True),
    (HEALTH, "Sở Y tế tỉnh Sơn La", "Sở Y tế", "department", PROVINCE, True),
    (ETHNIC, "Ban Dân tộc tỉnh Sơn La", "Ban Dân tộc", "department", PROVINCE, True),
    (INDUSTRIAL_ZONES, "Ban Quản lý các khu công nghiệp tỉnh Sơn La", "BQL các KCN", "department", PROVINCE, True),
    # -- central vertical agency ---------------------------------------------------------------------
    (TAX, "Thuế tỉnh Sơn La", "Thuế tỉnh", "central", None, True),
    # -- district level as it stood until 30 June 2025 (inactive since the two-tier arrangement) --------
    ("000.00.51.H52", "Ủy ban nhân dân thành phố Sơn La", "UBND TP Sơn La", "district", PROVINCE, False),
    ("000.00.52.H52", "Ủy ban nhân dân huyện Quỳnh Nhai", "UBND huyện Quỳnh Nhai", "district", PROVINCE, False),
    ("000.00.53.H52", "Ủy ban nhân dân huyện Thuận Châu", "UBND huyện Thuận Châu", "district", PROVINCE, False),
    ("000.00.54.H52", "Ủy ban nhân dân huyện Mường La", "UBND huyện Mường La", "district", PROVINCE, False),
    ("000.00.55.H52", "Ủy ban nhân dân huyện Bắc Yên", "UBND huyện Bắc Yên", "district", PROVINCE, False),
    ("000.00.56.H52", "Ủy ban nhân dân huyện Phù Yên", "UBND huyện Phù Yên", "district", PROVINCE, False),
    ("000.00.57.H52", "Ủy ban nhân dân huyện Mộc Châu", "UBND huyện Mộc Châu", "district", PROVINCE, False),
    ("000.00.58.H52", "Ủy ban nhân dân huyện Yên Châu", "UBND huyện Yên Châu", "district", PROVINCE, False),
    ("000.00.59.H52", "Ủy ban nhân dân huyện Mai Sơn", "UBND huyện Mai Sơn", "district", PROVINCE, False),
    ("000.00.60.H52", "Ủy ban nhân dân huyện Sông Mã", "UBND huyện Sông Mã", "district", PROVINCE, False),
    ("000.00.61.H52", "Ủy ban nhân dân huyện Sốp Cộp", "UBND huyện Sốp Cộp", "district", PROVINCE, False),
    ("000.00.62.H52", "Ủy ban nhân dân huyện Vân Hồ", "UBND huyện Vân Hồ", "district", PROVINCE, False),
    # -- communes and wards since 1 July 2025 (a sample) -----------------------------------------------
    (TO_HIEU, "Ủy ban nhân dân phường Tô Hiệu", "UBND phường Tô Hiệu", "commune", PROVINCE, True),
    (CHIENG_AN, "Ủy ban nhân dân phường Chiềng An", "UBND phường Chiềng An", "commune", PROVINCE, True),
    (CHIENG_COI, "Ủy ban nhân dân phường Chiềng Cơi", "UBND phường Chiềng Cơi", "commune", PROVINCE, True),
    (CHIENG_SINH, "Ủy ban nhân dân phường Chiềng Sinh", "UBND phường Chiềng Sinh", "commune", PROVINCE, True),
    (MUONG_BU, "Ủy ban nhân dân xã Mường Bú", "UBND xã Mường Bú", "commune", PROVINCE, True),
    (THUAN_CHAU, "Ủy ban nhân dân xã Thuận Châu", "UBND xã Thuận Châu", "commune", PROVINCE, True),
    (MOC_CHAU, "Ủy ban nhân dân phường Mộc Châu", "UBND phường Mộc Châu", "commune", PROVINCE, True),
    (THAO_NGUYEN, "Ủy ban nhân dân phường Thảo Nguyên", "UBND phường Thảo Nguyên", "commune", PROVINCE, True),
    (YEN_CHAU, "Ủy ban nhân dân xã Yên Châu", "UBND xã Yên Châu", "commune", PROVINCE, True),
    (MAI_SON, "Ủy ban nhân dân xã Mai Sơn", "UBND xã Mai Sơn", "commune", PROVINCE, True),
    (SONG_MA, "Ủy ban nhân dân xã Sông Mã", "UBND xã Sông Mã", "commune", PROVINCE, True),
    (VAN_HO, "Ủy ban nhân dân xã Vân Hồ", "UBND xã Vân Hồ", "commune", PROVINCE, True),
]
