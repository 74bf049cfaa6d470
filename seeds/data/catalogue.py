"""Fields, procedures and their internal processes for Sơn La (demo data; see README.md).

``code_source`` says whether a procedure code (mã TTHC) is a code of the national catalogue
(``national``) or a plausible code made up for the demo (``illustrative``). Fees, units and time limits
are plausible demo values, not a legal reference. Every process below adds up exactly to its
procedure's limit in working hours (one working day = 8 hours); the builders check it on import.
"""

from decimal import Decimal

from .agencies import (
    CENTRE,
    CONSTRUCTION,
    CULTURE,
    EDUCATION,
    ENVIRONMENT,
    HEALTH,
    INDUSTRY,
    JUSTICE,
    LABOUR,
    PLANNING,
    SCIENCE,
    TAX,
    TRANSPORT,
)

FIELDS = [
    ("HT", "Hộ tịch"),
    ("CT", "Chứng thực"),
    ("LLTP", "Lý lịch tư pháp"),
    ("CC", "Công chứng"),
    ("DD", "Đất đai"),
    ("MT", "Môi trường"),
    ("DN", "Thành lập và hoạt động doanh nghiệp"),
    ("HKD", "Thành lập và hoạt động của hộ kinh doanh"),
    ("HDXD", "Hoạt động xây dựng"),
    ("GD", "Giáo dục và Đào tạo"),
    ("DB", "Đường bộ"),
    ("KCB", "Khám bệnh, chữa bệnh"),
    ("DUOC", "Dược"),
    ("LD", "Lao động nước ngoài"),
    ("VL", "Việc làm"),
    ("BTXH", "Bảo trợ xã hội"),
    ("NCC", "Người có công"),
    ("DL", "Du lịch"),
    ("LTHH", "Lưu thông hàng hóa trong nước"),
    ("ATBX", "An toàn bức xạ và hạt nhân"),
]

CENTRE_DESK = "Bộ phận Một cửa - Trung tâm Phục vụ hành chính công tỉnh"
COMMUNE_DESK = "Trung tâm Phục vụ hành chính công xã, phường"
COMMUNE_LEADERS = "Lãnh đạo UBND xã, phường"
ALL_CHANNELS = ["counter", "post", "online"]


def _hours(value) -> Decimal:
    return Decimal(str(value))


def _checked(steps: list[tuple], total: Decimal) -> list[tuple]:
    assert 3 <= len(steps) <= 6, steps
    assert all(s[5] > 0 for s in steps), steps
    assert sum(s[5] for s in steps) == total, (steps, total)
    return steps


def department_process(hours, unit, *, sign=False, consult=None) -> list[tuple]:
    """Received at the provincial centre, appraised and approved at the department (optionally with the
    opinion of another agency), and the result sent back to the centre's counters.

    A step is (name, kind, role, unit, agency code or None for the competent agency, hours)."""
    hours = _hours(hours)
    desk = _hours(4 if hours >= 40 else 2)
    approve = _hours(8 if hours >= 80 else 4)
    signing = _hours(4) if sign else _hours(0)
    consult_hours = _hours(consult[3]) if consult else _hours(0)
    appraise = hours - 2 * desk - approve - signing - consult_hours
    steps = [
        ("Tiếp nhận, số hóa và chuyển hồ sơ", "receive", "counter", CENTRE_DESK, CENTRE, desk),
        ("Thẩm định hồ sơ", "appraise", "specialist", unit, None, appraise),
    ]
    if consult:
        name, agency, consult_unit, _ = consult
        steps.append((name, "other", "specialist", consult_unit, agency, consult_hours))
    if sign:
        steps.append(("Lãnh đạo phòng xem xét, trình ký", "approve", "leader", unit, None, approve))
        steps.append(("Lãnh đạo Sở ký duyệt", "sign", "leader", "Lãnh đạo Sở", None, signing))
    else:
        steps.append(("Phê duyệt kết quả", "approve", "leader", "Lãnh đạo Sở", None, approve))
    steps.append(("Chuyển kết quả về Trung tâm", "transfer", "counter", CENTRE_DESK, CENTRE, desk))
    return _checked(steps, hours)


