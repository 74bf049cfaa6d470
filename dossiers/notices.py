"""The notices printed beside the receipt (Circular 01/2018/TT-VPCP and 03/2025/TT-VPCP): the supplement
request, the refusal, the apology with the new appointment (form 04), the stop notice (form 05) and the
hand-over slip that follows the dossier from the counter through each step. Each reads what the dossier's
history recorded and is printed only once there is something to print (`available_notices`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.units import mm

from workflows.clock import Verdict

from .models import Action, Dossier, DossierEvent, Status
from .printing import Page, person, render, when
from .selectors import history


@dataclass(frozen=True)
class Notice:
    slug: str
    title: object  # a lazy translation
    available: Callable[[Dossier, set[str]], bool]  # the dossier, the actions its history holds
    body: Callable[[Page, Dossier], None]


def _last(dossier: Dossier, action: str) -> DossierEvent | None:
    return history(dossier).filter(action=action).select_related("actor").order_by("-seq").first()


def _instant(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _addressed(page: Page, dossier: Dossier, intro: str) -> None:
    page.text(intro)
    page.applicant(dossier)
    if dossier.received_at:
        page.field(_("Thời gian tiếp nhận"), when(dossier.received_at))


# -- the supplement request (Circular 01/2018, form 02) ---------------------------------------------------
def _supplement(page: Page, dossier: Dossier) -> None:
    event = _last(dossier, Action.REQUEST_SUPPLEMENT)
    page.heading(dossier, _("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"), form=_("Mẫu số 02"))
    _addressed(page, dossier, _("%(agency)s đã nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    page.gap(2 * mm)
    page.text(
        _("Yêu cầu ông/bà, tổ chức bổ sung, hoàn thiện hồ sơ gồm những nội dung sau (hướng dẫn một lần, đầy đủ):"),
        bold=True,
    )
    items = event.data.get("missing_documents", []) if event else []
    page.numbered([f"{i['name']}" + (f" — {_('lý do')}: {i['reason']}" if i.get("reason") else "") for i in items])
    if event and event.note:
        page.field(_("Ghi chú"), event.note)
    page.field(_("Ngày yêu cầu"), when(event.at if event else None))
    page.text(_("Thời gian bổ sung hồ sơ không tính vào thời hạn giải quyết."), size=9)
    page.signature(dossier, signer=_("NGƯỜI HƯỚNG DẪN"), name=person(event.actor if event else None))


# -- the refusal (Circular 01/2018, form 03) -------------------------------------------------------------
def _refusal(page: Page, dossier: Dossier) -> None:
    event = _last(dossier, Action.REFUSE)
    page.heading(dossier, _("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"), form=_("Mẫu số 03"))
    _addressed(page, dossier, _("%(agency)s đã nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    page.gap(2 * mm)
    page.text(_("Hồ sơ không được tiếp nhận, giải quyết vì lý do sau:"), bold=True)
    page.text(dossier.result_note or "—", indent=6 * mm)
    page.field(_("Ngày từ chối"), when(dossier.ended_at))
    page.text(_("Xin thông báo để ông/bà, tổ chức được biết."), size=10)
    page.signature(dossier, signer=_("NGƯỜI TIẾP NHẬN"), name=person(event.actor if event else None))


# -- the apology and new appointment (Circular 03/2025, form 04) ----------------------------------------
def _apology(page: Page, dossier: Dossier) -> None:
    event = _last(dossier, Action.APOLOGIZE)
    data = event.data if event else {}
    page.heading(dossier, _("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"), form=_("Mẫu số 04"))
    _addressed(page, dossier, _("%(agency)s đã tiếp nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    page.field(_("Thời gian hẹn trả kết quả"), when(_instant(data.get("previous_appointment_at"))))
    page.gap(2 * mm)
    page.text(
        _("Tuy nhiên đến nay, cơ quan giải quyết chưa trả kết quả giải quyết hồ sơ của ông/bà, tổ chức. Lý do:"),
    )
    page.text(event.note if event else "—", indent=6 * mm)
    page.text(
        _("Sự chậm trễ này đã gây phiền hà cho ông/bà, tổ chức. Cơ quan giải quyết xin lỗi và hẹn trả kết quả vào:"),
    )
    page.text(when(_instant(data.get("new_appointment_at"))), bold=True, indent=6 * mm)
    page.signature(dossier, signer=_("THỦ TRƯỞNG CƠ QUAN"), name=person(event.actor if event else None))


# -- the stop notice (Circular 03/2025, form 05) ---------------------------------------------------------
def _stop(page: Page, dossier: Dossier) -> None:
    event = _last(dossier, Action.STOP)
    unit = dossier.competent_agency.name.upper()
    page.heading(dossier, _("THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"), unit=unit, form=_("Mẫu số 05"))
    _addressed(page, dossier, _("%(agency)s thông báo tới:") % {"agency": dossier.competent_agency.name})
    page.gap(2 * mm)
    page.text(_("Hồ sơ được dừng xử lý vì lý do sau:"), bold=True)
    page.text(dossier.result_note or "—", indent=6 * mm)
    page.field(_("Ngày dừng xử lý"), when(dossier.ended_at))
    page.signature(dossier, signer=_("THỦ TRƯỞNG CƠ QUAN"), name=person(event.actor if event else None))


# -- the hand-over slip (Circular 01/2018, form 05: phiếu kiểm soát quá trình giải quyết hồ sơ) -----------
def _handover(page: Page, dossier: Dossier) -> None:
    page.heading(dossier, _("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), form=_("Phiếu giao nhận"))
    page.field(_("Chủ hồ sơ"), dossier.applicant_name)
    page.field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})")
    page.field(_("Thời gian tiếp nhận"), when(dossier.received_at))
    page.field(_("Thời gian hẹn trả kết quả"), when(dossier.appointment_at))
    page.gap(2 * mm)
    page.text(_("Giao, nhận hồ sơ:"), bold=True)
    giver = _("Bộ phận tiếp nhận và trả kết quả") + f" ({person(dossier.received_by)})"
    steps = dossier.steps.select_related("agency", "assignee").order_by("started_at", "id")
    for number, step in enumerate(steps, 1):
        taker = f"{step.agency.name} ({person(step.assignee)})"
        verdict = Verdict(step.verdict).label if step.verdict else _("đang xử lý")
        page.text(f"{number}. {_('Bước')} {step.order}. {step.name}", indent=4 * mm)
        page.text(f"{_('Bên giao')}: {giver}; {_('bên nhận')}: {taker}", size=9, indent=10 * mm)
        page.text(
            f"{_('Nhận lúc')} {when(step.started_at)}; {_('hoàn thành')} {when(step.completed_at)}; {verdict}",
            size=9,
            indent=10 * mm,
        )
        giver = taker
    if dossier.returned_at:
        page.text(
            f"{_('Trả kết quả cho người nộp')}: {when(dossier.returned_at)} ({dossier.get_return_channel_display()})",
            indent=4 * mm,
        )
    page.signature(dossier, signer=_("NGƯỜI GIAO"), name=person(dossier.received_by))


NOTICES = {
    notice.slug: notice
    for notice in (
        Notice(
            "yeu-cau-bo-sung",
            gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
            lambda d, done: Action.REQUEST_SUPPLEMENT in done,
            _supplement,
        ),
        Notice(
            "tu-choi",
            gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
            lambda d, done: d.status == Status.REJECTED,
            _refusal,
        ),
        Notice(
            "xin-loi",
            gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
            lambda d, done: Action.APOLOGIZE in done,
            _apology,
        ),
        Notice(
            "dung-xu-ly",
            gettext_lazy("Thông báo dừng xử lý hồ sơ"),
            lambda d, done: d.status == Status.STOPPED,
            _stop,
        ),
        Notice(
            "giao-nhan",
            gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
            lambda d, done: d.received_at is not None,
            _handover,
        ),
    )
}


def available_notices(dossier: Dossier, events=None) -> list[Notice]:
    """The notices `dossier` has something to print on; `events` is its history when already read."""
    done = {e.action for e in (history(dossier).only("action") if events is None else events)}
    return [notice for notice in NOTICES.values() if notice.available(dossier, done)]


def render_notice(dossier: Dossier, slug: str) -> bytes:
    notice = NOTICES[slug]
    return render(dossier, title=notice.title, body=lambda page: notice.body(page, dossier))
