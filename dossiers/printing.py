"""The layout every printed form of a dossier shares (the receipt and the notices of Circular 01/2018 and
03/2025): A4, Vietnamese text in Noto Sans (ReportLab's built-in fonts have no Vietnamese glyphs;
fontpkg-noto-sans), the agency and national mottos side by side, the title and the dossier code, the body, and
at the foot the QR code of the public tracking address beside the officer's signature.

Forms are in Vietnamese whatever language the officer's screens use: they are the applicant's copy of an
administrative form."""

from __future__ import annotations

import io
from collections.abc import Callable
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

from .models import Dossier
from .tracking import lookup_secret, tracking_url

FONT = "NotoSans"
MARGIN = 20 * mm
QR_SIZE = 30 * mm


@cache
def _font() -> str:
    import fontpkg_noto_sans

    files = Path(fontpkg_noto_sans.__file__).resolve().parent / "files"
    path = next(p for p in sorted(files.glob("NotoSans*.ttf")) if "Italic" not in p.name)
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def qr_image(text: str) -> ImageReader:
    image = qrcode.make(text, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def when(value) -> str:
    """An instant as forms write it: "10 giờ 00, ngày 20/11/2025"."""
    return f"{timezone.localtime(value):%H giờ %M, ngày %d/%m/%Y}" if value else "—"


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


class Page:
    """A cursor down an A4 page that wraps text and starts a new page when full."""

    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.width, self.height = A4
        self.left, self.right = MARGIN, self.width - MARGIN
        self.y = self.height - MARGIN

    def gap(self, height: float) -> None:
        self.y -= height

    def room(self, height: float) -> None:
        """Start a new page unless `height` still fits above the bottom margin."""
        if self.y - height < 25 * mm:
            self.pdf.showPage()
            self.y = self.height - MARGIN

    def text(self, text: str, *, size: float = 11, indent: float = 0, bold: bool = False, centre: bool = False):
        width = self.right - self.left - indent
        for line in simpleSplit(text, FONT, size, width) or [""]:
            self.room(0)
            x = (self.width - pdfmetrics.stringWidth(line, FONT, size)) / 2 if centre else self.left + indent
            self._line(line, x, self.y, size=size, bold=bold)
            self.y -= size * 1.45

    def centred_at(
        self, text: str, centre_x: float, y: float, *, size: float = 11, bold: bool = False, max_width=85 * mm
    ) -> None:
        """One line centred on `centre_x` at height `y`, without moving the cursor (for columns); a long
        line is set smaller to fit its column."""
        while size > 6 and pdfmetrics.stringWidth(text, FONT, size) > max_width:
            size -= 0.5
        self._line(text, centre_x - pdfmetrics.stringWidth(text, FONT, size) / 2, y, size=size, bold=bold)

    def _line(self, text: str, x: float, y: float, *, size: float, bold: bool) -> None:
        text_obj = self.pdf.beginText()
        text_obj.setFont(FONT, size)
        if bold:  # the variable font has one weight: thicken the outline instead
            text_obj.setTextRenderMode(2)
            self.pdf.setLineWidth(size / 30)
        text_obj.setTextOrigin(x, y)
        text_obj.textLine(text)
        self.pdf.drawText(text_obj)

    def field(self, label: str, value: str) -> None:
        self.text(f"{label}: {value}")

    def numbered(self, items: list[str]) -> None:
        for number, item in enumerate(items, 1):
            self.text(f"{number}. {item}", indent=6 * mm)

    # -- the parts every form has -----------------------------------------------------------------------
    def heading(self, dossier: Dossier, title: str, *, unit: str = "", form: str = "") -> None:
        """The agency and the national motto side by side, the form's number, its title and the code."""
        left_centre, right_centre = self.left + 40 * mm, self.right - 45 * mm
        top = self.y
        if form:
            self.centred_at(form, right_centre, top + 5 * mm, size=8)
        self.centred_at(dossier.receiving_agency.name.upper(), left_centre, top, size=10, bold=True)
        self.centred_at(unit or _("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"), left_centre, top - 14, size=9)
        self.centred_at(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), right_centre, top, size=10, bold=True)
        self.centred_at(_("Độc lập - Tự do - Hạnh phúc"), right_centre, top - 14, size=10)
        self.gap(18 * mm)
        self.text(title, size=15, bold=True, centre=True)
        self.text(_("Mã hồ sơ: %(code)s") % {"code": dossier.code}, size=13, bold=True, centre=True)
        self.gap(4 * mm)

    def applicant(self, dossier: Dossier) -> None:
        self.field(_("Ông/bà, tổ chức"), dossier.applicant_name)
        if dossier.applicant_address:
            self.field(_("Địa chỉ"), dossier.applicant_address)
        if dossier.applicant_phone:
            self.field(_("Số điện thoại"), dossier.applicant_phone)
        if dossier.applicant_email:
            self.field(_("Thư điện tử"), dossier.applicant_email)
        self.field(
            _("Nội dung yêu cầu giải quyết"), f"{dossier.procedure.name} ({_('mã TTHC')} {dossier.procedure.code})"
        )

    def signature(self, dossier: Dossier, *, signer: str, name: str) -> None:
        """The QR code of the tracking address at the left, the signer at the right, the code under the QR."""
        self.gap(4 * mm)
        self.text(
            _("Tra cứu tình trạng hồ sơ bằng mã hồ sơ hoặc quét mã QR tại trang Tra cứu hồ sơ của Trung tâm."),
            size=9,
        )
        self.gap(4 * mm)
        self.room(QR_SIZE)
        top, right_centre = self.y, self.right - 45 * mm
        self.pdf.drawImage(qr_image(tracking_url(dossier)), self.left, top - QR_SIZE, QR_SIZE, QR_SIZE)
        self.centred_at(signer, right_centre, top - 4 * mm, size=11, bold=True)
        self.centred_at(_("(Ký và ghi rõ họ tên)"), right_centre, top - 9 * mm, size=9)
        self.centred_at(name, right_centre, top - QR_SIZE + 2 * mm, size=11)
        self.y = top - QR_SIZE - 2 * mm
        self.text(
            _("Mã hồ sơ %(code)s · mã bí mật tra cứu %(secret)s")
            % {"code": dossier.code, "secret": lookup_secret(dossier.code)},
            size=8,
        )


def render(dossier: Dossier, *, title: str, body: Callable[[Page], None]) -> bytes:
    """A form as PDF bytes, in Vietnamese: `body` writes on the page after the PDF's title is set."""
    with translation.override("vi"):
        _font()
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf.setTitle(f"{title} {dossier.code}")
        pdf.setAuthor(dossier.receiving_agency.name)
        body(Page(pdf))
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()