def commune_process(hours, unit, *, consult=None, site_visit=False) -> list[tuple]:
    """Received and returned by the commune's own centre, appraised by its officer, signed by its
    leader; some land and construction procedures add a site visit or another agency's step."""
    hours = _hours(hours)
    if hours <= 8:
        desk, sign = hours / 8, hours / 4
    else:
        desk = _hours(4 if hours >= 24 else 2)
        sign = _hours(8 if hours >= 80 else 4)
    visit = _hours(8) if site_visit else _hours(0)
    consult_hours = _hours(consult[3]) if consult else _hours(0)
    appraise = hours - 2 * desk - sign - visit - consult_hours
    steps = [
        ("Tiếp nhận hồ sơ", "receive", "counter", COMMUNE_DESK, None, desk),
        ("Thẩm định hồ sơ", "appraise", "specialist", unit, None, appraise),
    ]
    if site_visit:
        steps.append(("Kiểm tra thực địa", "other", "specialist", unit, None, visit))
    if consult:
        name, agency, consult_unit, _ = consult
        steps.append((name, "other", "specialist", consult_unit, agency, consult_hours))
    steps.append(("Lãnh đạo UBND ký", "sign", "leader", COMMUNE_LEADERS, None, sign))
    steps.append(("Vào sổ, chuyển kết quả", "transfer", "counter", COMMUNE_DESK, None, desk))
    return _checked(steps, hours)


HOTICH = "Công chức Tư pháp - Hộ tịch"
KINH_TE = "Phòng Kinh tế (Kinh tế, Hạ tầng và Đô thị)"
VHXH = "Phòng Văn hóa - Xã hội"
TAX_CONSULT = ("Xác định nghĩa vụ tài chính", TAX, "Phòng Quản lý thuế thu nhập cá nhân và thu khác", 40)


def procedure(
    code,
    name,
    field,
    *,
    source,
    level,
    agency,
    limit,
    unit="days",
    online="partial",
    fee=0,
    fee_note="",
    online_exemption="",
    policy="resume",
    returns=None,
    documents,
    summary,
    process,
    versioning=None,
    old_process=None,
) -> dict:
    limit = _hours(limit)
    hours = limit if unit == "hours" else limit * 8
    assert sum(s[5] for s in process) == hours, code
    assert 2 <= len(documents) <= 5, code
    return {
        "code": code,
        "code_source": source,
        "name": name,
        "field": field,
        "agency_level": level,
        "competent_agency": agency,
        "time_limit": limit,
        "time_unit": unit,
        "online_level": online,
        "fee_amount": fee,
        "fee_note": fee_note,
        # The name of the province's waiver of the fee for online filings (a FeeExemption, online only).
        "online_exemption": online_exemption,
        "supplement_policy": policy,
        "return_channels": returns or list(ALL_CHANNELS),
        "documents": documents,
        "summary": summary,
        "process": process,
        "versioning": versioning,
        "old_process": old_process,
    }


TO_KHAI = ("to-khai", "Tờ khai theo mẫu")
CCCD = ("giay-to-tuy-than", "Giấy tờ tùy thân (Căn cước/Căn cước công dân) để đối chiếu")

