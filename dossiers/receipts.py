"""The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả, DOMAIN §3): code as text and the tracking address as a
QR code, applicant, procedure, documents received, received-at, appointment date, return channel, fee, officer.
The layout is the one every printed form shares (`dossiers.printing`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.units import mm

from dossiers.extensions import section
from onestop.formats import vnd

from .models import DocumentVersion, Dossier
from .printing import Page, person, render, when
from .selectors import latest_documents


def _received_documents(dossier: Dossier) -> list[tuple[DocumentVersion, int]]:
    """The current version of each component handed in, with its number of files (results are not part of
    the receipt)."""
    return [(row["latest"], len(row["files"])) for row in latest_documents(dossier, results=False)]


def render_receipt(dossier: Dossier) -> bytes:
    """The receipt of a received dossier as PDF bytes."""
    return render(
        dossier,
        title=gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        body=lambda page: _receipt(page, dossier),
    )


def _receipt(page: Page, dossier: Dossier) -> None:
    page.heading(dossier, _("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), form=_("Mẫu số 01"))
    page.text(_("%(agency)s tiếp nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    page.applicant(dossier)
    if dossier.summary:
        page.field(_("Trích yếu"), dossier.summary)
    page.field(_("Cơ quan giải quyết"), dossier.competent_agency.name)
    page.gap(2 * mm)

    page.text(_("Thành phần hồ sơ nhận:"), bold=True)
    documents = _received_documents(dossier)
    if not documents:
        page.text(_("(không có giấy tờ kèm theo)"), indent=6 * mm)
    paper, electronic, version = _("bản giấy"), _("bản điện tử"), _("phiên bản")
    page.numbered(
        [
            f"{v.name} ({paper if v.paper_copy else electronic}, {version} {v.version}"
            + (", " + _("%(n)d tệp") % {"n": files} if files > 1 else "")
            + ")"
            for v, files in documents
        ]
    )
    page.gap(2 * mm)

    page.field(_("Hình thức nộp"), dossier.get_channel_display())
    page.field(_("Thời gian tiếp nhận"), when(dossier.received_at))
    page.field(_("Thời gian hẹn trả kết quả"), when(dossier.appointment_at))
    page.field(_("Nhận kết quả tại"), dossier.get_return_channel_display())
    fee = section("payment", dossier, public=False) or {}
    exemptions = fee.get("exemptions") or []
    if fee.get("amount_due") or exemptions:
        page.field(_("Phí, lệ phí"), f"{vnd(fee.get('amount_due') or 0)} đồng")
    for exemption in exemptions:
        page.field(
            _("Miễn, giảm"),
            _("%(name)s — %(item)s giảm %(amount)s đồng (%(percent)s%%)")
            % {
                "name": exemption["name"],
                "item": exemption["item"],
                "amount": vnd(exemption["reduction"]),
                "percent": exemption["percent"],
            },
        )
    page.signature(dossier, signer=_("NGƯỜI TIẾP NHẬN"), name=person(dossier.received_by))
