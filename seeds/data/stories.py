"""Demo dossiers as stories: what happens to each one, told in working hours and played through
`dossiers.services` by `seeds.loaders.play_story`, ending some working hours before the moment the seed
runs. Names, ID and phone numbers are invented.

A story: key (stable, marks the dossier so that a second run does not repeat it), target state, procedure
code, receiving agency, channel, applicant (an account name or an index into WALK_INS) and options:

- ``due_in``: working hours from now until the legal due time (open dossiers whose clock runs; negative
  means overdue), or ``idle``: working hours since the last action;
- ``done``: process steps already completed; ``verdict`` (early, on_time, late) for finished ones;
- ``supplement`` / ``pause`` (a pause reason): a supplement or pause round during processing, ``wait``
  hours long; ``apology``: form 04 before going late; ``refused``: resolved with a reasoned refusal;
- ``awaiting``: a supplement requested at receipt; ``after_hours``: filed online outside working hours;
  ``withdraw_from``: the state the applicant withdraws from; ``competent``: the commune that handles a
  dossier received at the provincial centre (receipt regardless of administrative boundary).
"""

from .agencies import CENTRE, MUONG_BU, TO_HIEU

WALK_INS = [
    ("Cầm Thị Hương", 1, "014190003456", "0983 112 233", "Bản Hụm, xã Mường Bú, tỉnh Sơn La"),
    ("Quàng Văn Tuấn", 1, "014088004567", "0912 223 344", "Tổ 5, phường Tô Hiệu, tỉnh Sơn La"),
    ("Lường Thị Xuân", 1, "014192005678", "0975 334 455", "Tổ 2, phường Chiềng An, tỉnh Sơn La"),
    ("Hà Văn Thắng", 1, "014085006789", "0868 445 566", "Bản Giàng, phường Tô Hiệu, tỉnh Sơn La"),
    ("Vì Thị Lan", 1, "014196007890", "0389 556 677", "Bản Nà Sản, xã Mai Sơn, tỉnh Sơn La"),
    ("Tòng Văn Hưng", 1, "014090008901", "0914 667 788", "Bản Mường Bú, xã Mường Bú, tỉnh Sơn La"),
    ("Sồng A Lử", 1, "014099009012", "0356 778 899", "Bản Pá Khôm, xã Mường Bú, tỉnh Sơn La"),
    ("Giàng Thị Máy", 1, "014301000123", "0397 889 900", "Bản Hua Ít, xã Mường Bú, tỉnh Sơn La"),
    ("Nguyễn Thị Thu Trang", 1, "014193001122", "0904 990 011", "Tổ 8, phường Tô Hiệu, tỉnh Sơn La"),
    ("Lê Văn Hải", 1, "014087002233", "0936 101 212", "Tổ 1, phường Chiềng Lề, tỉnh Sơn La"),
    ("Phạm Thị Hồng", 1, "014194003344", "0977 212 323", "Tiểu khu 12, xã Mai Sơn, tỉnh Sơn La"),
    ("Mùa A Páo", 1, "014097004455", "0344 323 434", "Bản Co Sấu, xã Mường Bú, tỉnh Sơn La"),
    ("Thào Thị Dợ", 1, "014302005566", "0332 434 545", "Bản Nong Lay, phường Tô Hiệu, tỉnh Sơn La"),
    ("Đinh Văn Khánh", 1, "014086006677", "0916 545 656", "Tổ 6, phường Chiềng Cơi, tỉnh Sơn La"),
    ("Bạc Thị Nhung", 1, "014195007788", "0984 656 767", "Bản Cọ, phường Chiềng An, tỉnh Sơn La"),
    ("Công ty Cổ phần Xây dựng Tây Bắc", 2, "5500234567", "0212 3852 111", "Tổ 4, phường Chiềng Lề, tỉnh Sơn La"),
    ("Hợp tác xã Chè Tà Xùa", 2, "5500345678", "0212 3860 222", "Bản Tà Xùa, xã Tà Xùa, tỉnh Sơn La"),
    ("Công ty TNHH Du lịch Mường La", 2, "5500456789", "0212 3831 333", "Bản Bó, xã Mường La, tỉnh Sơn La"),
    ("Công ty TNHH Thương mại Sơn Hà", 2, "5500567890", "0212 3855 444", "Tổ 9, phường Chiềng Sinh, tỉnh Sơn La"),
    ("Nhà máy Chế biến chè Chiềng Ve", 2, "5500678901", "0212 3866 555", "Bản Chiềng Ve, xã Mai Sơn, tỉnh Sơn La"),
]

CITIZEN, BUSINESS = "congdan", "doanhnghiep"

