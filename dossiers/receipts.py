"""The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả, DOMAIN §3): code as text and as QR code, applicant,
procedure, documents received, received-at, appointment date, return channel, officer.

ReportLab's built-in fonts have no Vietnamese glyphs, so the receipt embeds Noto Sans (fontpkg-noto-sans).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import qrcode
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from dossiers.extensions import section
from onestop.formats import vnd

from .models import DocumentVersion, Dossier
from .selectors import latest_documents
from .tracking import lookup_secret, tracking_url

FONT = "NotoSans"


@cache
def _font() -> str:
    import fontpkg_noto_sans

    files = Path(fontpkg_noto_sans.__file__).resolve().parent / "files"
    path = next(p for p in sorted(files.glob("NotoSans*.ttf")) if "Italic" not in p.name)
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def _qr_image(text: str) -> ImageReader:
    image = qrcode.make(text, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _when(value) -> str:
    return f"{timezone.localtime(value):%H giờ %M, ngày %d/%m/%Y}" if value else "—"


def _received_documents(dossier: Dossier) -> list[DocumentVersion]:
    """The latest version of each component handed in (results are not part of the receipt)."""
    return [row["latest"] for row in latest_documents(dossier, results=False)]


class _Page:
    """A cursor down an A4 page that wraps text and starts a new page when full."""

    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.width, self.height = A4
        self.left, self.right = 20 * mm, self.width - 20 * mm
        self.y = self.height - 20 * mm

    def gap(self, height: float) -> None:
        self.y -= height

    def text(self, text: str, *, size: float = 11, indent: float = 0, bold: bool = False, centre: bool = False):
        width = self.right - self.left - indent
        for line in simpleSplit(text, FONT, size, width) or [""]:
            if self.y < 25 * mm:
                self.pdf.showPage()
                self.y = self.height - 20 * mm
            self.pdf.setFont(FONT, size)
            text_obj = self.pdf.beginText()
            text_obj.setFont(FONT, size)
            if bold:  # the variable font has one weight: thicken the outline instead
                text_obj.setTextRenderMode(2)
                self.pdf.setLineWidth(size / 30)
            x = (self.width - pdfmetrics.stringWidth(line, FONT, size)) / 2 if centre else self.left + indent
            text_obj.setTextOrigin(x, self.y)
            text_obj.textLine(line)
            self.pdf.drawText(text_obj)
            self.y -= size * 1.45

    def centred_at(
        self, text: str, centre_x: float, y: float, *, size: float = 11, bold: bool = False, max_width=85 * mm
    ) -> None:
        """One line centred on `centre_x` at height `y`, without moving the cursor (for columns); a long
        line is set smaller to fit its column."""
        while size > 6 and pdfmetrics.stringWidth(text, FONT, size) > max_width:
            size -= 0.5
        text_obj = self.pdf.beginText()
        text_obj.setFont(FONT, size)
        if bold:
            text_obj.setTextRenderMode(2)
            self.pdf.setLineWidth(size / 30)
        text_obj.setTextOrigin(centre_x - pdfmetrics.stringWidth(text, FONT, size) / 2, y)
        text_obj.textLine(text)
        self.pdf.drawText(text_obj)
        text_obj.setTextRenderMode(0)

    def field(self, label: str, value: str) -> None:
        self.text(f"{label}: {value}")


def render_receipt(dossier: Dossier) -> bytes:
    """The receipt of a received dossier as PDF bytes, in Vietnamese whatever language the officer's screens
    use: it is the citizen's copy of an administrative form."""
    with translation.override("vi"):
        return _render(dossier)


def _render(dossier: Dossier) -> bytes:
    _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả %(code)s") % {"code": dossier.code})
    pdf.setAuthor(dossier.receiving_agency.name)
    page = _Page(pdf)

    left_centre, right_centre = page.left + 40 * mm, page.right - 45 * mm
    top = page.y
    page.centred_at(dossier.receiving_agency.name.upper(), left_centre, top, size=10, bold=True)
    page.centred_at(_("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"), left_centre, top - 14, size=9)
    page.centred_at(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), right_centre, top, size=10, bold=True)
    page.centred_at(_("Độc lập - Tự do - Hạnh phúc"), right_centre, top - 14, size=10)
    page.gap(18 * mm)
    page.text(_("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), size=15, bold=True, centre=True)
    page.text(_("Mã hồ sơ: %(code)s") % {"code": dossier.code}, size=13, bold=True, centre=True)
    page.gap(4 * mm)

    officer = dossier.received_by
    officer_name = (officer.get_full_name() or officer.get_username()) if officer else "—"
    page.text(_("%(agency)s tiếp nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    page.field(_("Ông/bà, tổ chức"), dossier.applicant_name)
    if dossier.applicant_address:
        page.field(_("Địa chỉ"), dossier.applicant_address)
    if dossier.applicant_phone:
        page.field(_("Số điện thoại"), dossier.applicant_phone)
    if dossier.applicant_email:
        page.field(_("Thư điện tử"), dossier.applicant_email)
    page.field(_("Nội dung yêu cầu giải quyết"), f"{dossier.procedure.name} ({_('mã TTHC')} {dossier.procedure.code})")
    if dossier.summary:
        page.field(_("Trích yếu"), dossier.summary)
    page.field(_("Cơ quan giải quyết"), dossier.competent_agency.name)
    page.gap(2 * mm)

    page.text(_("Thành phần hồ sơ nhận:"), bold=True)
    documents = _received_documents(dossier)
    if not documents:
        page.text(_("(không có giấy tờ kèm theo)"), indent=6 * mm)
    for number, version in enumerate(documents, 1):
        kind = _("bản giấy") if version.paper_copy else _("bản điện tử")
        page.text(f"{number}. {version.name} ({kind}, {_('phiên bản')} {version.version})", indent=6 * mm)
    page.gap(2 * mm)

    page.field(_("Hình thức nộp"), dossier.get_channel_display())
    page.field(_("Thời gian tiếp nhận"), _when(dossier.received_at))
    page.field(_("Thời gian hẹn trả kết quả"), _when(dossier.appointment_at))
    page.field(_("Nhận kết quả tại"), dossier.get_return_channel_display())
    fee = section("payment", dossier, public=False)
    if fee and fee.get("amount_due"):
        page.field(_("Phí, lệ phí"), f"{vnd(fee['amount_due'])} đồng")
    page.gap(4 * mm)
    page.text(
        _("Tra cứu tình trạng hồ sơ bằng mã hồ sơ hoặc quét mã QR tại trang Tra cứu hồ sơ của Trung tâm."),
        size=9,
    )
    page.gap(4 * mm)
    qr_size = 30 * mm
    if page.y - qr_size < 25 * mm:
        pdf.showPage()
        page.y = page.height - 20 * mm
    top = page.y
    pdf.drawImage(_qr_image(tracking_url(dossier)), page.left, top - qr_size, qr_size, qr_size)
    page.centred_at(_("NGƯỜI TIẾP NHẬN"), right_centre, top - 4 * mm, size=11, bold=True)
    page.centred_at(_("(Ký và ghi rõ họ tên)"), right_centre, top - 9 * mm, size=9)
    page.centred_at(officer_name, right_centre, top - qr_size + 2 * mm, size=11)
    page.y = top - qr_size - 2 * mm
    page.text(
        _("Mã hồ sơ %(code)s · mã bí mật tra cứu %(secret)s")
        % {"code": dossier.code, "secret": lookup_secret(dossier.code)},
        size=8,
    )

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
