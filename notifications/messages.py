"""The words of each notification, in Vietnamese (the applicant's language), with the tracking link that
shows the owner's view."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dossiers.extensions import section
from dossiers.models import Action, Dossier, DossierEvent, PauseReason, Status
from dossiers.tracking import tracking_url
from onestop.formats import vnd

from .models import Kind


def kind_of(event: DossierEvent, dossier: Dossier) -> str | None:
    """Which notification an event of the history calls for, if any."""
    action = event.action
    if action == Action.RECEIVE:
        return Kind.RECEIPT
    if action == Action.REQUEST_SUPPLEMENT:
        return Kind.SUPPLEMENT
    if action == Action.SUBMIT and dossier.fee_amount > 0:
        return Kind.FEE_DUE
    if action == Action.PAUSE and event.to_status == Status.PAUSED and dossier.pause_reason == PauseReason.FINANCIAL:
        return Kind.FEE_DUE  # a fee due later: a financial obligation set during processing
    if action == Action.APOLOGIZE:
        return Kind.APOLOGY
    if action == Action.REFUSE:
        return Kind.REFUSAL
    if action == Action.RESOLVE or (action == Action.COMPLETE_STEP and event.to_status == Status.RESOLVED):
        return Kind.RESULT
    return None


def _outstanding(dossier: Dossier) -> int:
    """What the dossier still owes, as its fee section says (the dossier's own fee without one)."""
    fees = section("payment", dossier, public=False) or {}
    return int(fees.get("outstanding", dossier.fee_amount) or 0)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def compose(kind: str, dossier: Dossier, event: DossierEvent) -> tuple[str, str]:
    """(subject, body) of a notification."""
    with override("vi"):
        code, link = dossier.code, tracking_url(dossier)
        if kind == Kind.RECEIPT:
            subject = _("Hồ sơ %(code)s đã được tiếp nhận") % {"code": code}
            text = _("Hồ sơ %(code)s (%(procedure)s) đã được tiếp nhận; ngày hẹn trả kết quả: %(date)s.") % {
                "code": code,
                "procedure": dossier.procedure.name,
                "date": _when(dossier.appointment_at),
            }
        elif kind == Kind.SUPPLEMENT:
            names = "; ".join(
                item.get("name", "") + (f" ({item['reason']})" if item.get("reason") else "")
                for item in dossier.missing_documents
            )
            subject = _("Hồ sơ %(code)s cần bổ sung giấy tờ") % {"code": code}
            text = _("Hồ sơ %(code)s cần bổ sung: %(names)s.") % {"code": code, "names": names}
        elif kind == Kind.FEE_DUE and event.action == Action.PAUSE:
            subject = _("Hồ sơ %(code)s: nghĩa vụ tài chính cần thực hiện") % {"code": code}
            text = _(
                "Hồ sơ %(code)s: %(what)s. Số tiền còn phải nộp: %(amount)s đồng. Hồ sơ tạm dừng đến khi bạn nộp "
                "đủ; bạn có thể nộp trực tuyến tại mục “Hồ sơ của tôi”."
            ) % {
                "code": code,
                "what": event.note.strip().rstrip(".") or _("cần thực hiện nghĩa vụ tài chính"),
                "amount": vnd(_outstanding(dossier)),
            }
        elif kind == Kind.FEE_DUE:
            subject = _("Phí, lệ phí của hồ sơ %(code)s") % {"code": code}
            text = _("Hồ sơ %(code)s có phí, lệ phí %(amount)s đồng cần nộp; bạn có thể nộp trực tuyến.") % {
                "code": code,
                "amount": vnd(dossier.fee_amount),
            }
        elif kind == Kind.APOLOGY:
            subject = _("Hồ sơ %(code)s: xin lỗi và hẹn lại ngày trả") % {"code": code}
            text = _("Chúng tôi xin lỗi vì hồ sơ %(code)s chưa có kết quả đúng hẹn; ngày hẹn mới: %(date)s.") % {
                "code": code,
                "date": _when(dossier.appointment_at),
            }
        elif kind == Kind.REFUSAL:
            subject = _("Hồ sơ %(code)s không được tiếp nhận") % {"code": code}
            text = _("Hồ sơ %(code)s không được tiếp nhận. Lý do: %(reason)s") % {"code": code, "reason": event.note}
        else:
            subject = _("Hồ sơ %(code)s đã có kết quả") % {"code": code}
            text = _("Hồ sơ %(code)s đã có kết quả; mời bạn nhận theo hình thức đã chọn (%(channel)s).") % {
                "code": code,
                "channel": dossier.get_return_channel_display(),
            }
        return subject, f"{text} {_('Tra cứu')}: {link}"