PROCEDURES = [
    # == commune level: each commune or ward handles its own (competent agency left empty) ============
    procedure(
        "1.001193",
        "Đăng ký khai sinh",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=8,
        unit="hours",
        online="full",
        fee_note="Miễn lệ phí đăng ký khai sinh đúng hạn",
        documents=[
            ("to-khai", "Tờ khai đăng ký khai sinh"),
            ("giay-chung-sinh", "Giấy chứng sinh hoặc giấy tờ thay thế"),
            ("giay-to-tuy-than", "Giấy tờ tùy thân của người đi đăng ký"),
        ],
        summary="Đăng ký khai sinh cho con",
        process=commune_process(8, HOTICH),
        versioning="retired_v1",
        old_process=[
            ("Tiếp nhận hồ sơ", "receive", "counter", "Bộ phận Một cửa UBND xã", None, _hours(2)),
            ("Thẩm định, ghi sổ hộ tịch", "appraise", "specialist", HOTICH, None, _hours(4)),
            ("Chủ tịch UBND ký", "sign", "leader", COMMUNE_LEADERS, None, _hours(2)),
        ],
    ),
    procedure(
        "1.000894",
        "Đăng ký kết hôn",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=1,
        online="partial",
        fee_note="Miễn lệ phí đăng ký kết hôn giữa công dân Việt Nam cư trú trong nước",
        returns=["counter"],
        documents=[
            ("to-khai", "Tờ khai đăng ký kết hôn"),
            ("xac-nhan-hon-nhan", "Giấy xác nhận tình trạng hôn nhân (nếu cư trú nơi khác)"),
            CCCD,
        ],
        summary="Đăng ký kết hôn",
        process=commune_process(8, HOTICH),
    ),
    procedure(
        "1.000656",
        "Đăng ký khai tử",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=8,
        unit="hours",
        online="full",
        fee_note="Miễn lệ phí đăng ký khai tử đúng hạn",
        documents=[("to-khai", "Tờ khai đăng ký khai tử"), ("giay-bao-tu", "Giấy báo tử hoặc giấy tờ thay thế")],
        summary="Đăng ký khai tử cho người thân",
        process=commune_process(8, HOTICH),
    ),
    procedure(
        "2.000635",
        "Cấp bản sao Trích lục hộ tịch",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=8,
        unit="hours",
        online="full",
        fee=8000,
        fee_note="8.000 đồng/bản sao Trích lục",
        documents=[("to-khai", "Tờ khai cấp bản sao trích lục hộ tịch"), CCCD],
        summary="Cấp bản sao trích lục khai sinh",
        process=commune_process(8, HOTICH),
    ),
    procedure(
        "1.004873",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=3,
        online="full",
        documents=[
            ("to-khai", "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"),
            ("giay-to-ly-hon", "Bản án, quyết định ly hôn hoặc giấy chứng tử (nếu có)"),
        ],
        summary="Xác nhận tình trạng hôn nhân để đăng ký kết hôn",
        process=commune_process(24, HOTICH),
    ),
    procedure(
        "1.000689",
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=3,
        online="partial",
        documents=[
            ("to-khai", "Tờ khai đăng ký khai sinh và nhận cha, mẹ, con"),
            ("giay-chung-sinh", "Giấy chứng sinh"),
            ("chung-cu", "Chứng cứ chứng minh quan hệ cha, mẹ, con"),
        ],
        summary="Đăng ký khai sinh kết hợp nhận cha cho con",
        process=commune_process(24, HOTICH),
    ),
    procedure(
        "1.004884",
        "Đăng ký lại khai sinh",
        "HT",
        source="national",
        level="commune",
        agency=None,
        limit=5,
        online="partial",
        documents=[
            ("to-khai", "Tờ khai đăng ký lại khai sinh"),
            ("ban-sao-giay-to", "Bản sao giấy tờ có thông tin hộ tịch của người yêu cầu"),
            ("van-ban-cam-doan", "Văn bản cam đoan về việc đã đăng ký khai sinh nhưng mất sổ"),
        ],
        summary="Đăng ký lại khai sinh do mất sổ hộ tịch",
        process=commune_process(40, HOTICH),
    ),
    procedure(
        "1.004859",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "HT",
        source="illustrative",
        level="commune",
        agency=None,
        limit=3,
        online="partial",
        fee=15000,
        fee_note="15.000 đồng/việc",
        documents=[
            ("to-khai", "Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"),
            ("giay-to-chung-minh", "Giấy tờ chứng minh việc thay đổi, cải chính"),
            CCCD,
        ],
        summary="Cải chính ngày sinh trong giấy khai sinh",
        process=commune_process(24, HOTICH),
    ),
    procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "CT",
        source="national",
        level="commune",
        agency=None,
        limit=4,
        unit="hours",
        online="partial",
        fee=2000,
        fee_note="2.000 đồng/trang; từ trang thứ ba 1.000 đồng/trang, tối đa 200.000 đồng/bản",
        documents=[("ban-chinh", "Bản chính giấy tờ, văn bản"), ("ban-sao", "Bản sao cần chứng thực")],
        summary="Chứng thực bản sao bằng tốt nghiệp",
        process=commune_process(4, HOTICH),
    ),
    procedure(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "CT",
        source="national",
        level="commune",
        agency=None,
        limit=4,
        unit="hours",
        online="partial",
        fee=10000,
        fee_note="10.000 đồng/trường hợp",
        returns=["counter"],
        documents=[("giay-to-ky", "Giấy tờ, văn bản cần chứng thực chữ ký"), CCCD],
        summary="Chứng thực chữ ký trong giấy ủy quyền",
        process=commune_process(4, HOTICH),
    ),
    procedure(
        "1.013225",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "HDXD",
        source="illustrative",
        level="commune",
        agency=None,
        limit=15,
        online="partial",
        fee=75000,
        fee_note="75.000 đồng/giấy phép",
        policy="restart",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp giấy phép xây dựng"),
            ("giay-to-dat", "Giấy tờ chứng minh quyền sử dụng đất"),
            ("ban-ve", "Bản vẽ thiết kế xây dựng"),
        ],
        summary="Xin phép xây dựng nhà ở riêng lẻ 3 tầng",
        process=commune_process(120, KINH_TE, site_visit=True),
    ),
    procedure(
        "1.012753",
        "Đăng ký đất đai, tài sản gắn liền với đất và cấp Giấy chứng nhận lần đầu",
        "DD",
        source="illustrative",
        level="commune",
        agency=None,
        limit=20,
        online="partial",
        fee=100000,
        fee_note="Lệ phí cấp Giấy chứng nhận 100.000 đồng/giấy (chưa gồm nghĩa vụ tài chính về đất)",
        returns=["counter", "post"],
        documents=[
            ("don-dang-ky", "Đơn đăng ký đất đai, tài sản gắn liền với đất"),
            ("giay-to-nguon-goc", "Giấy tờ về quyền sử dụng đất (nếu có)"),
            ("ban-do", "Mảnh trích đo bản đồ địa chính thửa đất"),
            ("nghia-vu-tai-chinh", "Giấy tờ liên quan đến thực hiện nghĩa vụ tài chính"),
        ],
        summary="Cấp Giấy chứng nhận lần đầu cho thửa đất ở",
        process=commune_process(160, KINH_TE, consult=TAX_CONSULT, site_visit=True),
    ),
    procedure(
        "1.001776",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng",
        "BTXH",
        source="national",
        level="commune",
        agency=None,
        limit=10,
        online="full",
        documents=[
            ("to-khai", "Tờ khai đề nghị trợ giúp xã hội"),
            ("giay-to-lien-quan", "Giấy tờ chứng minh đối tượng"),
        ],
        summary="Đề nghị hưởng trợ cấp xã hội hằng tháng cho người cao tuổi",
        process=commune_process(80, VHXH),
    ),
    procedure(
        "1.001699",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "BTXH",
        source="national",
        level="commune",
        agency=None,
        limit=20,
        online="partial",
        documents=[
            ("don-de-nghi", "Đơn đề nghị xác định mức độ khuyết tật"),
            ("ho-so-benh-an", "Bản sao hồ sơ bệnh án, giấy tờ khám, điều trị"),
        ],
        summary="Xác định mức độ khuyết tật cho con",
        process=commune_process(160, VHXH),
    ),
    procedure(
        "1.010833",
        "Cấp giấy xác nhận thân nhân của người có công",
        "NCC",
        source="illustrative",
        level="commune",
        agency=None,
        limit=5,
        online="partial",
        documents=[
            ("don-de-nghi", "Đơn đề nghị xác nhận thân nhân"),
            ("giay-to-quan-he", "Giấy tờ chứng minh quan hệ"),
        ],
        summary="Xác nhận thân nhân liệt sĩ",
        process=commune_process(40, VHXH),
    ),
    procedure(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        "HKD",
        source="illustrative",
        level="commune",
        agency=None,
        limit=3,
        online="full",
        fee=100000,
        fee_note="100.000 đồng/lần; miễn khi đăng ký qua mạng",
        online_exemption="Miễn lệ phí đăng ký hộ kinh doanh qua mạng",
        documents=[
            ("giay-de-nghi", "Giấy đề nghị đăng ký hộ kinh doanh"),
            ("bien-ban-hop", "Biên bản họp thành viên hộ gia đình (nếu có)"),
        ],
        summary="Đăng ký hộ kinh doanh quán ăn",
        process=commune_process(24, KINH_TE),
    ),
    procedure(
        "2.000720",
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "HKD",
        source="national",
        level="commune",
        agency=None,
        limit=3,
        online="full",
        documents=[
            ("thong-bao", "Thông báo thay đổi nội dung đăng ký hộ kinh doanh"),
            ("giay-chung-nhan", "Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh"),
        ],
        summary="Thay đổi địa điểm kinh doanh của hộ kinh doanh",
        process=commune_process(24, KINH_TE),
    ),
    procedure(
        "1.001570",
        "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        "HKD",
        source="national",
        level="commune",
        agency=None,
        limit=3,
        online="full",
        documents=[("thong-bao", "Thông báo tạm ngừng kinh doanh"), CCCD],
        summary="Thông báo tạm ngừng kinh doanh 6 tháng",
        process=commune_process(24, KINH_TE),
    ),
    # == province level: departments, received at the provincial centre =================================
    procedure(
        "2.000488",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "LLTP",
        source="illustrative",
        level="province",
        agency=JUSTICE,
        limit=10,
        online="full",
        fee=200000,
        fee_note="200.000 đồng/lần/người; sinh viên, người có công 100.000 đồng",
        documents=[
            ("to-khai", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
            ("giay-to-tuy-than", "Bản chụp giấy tờ tùy thân"),
            ("giay-to-cu-tru", "Giấy tờ chứng minh nơi cư trú (nếu không khai thác được từ CSDL dân cư)"),
        ],
        summary="Cấp Phiếu lý lịch tư pháp số 1 để xin việc",
        process=department_process(80, "Phòng Hành chính tư pháp và Lý lịch tư pháp"),
        versioning="draft_v2",
    ),
    procedure(
        "1.001009",
        "Đăng ký hoạt động Văn phòng công chứng",
        "CC",
        source="illustrative",
        level="province",
        agency=JUSTICE,
        limit=10,
        online="partial",
        fee=1000000,
        fee_note="Phí thẩm định 1.000.000 đồng/hồ sơ",
        returns=["counter", "post"],
        documents=[
            ("don-dang-ky", "Đơn đăng ký hoạt động"),
            ("quyet-dinh", "Quyết định cho phép thành lập Văn phòng công chứng"),
            ("giay-to-tru-so", "Giấy tờ chứng minh trụ sở"),
        ],
        summary="Đăng ký hoạt động Văn phòng công chứng Tây Bắc",
        process=department_process(80, "Phòng Bổ trợ tư pháp", sign=True),
    ),
    procedure(
        "2.001610",
        "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
        "DN",
        source="illustrative",
        level="province",
        agency=PLANNING,
        limit=3,
        online="full",
        fee=50000,
        fee_note="50.000 đồng/lần; miễn khi đăng ký qua mạng điện tử",
        online_exemption="Miễn lệ phí đăng ký doanh nghiệp qua mạng điện tử",
        documents=[
            ("giay-de-nghi", "Giấy đề nghị đăng ký doanh nghiệp"),
            ("dieu-le", "Điều lệ công ty"),
            ("danh-sach-thanh-vien", "Danh sách thành viên"),
            ("giay-to-phap-ly", "Bản sao giấy tờ pháp lý của thành viên"),
        ],
        summary="Thành lập công ty TNHH hai thành viên trở lên",
        process=department_process(24, "Phòng Đăng ký kinh doanh"),
    ),
    procedure(
        "2.002040",
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp (trụ sở, vốn điều lệ, người đại diện theo pháp luật)",
        "DN",
        source="illustrative",
        level="province",
        agency=PLANNING,
        limit=3,
        online="full",
        fee_note="Miễn lệ phí khi đăng ký qua mạng điện tử",
        documents=[
            ("thong-bao", "Thông báo thay đổi nội dung đăng ký doanh nghiệp"),
            ("nghi-quyet", "Nghị quyết, quyết định của chủ sở hữu/hội đồng thành viên"),
        ],
        summary="Thay đổi địa chỉ trụ sở chính",
        process=department_process(24, "Phòng Đăng ký kinh doanh"),
    ),
    procedure(
        "2.002045",
        "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo (doanh nghiệp)",
        "DN",
        source="illustrative",
        level="province",
        agency=PLANNING,
        limit=3,
        online="full",
        documents=[("thong-bao", "Thông báo tạm ngừng kinh doanh"), ("nghi-quyet", "Nghị quyết, quyết định tạm ngừng")],
        summary="Tạm ngừng kinh doanh 12 tháng",
        process=department_process(24, "Phòng Đăng ký kinh doanh"),
    ),
    procedure(
        "1.009994",
        "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II (công trình không theo tuyến)",
        "HDXD",
        source="illustrative",
        level="province",
        agency=CONSTRUCTION,
        limit=20,
        online="partial",
        fee=150000,
        fee_note="150.000 đồng/giấy phép",
        policy="restart",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp giấy phép xây dựng"),
            ("giay-to-dat", "Giấy tờ chứng minh quyền sử dụng đất"),
            ("ket-qua-tham-dinh", "Văn bản thông báo kết quả thẩm định thiết kế"),
            ("ban-ve", "Bản vẽ thiết kế xây dựng"),
            ("pccc", "Văn bản thẩm duyệt phòng cháy, chữa cháy"),
        ],
        summary="Cấp giấy phép xây dựng trụ sở làm việc 9 tầng",
        process=department_process(
            160,
            "Phòng Quản lý hoạt động xây dựng",
            sign=True,
            consult=(
                "Lấy ý kiến về sự phù hợp quy hoạch sử dụng đất",
                ENVIRONMENT,
                "Phòng Quản lý đất đai",
                40,
            ),
        ),
        versioning="retired_v1",
        old_process=department_process(160, "Phòng Quản lý hoạt động xây dựng", sign=True),
    ),
    procedure(
        "1.009995",
        "Điều chỉnh giấy phép xây dựng đối với công trình cấp I, cấp II",
        "HDXD",
        source="illustrative",
        level="province",
        agency=CONSTRUCTION,
        limit=20,
        online="partial",
        fee=150000,
        fee_note="150.000 đồng/giấy phép",
        policy="restart",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị điều chỉnh giấy phép xây dựng"),
            ("giay-phep", "Bản chính giấy phép xây dựng đã được cấp"),
            ("ban-ve", "Bản vẽ thiết kế điều chỉnh"),
        ],
        summary="Điều chỉnh giấy phép xây dựng nhà xưởng chế biến nông sản",
        process=department_process(160, "Phòng Quản lý hoạt động xây dựng", sign=True),
    ),
    procedure(
        "1.002809",
        "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "DB",
        source="illustrative",
        level="province",
        agency=TRANSPORT,
        limit=5,
        online="full",
        fee=135000,
        fee_note="135.000 đồng/lần cấp",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị đổi giấy phép lái xe"),
            ("giay-kham-suc-khoe", "Giấy khám sức khỏe của người lái xe"),
            ("anh", "Ảnh chân dung 3x4 nền trắng"),
        ],
        summary="Đổi giấy phép lái xe hạng B2 sắp hết hạn",
        process=department_process(40, "Phòng Quản lý phương tiện và người lái"),
    ),
    procedure(
        "1.002804",
        "Cấp lại giấy phép lái xe",
        "DB",
        source="illustrative",
        level="province",
        agency=TRANSPORT,
        limit=10,
        online="partial",
        fee=135000,
        fee_note="135.000 đồng/lần cấp",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp lại giấy phép lái xe"),
            ("giay-kham-suc-khoe", "Giấy khám sức khỏe của người lái xe"),
            CCCD,
        ],
        summary="Cấp lại giấy phép lái xe hạng A1 bị mất",
        process=department_process(80, "Phòng Quản lý phương tiện và người lái"),
    ),
    procedure(
        "1.004227",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (chuyển nhượng, tặng cho)",
        "DD",
        source="illustrative",
        level="province",
        agency=ENVIRONMENT,
        limit=10,
        online="partial",
        fee=30000,
        fee_note="Lệ phí chỉnh lý 30.000 đồng/lần (chưa gồm thuế, phí trước bạ)",
        returns=["counter", "post"],
        documents=[
            ("don-dang-ky", "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"),
            ("hop-dong", "Hợp đồng chuyển nhượng, tặng cho đã công chứng"),
            ("giay-chung-nhan", "Bản gốc Giấy chứng nhận đã cấp"),
            ("to-khai-thue", "Tờ khai thuế thu nhập cá nhân, lệ phí trước bạ"),
        ],
        summary="Đăng ký biến động do nhận chuyển nhượng quyền sử dụng đất",
        process=department_process(
            80, "Văn phòng Đăng ký đất đai", consult=("Xác định nghĩa vụ tài chính", TAX, TAX_CONSULT[2], 24)
        ),
    ),
    procedure(
        "1.010727",
        "Cấp giấy phép môi trường (cấp tỉnh)",
        "MT",
        source="illustrative",
        level="province",
        agency=ENVIRONMENT,
        limit=30,
        online="partial",
        fee=0,
        fee_note="Phí thẩm định theo Nghị quyết của HĐND tỉnh, nộp riêng",
        policy="restart",
        returns=["counter", "post"],
        documents=[
            ("van-ban-de-nghi", "Văn bản đề nghị cấp giấy phép môi trường"),
            ("bao-cao", "Báo cáo đề xuất cấp giấy phép môi trường"),
        ],
        summary="Cấp giấy phép môi trường cho nhà máy chế biến chè",
        process=department_process(240, "Chi cục Bảo vệ môi trường", sign=True),
    ),
    procedure(
        "1.005098",
        "Chuyển trường đối với học sinh trung học phổ thông",
        "GD",
        source="illustrative",
        level="province",
        agency=EDUCATION,
        limit=3,
        online="full",
        documents=[
            ("don-xin", "Đơn xin chuyển trường do cha mẹ hoặc người giám hộ ký"),
            ("hoc-ba", "Học bạ (bản chính)"),
            ("giay-gioi-thieu", "Giấy giới thiệu chuyển trường"),
        ],
        summary="Chuyển trường cho học sinh lớp 11",
        process=department_process(24, "Phòng Giáo dục trung học"),
    ),
    procedure(
        "1.005142",
        "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
        "GD",
        source="illustrative",
        level="province",
        agency=EDUCATION,
        limit=15,
        online="full",
        documents=[
            ("don-phuc-khao", "Đơn đề nghị phúc khảo bài thi"),
            ("giay-bao-diem", "Giấy chứng nhận kết quả thi"),
        ],
        summary="Phúc khảo bài thi môn Ngữ văn",
        process=department_process(120, "Phòng Quản lý chất lượng và Khảo thí"),
    ),
    procedure(
        "1.012265",
        "Cấp giấy phép hành nghề khám bệnh, chữa bệnh",
        "KCB",
        source="illustrative",
        level="province",
        agency=HEALTH,
        limit=20,
        online="partial",
        fee=360000,
        fee_note="Phí thẩm định 360.000 đồng/hồ sơ",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp giấy phép hành nghề"),
            ("van-bang", "Bản sao văn bằng chuyên môn"),
            ("giay-kham-suc-khoe", "Giấy chứng nhận đủ sức khỏe hành nghề"),
            ("xac-nhan-thuc-hanh", "Giấy xác nhận quá trình thực hành"),
        ],
        summary="Cấp giấy phép hành nghề cho y sĩ đa khoa",
        process=department_process(160, "Phòng Nghiệp vụ Y", sign=True),
    ),
    procedure(
        "1.004616",
        "Cấp Chứng chỉ hành nghề dược",
        "DUOC",
        source="illustrative",
        level="province",
        agency=HEALTH,
        limit=20,
        online="partial",
        fee=500000,
        fee_note="Phí thẩm định 500.000 đồng/hồ sơ",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp Chứng chỉ hành nghề dược"),
            ("van-bang", "Bản sao văn bằng chuyên môn"),
            ("xac-nhan-thuc-hanh", "Giấy xác nhận thời gian thực hành chuyên môn"),
        ],
        summary="Cấp Chứng chỉ hành nghề dược cho dược sĩ đại học",
        process=department_process(160, "Phòng Nghiệp vụ Dược", sign=True),
    ),
    procedure(
        "1.014201",
        "Gia hạn giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "LD",
        source="national",
        level="province",
        agency=LABOUR,
        limit=5,
        online="full",
        fee=450000,
        fee_note="450.000 đồng/giấy phép",
        returns=["counter", "post", "online"],
        documents=[
            ("van-ban-de-nghi", "Văn bản đề nghị gia hạn giấy phép lao động"),
            ("giay-phep-cu", "Giấy phép lao động còn thời hạn"),
            ("giay-kham-suc-khoe", "Giấy chứng nhận sức khỏe"),
            ("ho-chieu", "Bản sao hộ chiếu"),
        ],
        summary="Gia hạn giấy phép lao động cho chuyên gia nước ngoài",
        process=department_process(40, "Phòng Lao động - Việc làm"),
    ),
    procedure(
        "1.001978",
        "Giải quyết hưởng trợ cấp thất nghiệp",
        "VL",
        source="illustrative",
        level="province",
        agency=LABOUR,
        limit=20,
        online="partial",
        documents=[
            ("de-nghi", "Đề nghị hưởng trợ cấp thất nghiệp"),
            ("quyet-dinh-nghi-viec", "Quyết định thôi việc hoặc chấm dứt hợp đồng lao động"),
            ("so-bhxh", "Sổ bảo hiểm xã hội"),
        ],
        summary="Hưởng trợ cấp thất nghiệp sau khi chấm dứt hợp đồng lao động",
        process=department_process(160, "Trung tâm Dịch vụ việc làm", sign=True),
    ),
    procedure(
        "1.004623",
        "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
        "DL",
        source="illustrative",
        level="province",
        agency=CULTURE,
        limit=10,
        online="full",
        fee=3000000,
        fee_note="Phí thẩm định 3.000.000 đồng/giấy phép",
        returns=["counter", "post", "online"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp giấy phép kinh doanh dịch vụ lữ hành"),
            ("giay-chung-nhan-dn", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp"),
            ("ky-quy", "Giấy chứng nhận ký quỹ kinh doanh dịch vụ lữ hành"),
            ("bang-cap", "Bản sao văn bằng của người phụ trách kinh doanh"),
        ],
        summary="Cấp giấy phép lữ hành nội địa cho công ty du lịch",
        process=department_process(80, "Phòng Quản lý du lịch"),
    ),
    procedure(
        "2.000633",
        "Cấp Giấy phép bán lẻ sản phẩm rượu",
        "LTHH",
        source="illustrative",
        level="province",
        agency=INDUSTRY,
        limit=10,
        online="full",
        fee=600000,
        fee_note="Phí thẩm định 600.000 đồng/điểm kinh doanh",
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm rượu"),
            ("giay-chung-nhan-dn", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp"),
            ("dia-diem", "Bản sao giấy tờ chứng minh quyền sử dụng địa điểm"),
        ],
        summary="Cấp giấy phép bán lẻ rượu cho cửa hàng",
        process=department_process(80, "Phòng Quản lý thương mại"),
    ),
    procedure(
        "1.003612",
        "Cấp giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán trong y tế)",
        "ATBX",
        source="illustrative",
        level="province",
        agency=SCIENCE,
        limit=15,
        online="partial",
        fee=2000000,
        fee_note="Phí thẩm định 2.000.000 đồng/thiết bị",
        returns=["counter", "post"],
        documents=[
            ("don-de-nghi", "Đơn đề nghị cấp giấy phép"),
            ("bao-cao-danh-gia", "Báo cáo đánh giá an toàn bức xạ"),
            ("chung-chi", "Chứng chỉ nhân viên bức xạ"),
        ],
        summary="Cấp giấy phép sử dụng máy X-quang chẩn đoán",
        process=department_process(120, "Phòng Quản lý chuyên ngành"),
    ),
]