# Procedure codes used below (see catalogue.py).
KHAI_SINH, KET_HON, KHAI_TU, TRICH_LUC = "1.001193", "1.000894", "1.000656", "2.000635"
TTHN, KS_NHAN_CHA, DK_LAI_KS, CAI_CHINH = "1.004873", "1.000689", "1.004884", "1.004859"
CT_BAN_SAO, CT_CHU_KY, GPXD_NHA, GCN_LAN_DAU = "2.000815", "2.000884", "1.013225", "1.012753"
TRO_CAP, KHUYET_TAT, THAN_NHAN = "1.001776", "1.001699", "1.010833"
HKD_MOI, HKD_THAY_DOI, HKD_TAM_NGUNG = "1.001612", "2.000720", "1.001570"
LLTP, VP_CONG_CHUNG = "2.000488", "1.001009"
DN_MOI, DN_THAY_DOI, DN_TAM_NGUNG = "2.001610", "2.002040", "2.002045"
GPXD_CT, GPXD_DC = "1.009994", "1.009995"
GPLX_DOI, GPLX_CAP_LAI = "1.002809", "1.002804"
BIEN_DONG, GPMT = "1.004227", "1.010727"


def story(key, state, procedure, place, channel, who, **options) -> dict:
    return {
        "key": key,
        "state": state,
        "procedure": procedure,
        "place": place,
        "channel": channel,
        "who": who,
        **options,
    }


S = story
ON, DESK = "online", "counter"

STORIES = [
    # -- submitted: filed online, waiting for the counter ------------------------------------------------
    S("HS-001", "submitted", KHAI_SINH, TO_HIEU, ON, CITIZEN, idle=1.5),
    S("HS-002", "submitted", LLTP, CENTRE, ON, CITIZEN, idle=3),
    S("HS-003", "submitted", DN_MOI, CENTRE, ON, BUSINESS, idle=0.5),
    S("HS-004", "submitted", TTHN, MUONG_BU, ON, 7, after_hours=True),
    S("HS-005", "submitted", HKD_MOI, TO_HIEU, ON, 13, after_hours=True),
    S("HS-006", "submitted", GPXD_NHA, TO_HIEU, ON, 3, awaiting=True, idle=6),
    S("HS-007", "submitted", GPLX_DOI, CENTRE, ON, 9, awaiting=True, idle=10),
    S("HS-008", "submitted", TRO_CAP, MUONG_BU, ON, 11, idle=2),
    # -- rejected at the counter -------------------------------------------------------------------------
    S("HS-009", "rejected", DN_MOI, CENTRE, ON, 18, idle=30, reason="Ngành nghề đăng ký thuộc diện cấm kinh doanh."),
    S(
        "HS-010",
        "rejected",
        KHAI_TU,
        MUONG_BU,
        ON,
        5,
        idle=52,
        reason="Người chết có nơi cư trú cuối cùng tại xã khác; đề nghị nộp tại UBND nơi cư trú cuối cùng.",
    ),
    S("HS-011", "rejected", LLTP, CENTRE, ON, 12, idle=90, reason="Người yêu cầu không thuộc đối tượng được cấp."),
    S(
        "HS-012",
        "rejected",
        GPXD_NHA,
        TO_HIEU,
        ON,
        1,
        idle=120,
        reason="Công trình thuộc khu vực đã có quyết định thu hồi đất, không đủ điều kiện cấp phép.",
    ),
    S(
        "HS-013",
        "rejected",
        BIEN_DONG,
        CENTRE,
        ON,
        9,
        idle=8,
        reason="Thửa đất đang có tranh chấp chưa được giải quyết.",
    ),
    # -- received, not yet started ----------------------------------------------------------------------
    S("HS-014", "received", LLTP, CENTRE, DESK, 1, due_in=50),
    S("HS-015", "received", GPLX_CAP_LAI, CENTRE, DESK, 4, due_in=3),
    S("HS-016", "received", KET_HON, TO_HIEU, DESK, 8, due_in=5),
    S("HS-017", "received", DN_THAY_DOI, CENTRE, ON, BUSINESS, due_in=12),
    S("HS-018", "received", CAI_CHINH, MUONG_BU, DESK, 6, due_in=-4),
    S("HS-019", "received", VP_CONG_CHUNG, CENTRE, DESK, 17, due_in=-10),
    S("HS-020", "received", KHUYET_TAT, MUONG_BU, DESK, 0, due_in=120),
    S("HS-021", "received", LLTP, CENTRE, ON, CITIZEN, due_in=60),
    # -- processing --------------------------------------------------------------------------------------
    S("HS-022", "processing", LLTP, CENTRE, DESK, 2, done=1, due_in=40),
    S("HS-023", "processing", LLTP, CENTRE, DESK, 14, done=2, due_in=-6),
    S("HS-024", "processing", DN_MOI, CENTRE, DESK, 15, done=1, due_in=4),
    S("HS-025", "processing", DN_TAM_NGUNG, CENTRE, ON, BUSINESS, done=2, due_in=2),
    S("HS-026", "processing", GPXD_CT, CENTRE, DESK, 15, done=2, due_in=60),
    S("HS-027", "processing", GPXD_CT, CENTRE, DESK, 19, done=3, due_in=-16, supplement=True, wait=24),
    S("HS-028", "processing", GPLX_DOI, CENTRE, DESK, 13, done=1, due_in=16),
    S("HS-029", "processing", BIEN_DONG, CENTRE, DESK, 3, done=3, due_in=-8, pause="financial", wait=16),
    S("HS-030", "processing", GPMT, CENTRE, DESK, 19, done=1, due_in=150),
    S("HS-031", "processing", KHAI_SINH, TO_HIEU, DESK, 12, done=1, due_in=2),
    S("HS-032", "processing", GPXD_NHA, TO_HIEU, DESK, 3, done=2, due_in=-12),
    S("HS-033", "processing", GCN_LAN_DAU, MUONG_BU, DESK, 6, done=3, due_in=30, pause="inter_agency", wait=8),
    S("HS-034", "processing", TRO_CAP, MUONG_BU, ON, CITIZEN, done=1, due_in=40),
    S("HS-035", "processing", DK_LAI_KS, TO_HIEU, DESK, 9, done=2, due_in=6, supplement=True, wait=12),
    S("HS-036", "processing", HKD_THAY_DOI, TO_HIEU, ON, CITIZEN, done=0, due_in=18),
    S("HS-037", "processing", KHAI_TU, MUONG_BU, DESK, 5, done=2, due_in=-3),
    S("HS-038", "processing", TTHN, CENTRE, DESK, 1, done=1, due_in=10, competent=TO_HIEU),
    # -- supplement: waiting for the applicant --------------------------------------------------------------
    S("HS-039", "supplement", GPXD_CT, CENTRE, DESK, 15, done=1, idle=20),
    S("HS-040", "supplement", LLTP, CENTRE, DESK, 10, done=1, idle=6),
    S("HS-041", "supplement", GPXD_NHA, TO_HIEU, ON, CITIZEN, done=1, idle=35),
    S("HS-042", "supplement", GCN_LAN_DAU, MUONG_BU, DESK, 11, done=1, idle=48),
    S("HS-043", "supplement", DN_THAY_DOI, CENTRE, ON, BUSINESS, done=1, idle=3),
    S("HS-044", "supplement", KS_NHAN_CHA, TO_HIEU, DESK, 12, done=1, idle=9),
    S("HS-045", "supplement", BIEN_DONG, CENTRE, DESK, 13, done=1, idle=70),
    # -- paused: waiting on something outside the agency ------------------------------------------------------
    S("HS-046", "paused", BIEN_DONG, CENTRE, DESK, 4, done=2, pause="financial", idle=12),
    S("HS-047", "paused", GPXD_CT, CENTRE, DESK, 16, done=2, pause="inter_agency", idle=30),
    S("HS-048", "paused", GCN_LAN_DAU, MUONG_BU, DESK, 7, done=3, pause="financial", idle=20),
    S("HS-049", "paused", KHUYET_TAT, MUONG_BU, DESK, 0, done=1, pause="verification", idle=40),
    S("HS-050", "paused", LLTP, CENTRE, DESK, 9, done=1, pause="verification", idle=16),
    S("HS-051", "paused", GPMT, CENTRE, DESK, 19, done=2, pause="other", idle=60),
    # -- resolved, result not yet handed over ------------------------------------------------------------------
    S("HS-052", "resolved", LLTP, CENTRE, DESK, 2, verdict="early", idle=4),
    S("HS-053", "resolved", DN_THAY_DOI, CENTRE, ON, BUSINESS, verdict="early", idle=2),
    S("HS-054", "resolved", GPLX_DOI, CENTRE, DESK, 13, verdict="on_time", idle=6),
    S("HS-055", "resolved", KHAI_SINH, MUONG_BU, DESK, 0, verdict="on_time", idle=3),
    S("HS-056", "resolved", GPXD_CT, CENTRE, DESK, 15, verdict="late", apology=True, idle=10),
    S("HS-057", "resolved", GCN_LAN_DAU, MUONG_BU, DESK, 7, verdict="late", idle=5),
    S("HS-058", "resolved", BIEN_DONG, CENTRE, DESK, 3, verdict="early", refused=True, idle=8),
    S("HS-059", "resolved", CT_BAN_SAO, TO_HIEU, DESK, 8, verdict="early", idle=1),
    S("HS-060", "resolved", TRO_CAP, MUONG_BU, ON, CITIZEN, verdict="early", supplement=True, wait=16, idle=12),
    # -- returned ------------------------------------------------------------------------------------------
    S("HS-061", "returned", KHAI_SINH, TO_HIEU, ON, CITIZEN, verdict="early", idle=150),
    S("HS-062", "returned", KHAI_SINH, MUONG_BU, DESK, 6, verdict="on_time", idle=60),
    S("HS-063", "returned", KET_HON, TO_HIEU, DESK, 2, verdict="early", idle=110),
    S("HS-064", "returned", KHAI_TU, TO_HIEU, ON, 9, verdict="on_time", idle=25),
    S("HS-065", "returned", TRICH_LUC, TO_HIEU, DESK, 14, verdict="early", idle=80),
    S("HS-066", "returned", CT_CHU_KY, MUONG_BU, DESK, 10, verdict="on_time", idle=35),
    S("HS-067", "returned", CT_BAN_SAO, TO_HIEU, DESK, 8, verdict="late", idle=140),
    S("HS-068", "returned", LLTP, CENTRE, DESK, 1, verdict="early", idle=70),
    S("HS-069", "returned", LLTP, CENTRE, DESK, 10, verdict="late", apology=True, idle=20),
    S("HS-070", "returned", DN_MOI, CENTRE, DESK, 18, verdict="early", idle=130),
    S("HS-071", "returned", DN_THAY_DOI, CENTRE, ON, BUSINESS, verdict="on_time", idle=45),
    S("HS-072", "returned", GPXD_CT, CENTRE, DESK, 15, verdict="on_time", supplement=True, wait=40, idle=15),
    S("HS-073", "returned", GPXD_DC, CENTRE, DESK, 19, verdict="late", supplement=True, wait=24, idle=40),
    S("HS-074", "returned", GPLX_DOI, CENTRE, DESK, 4, verdict="early", idle=100),
    S("HS-075", "returned", BIEN_DONG, CENTRE, DESK, 3, verdict="on_time", pause="financial", wait=32, idle=18),
    S("HS-076", "returned", GCN_LAN_DAU, MUONG_BU, DESK, 5, verdict="late", pause="inter_agency", wait=16, idle=8),
    S("HS-077", "returned", GPXD_NHA, TO_HIEU, DESK, 13, verdict="early", supplement=True, wait=20, idle=50),
    S("HS-078", "returned", TTHN, MUONG_BU, ON, 7, verdict="early", idle=65),
    S("HS-079", "returned", HKD_TAM_NGUNG, TO_HIEU, ON, CITIZEN, verdict="on_time", idle=12),
    S("HS-080", "returned", THAN_NHAN, MUONG_BU, DESK, 11, verdict="late", apology=True, idle=30),
    S("HS-081", "returned", KHAI_SINH, CENTRE, DESK, 12, verdict="early", idle=5, competent=TO_HIEU),
    S("HS-082", "returned", DN_TAM_NGUNG, CENTRE, ON, BUSINESS, verdict="early", idle=90),
    # -- withdrawn at the applicant's request --------------------------------------------------------------
    S("HS-083", "withdrawn", GPLX_DOI, CENTRE, ON, CITIZEN, withdraw_from="submitted", idle=20),
    S("HS-084", "withdrawn", DN_MOI, CENTRE, DESK, 16, withdraw_from="received", idle=40),
    S("HS-085", "withdrawn", GPXD_NHA, TO_HIEU, DESK, 4, withdraw_from="processing", done=1, idle=15),
    S("HS-086", "withdrawn", BIEN_DONG, CENTRE, DESK, 14, withdraw_from="supplement", done=1, idle=25),
    S("HS-087", "withdrawn", KET_HON, MUONG_BU, DESK, 6, withdraw_from="received", idle=100),
    # -- stopped by the agency (form 05) ------------------------------------------------------------------------
    S("HS-088", "stopped", GPXD_CT, CENTRE, DESK, 16, done=1, wait=80, idle=10),
    S("HS-089", "stopped", GCN_LAN_DAU, MUONG_BU, DESK, 12, done=1, wait=120, idle=30),
    S("HS-090", "stopped", LLTP, CENTRE, DESK, 17, done=2, wait=60, idle=4),
    S("HS-091", "stopped", KS_NHAN_CHA, TO_HIEU, DESK, 3, done=1, wait=40, idle=60),
]
