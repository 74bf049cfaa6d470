"""The officers' screens (/can-bo/): the worklist with its tabs, one dossier with everything an officer
needs and the actions he may take, and the counter receipt. Views are thin: they read through
`selectors`, change through `services.ACTION_SERVICES` and `services.create_dossier`, and show a
`DossierError` as its Vietnamese message with nothing changed."""

from __future__ import annotations

import datetime as dt
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop import paging
from workflows.clock import Verdict
from workflows.models import Agency, StaffRole

from . import exports, notices, selectors, services
from . import permissions as perms
from .extensions import officer_cards
from .forms import add_service_errors
from .models import (
    Action,
    DocumentVersion,
    HandlerRole,
    Result,
    Status,
    StepStatus,
)
from .officer_forms import OfficerCounterForm, action_form, procedure_choices

PAGE_SIZE = 50


# -- access -----------------------------------------------------------------------------------------
def officer_required(view):
    """Signed-in staff only: others go to the login page; applicants get a polite 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())  # settings.LOGIN_URL
        if not perms.is_officer(request.user):
            return forbidden(
                request,
                _(
                    "Tài khoản %(user)s không phải tài khoản cán bộ của cơ quan nào nên không dùng được khu vực này. "
                    "Người dân, doanh nghiệp có thể theo dõi hồ sơ tại trang Tra cứu hồ sơ."
                )
                % {"user": request.user.get_username()},
            )
        return view(request, *args, **kwargs)

    return wrapped


def forbidden(request, message: str):
    return render(
        request,
        "dossiers/officer/forbidden.html",
        {"message": message, "hide_nav": not perms.is_officer(request.user)},
        status=403,
    )


# -- worklist ---------------------------------------------------------------------------------------
TABS = (
    ("cho-tiep-nhan", gettext_lazy("Chờ tiếp nhận")),
    ("cua-toi", gettext_lazy("Đang xử lý của tôi")),
    ("sap-den-han", gettext_lazy("Sắp đến hạn")),
    ("qua-han", gettext_lazy("Quá hạn")),
    ("cho-bo-sung", gettext_lazy("Chờ bổ sung")),
    ("tam-dung", gettext_lazy("Tạm dừng")),
    ("cho-tra", gettext_lazy("Chờ trả kết quả")),
    ("tat-ca", gettext_lazy("Tất cả")),
)


def _default_tab(user) -> str:
    return "cho-tiep-nhan" if perms.agencies_of(user, StaffRole.COUNTER) else "cua-toi"


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


HOUR = 3600


def working_span(seconds: float, day_seconds: float) -> str:
    """A duration in working time as officers say it: "2 ngày 3 giờ", "5 giờ", "40 phút"."""
    seconds = abs(seconds)
    days, rest = divmod(int(seconds), int(day_seconds))
    hours, rest = divmod(rest, HOUR)
    if days:
        return _("%(d)s ngày %(h)s giờ") % {"d": days, "h": hours} if hours else _("%(d)s ngày") % {"d": days}
    if hours:
        return _("%(h)s giờ") % {"h": hours}
    return _("%(m)s phút") % {"m": max(rest // 60, 1)}


def time_left(dossier, now: dt.datetime) -> tuple[str, str]:
    """(text, css class) of the time left before the due date, or how late it is."""
    day = services.dossier_calendar(dossier).day_seconds()
    if dossier.clock_runs() and dossier.due_at:
        left = services.remaining_working_seconds(dossier, now)
        if dossier.overdue_at(now):
            return _("Quá hạn %(t)s") % {"t": working_span(left, day)}, "late"
        return _("Còn %(t)s") % {"t": working_span(left, day)}, "soon" if left <= day else "ok"
    if dossier.status in (Status.SUPPLEMENT, Status.PAUSED):
        remaining = dossier.remaining_seconds or 0
        if remaining < 0:
            return _("Dừng tính giờ, đã quá %(t)s") % {"t": working_span(remaining, day)}, "late"
        return _("Dừng tính giờ, còn %(t)s") % {"t": working_span(remaining, day)}, "stopped"
    if dossier.verdict:
        return Verdict(dossier.verdict).label, "late" if dossier.verdict == Verdict.LATE else "ok"
    return "—", "muted"


def _count_shown(count: int) -> str:
    """A tab's count as shown: the number, or "more than the cap" past it."""
    if count > paging.CAP:
        return _("hơn %(cap)s") % {"cap": number_format(paging.CAP, force_grouping=True)}
    return number_format(count, force_grouping=True)


def _worklist_filters(request, tabs) -> dict:
    """The tab, search text, procedure and agency the worklist's address asks for (the screen and its
    exports read the same ones)."""
    tab = request.GET.get("tab") or _default_tab(request.user)
    return {
        "tab": tab if tab in tabs else "tat-ca",
        "q": request.GET.get("q", "").strip()[:100],
        "procedure_id": _int_or_none(request.GET.get("thu_tuc")),
        "agency_id": _int_or_none(request.GET.get("co_quan")),
    }


def _worklist_base(user, filters, now):
    return selectors.worklist(
        user, q=filters["q"], procedure=filters["procedure_id"], agency=filters["agency_id"], now=now
    )


@officer_required
def worklist(request):
    """Sổ theo dõi hồ sơ: tabs with counts, search, filters by procedure and agency, 50 a page."""
    user, now = request.user, timezone.now()
    tabs = selectors.worklist_tabs(user, now)
    filters = _worklist_filters(request, tabs)
    tab, q, procedure_id, agency_id = filters["tab"], filters["q"], filters["procedure_id"], filters["agency_id"]
    base = _worklist_base(user, filters, now)
    counts = selectors.tab_counts(base, tabs, cap=paging.CAP, narrow=bool(q))
    paginator = paging.CappedPaginator(base.filter(tabs[tab]), PAGE_SIZE)
    paginator.count = counts[tab]  # known from the counts: no second COUNT query
    page = paginator.get_page(request.GET.get("trang"))
    rows = [(d, *time_left(d, now)) for d in page.object_list]

    agencies = Agency.objects.filter(is_active=True).order_by("name")
    if not perms.sees_everything(user):
        agencies = agencies.filter(pk__in=perms.agencies_of(user))
    keep = {k: v for k, v in {"q": q, "thu_tuc": procedure_id, "co_quan": agency_id}.items() if v}
    context = {
        "tabs": [
            (key, label, counts[key], f"?{urlencode({**keep, 'tab': key})}", _count_shown(counts[key]))
            for key, label in TABS
        ],
        "total": _count_shown(counts[tab]),
        "tab": tab,
        "tab_label": dict(TABS)[tab],
        "q": q,
        "procedure_id": procedure_id,
        "agency_id": agency_id,
        "procedures": procedure_choices(),
        "agencies": agencies,
        "page": page,
        "rows": rows,
        "page_query": urlencode({**keep, "tab": tab}),
        "export_query": urlencode({**keep, "tab": tab}),
        "is_counter": perms.is_counter_staff(user),
        "section": "worklist",
    }
    return render(request, "dossiers/officer/worklist.html", context)


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@officer_required
def worklist_export(request, kind):
    """The worklist's current tab with its filters, every page of it, as CSV or Excel."""
    if kind not in EXPORT_TYPES:
        raise Http404(_("Không hỗ trợ xuất tệp dạng “%(k)s”; chọn CSV hoặc Excel.") % {"k": kind})
    user, now = request.user, timezone.now()
    tabs = selectors.worklist_tabs(user, now)
    filters = _worklist_filters(request, tabs)
    dossiers = _worklist_base(user, filters, now).filter(tabs[filters["tab"]])
    title = str(dict(TABS)[filters["tab"]])
    filename = f"so-theo-doi-{filters['tab']}-{timezone.localdate(now):%Y%m%d}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(exports.csv_lines(dossiers), content_type=EXPORT_TYPES[kind])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    workbook = exports.xlsx_file(dossiers, title=title)
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=EXPORT_TYPES[kind])


# -- one dossier ------------------------------------------------------------------------------------
def dossier_or_404(user, code: str):
    dossier = selectors.dossier_for(user, code)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ %(code)s hoặc bạn không có quyền xem.") % {"code": code})
    return dossier


def progress(dossier) -> list[dict]:
    """The process steps as a progress line: done / current / to do, each with handler and due date."""
    if dossier.process is None:
        return []
    passes: dict[int, list] = {}
    for step in dossier.steps.all():
        passes.setdefault(step.process_step_id, []).append(step)
    current = dossier.current_step
    finished = dossier.status in (Status.RESOLVED, Status.RETURNED)
    line = []
    for pstep in dossier.process.ordered_steps():
        last = passes.get(pstep.pk, [None])[-1]
        if current is not None and current.process_step_id == pstep.pk:
            state, label = "current", _("Đang thực hiện")
        elif finished or (last is not None and last.status == StepStatus.DONE):
            state, label = "done", _("Đã xong")
        elif last is not None and last.status == StepStatus.CLOSED:
            state, label = "closed", _("Đã đóng")
        else:
            state, label = "todo", _("Chưa đến")
        handler = ""
        if last is not None:
            names = [
                a.user.get_full_name() or a.user.username for a in last.assignments.all() if a.role != HandlerRole.MAIN
            ]
            main = last.assignee.get_full_name() or last.assignee.username if last.assignee else ""
            handler = ", ".join([n for n in [main, *names] if n])
        line.append(
            {
                "order": pstep.order,
                "name": pstep.name,
                "role": pstep.get_role_display(),
                "hours": pstep.time_limit_hours,
                "state": state,
                "state_label": label,
                "pass": last,
                "passes": len(passes.get(pstep.pk, [])),
                "handler": handler,
                "verdict": Verdict(last.verdict).label if last is not None and last.verdict else "",
            }
        )
    return line


# What a history row's note is, by its action: the reason given, the result's content, or an officer's own remark
# (a hand-over or receipt note, which is never the result).
_NOTE_LABELS = {
    Action.REFUSE: gettext_lazy("Lý do từ chối tiếp nhận"),
    Action.SEND_BACK: gettext_lazy("Lý do trả lại"),
    Action.APOLOGIZE: gettext_lazy("Lý do xin lỗi, hẹn lại"),
    Action.STOP: gettext_lazy("Căn cứ, lý do dừng xử lý"),
    Action.WITHDRAW: gettext_lazy("Lý do rút hồ sơ"),
    Action.RESOLVE: gettext_lazy("Nội dung kết quả"),
}


def note_label(event) -> str:
    """The words before a history row's note."""
    if event.action == Action.COMPLETE_STEP and event.to_status == Status.RESOLVED:
        return _("Nội dung kết quả")
    return str(_NOTE_LABELS.get(event.action, gettext_lazy("Ghi chú")))


def outcome_label(dossier) -> str:
    """The words before the dossier's outcome text: a refusal's or a stop's reason, or the result's content."""
    if dossier.status == Status.REJECTED:
        return _("Lý do từ chối tiếp nhận:")
    if dossier.status == Status.STOPPED:
        return _("Căn cứ, lý do dừng xử lý:")
    if dossier.result == Result.REFUSED:
        return _("Lý do từ chối giải quyết:")
    return _("Nội dung kết quả:")


def _action_panels(request, dossier, failed=None) -> list[dict]:
    """One panel per action the user may take; a failed one keeps its form as typed and its message."""
    allowed = services.allowed_actions(dossier, request.user)
    failed_action = failed["action"] if failed else None
    if failed_action and failed_action not in allowed:
        allowed = [failed_action, *allowed]
    panels = []
    for action in allowed:
        is_failed = action == failed_action
        panels.append(
            {
                "action": action,
                "label": Action(action).label,
                "form": failed["form"] if is_failed else action_form(action, dossier),
                "error": failed["error"] if is_failed else "",
                "open": is_failed,
                "url": reverse("officer:action", args=[dossier.code, action]),
                "danger": action in (Action.REFUSE, Action.STOP, Action.WITHDRAW, Action.SEND_BACK),
            }
        )
    return panels


def render_dossier(request, dossier, *, failed=None, status=200, extra=None):
    """The dossier screen; `failed` is an action refused, `extra` what another app's refused form gives its
    card (`extensions.officer_cards`)."""
    now = timezone.now()
    left, left_class = time_left(dossier, now)
    events = list(selectors.history(dossier).select_related("step"))
    for event in events:
        event.note_label = note_label(event)
    context = {
        "dossier": dossier,
        "time_left": left,
        "time_left_class": left_class,
        "outcome_label": outcome_label(dossier),
        "steps": progress(dossier),
        "documents": selectors.latest_documents(dossier),
        "cards": officer_cards(request, dossier, extra),
        "events": events,
        "notices": [
            {"title": n.title, "url": reverse("officer:notice", args=[dossier.code, n.slug])}
            for n in notices.available_notices(dossier, events)
        ],
        "panels": _action_panels(request, dossier, failed),
        "blocked": [
            {"label": Action(action).label, "reason": reason}
            for action, reason in services.blocked_actions(dossier, request.user)
        ],
        "just_received": request.GET.get("tiep_nhan") == "1",
        "receipt_url": reverse("api-dossier-receipt", args=[dossier.code]) if dossier.received_at else "",
        "tracking_url": reverse("tracking") + "?" + urlencode({"ma": dossier.code}),
        "overdue": dossier.is_overdue,
        "section": "worklist",
    }
    return render(request, "dossiers/officer/dossier.html", context, status=status)


@officer_required
def dossier_detail(request, code):
    return render_dossier(request, dossier_or_404(request.user, code))


@officer_required
@require_POST
def dossier_action(request, code, action):
    """Run one action through its service; a refusal re-renders the screen with the form as typed."""
    if action not in services.ACTION_SERVICES:
        raise Http404(_("Không có thao tác “%(a)s”.") % {"a": action})
    dossier = dossier_or_404(request.user, code)
    form = action_form(action, dossier, request.POST, request.FILES)
    label = Action(action).label
    if form.is_valid():
        try:
            services.ACTION_SERVICES[action](dossier=dossier, actor=request.user, **form.service_kwargs())
        except services.DossierError as error:
            add_service_errors(form, error)
            failed, status = {"action": action, "form": form, "error": error.message}, error.status
        else:
            messages.success(request, _("Đã thực hiện “%(a)s” đối với hồ sơ %(c)s.") % {"a": label, "c": code})
            return redirect("officer:dossier", code=code)
    else:
        failed = {"action": action, "form": form, "error": _("Vui lòng kiểm tra lại các ô được đánh dấu bên dưới.")}
        status = 400
    return render_dossier(request, dossier_or_404(request.user, code), failed=failed, status=status)


INLINE_DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


@officer_required
def notice_pdf(request, code, slug):
    """One printed notice of the dossier (supplement request, refusal, apology, stop notice, hand-over slip)."""
    dossier = dossier_or_404(request.user, code)
    notice = notices.NOTICES.get(slug)
    if notice is None or notice not in notices.available_notices(dossier):
        raise Http404(_("Hồ sơ %(code)s chưa có phiếu này để in.") % {"code": code})
    response = HttpResponse(notices.render_notice(dossier, slug), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-{dossier.code}.pdf"'
    return response


@officer_required
def document_file(request, code, pk):
    """A document version's file, for officers who see the dossier."""
    dossier = dossier_or_404(request.user, code)
    version = get_object_or_404(DocumentVersion, pk=pk, dossier=dossier)
    if not version.file:
        raise Http404(_("Giấy tờ này chỉ có bản giấy, không có tệp điện tử."))
    filename = version.file.name.rsplit("/", 1)[-1]
    # Only the types a browser shows without running anything are shown in the page; anything else (an XML or
    # an office file, which could carry a script) is downloaded, never rendered on this origin.
    inline = version.content_type in INLINE_DOCUMENT_TYPES
    return FileResponse(
        version.file.open("rb"),
        filename=filename,
        as_attachment=not inline,
        content_type=version.content_type if inline else "application/octet-stream",
    )


# -- counter receipt --------------------------------------------------------------------------------
@officer_required
def counter_receipt(request):
    """Tiếp nhận hồ sơ trực tiếp: pick the procedure, then the applicant, summary and documents checklist."""
    if not perms.is_counter_staff(request.user):
        return forbidden(request, _("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp."))
    procedures = procedure_choices()
    chosen = _int_or_none(request.POST.get("procedure") or request.GET.get("thu_tuc"))
    procedure = procedures.filter(pk=chosen).prefetch_related("documents").first() if chosen else None
    if procedure is None:
        context = {"procedures": procedures, "procedure": None, "section": "counter"}
        return render(request, "dossiers/officer/counter.html", context)
    status, error = 200, ""
    if request.method == "POST":
        form = OfficerCounterForm(request.POST, request.FILES, procedure=procedure, user=request.user)
        if form.is_valid():
            try:
                dossier = services.create_dossier(actor=request.user, **form.service_kwargs())
            except services.DossierError as problem:
                add_service_errors(form, problem)
                error, status = problem.message, problem.status
            else:
                if dossier.awaiting_documents:
                    messages.success(
                        request,
                        _(
                            "Đã lập yêu cầu bổ sung cho hồ sơ %(c)s. In phiếu yêu cầu bổ sung để hướng dẫn người nộp; "
                            "khi người nộp mang đủ giấy tờ, ghi nhận “Nộp bổ sung” rồi “Tiếp nhận” trên trang này."
                        )
                        % {"c": dossier.code},
                    )
                    return redirect("officer:dossier", code=dossier.code)
                when = timezone.localtime(dossier.appointment_at) if dossier.appointment_at else None
                messages.success(
                    request,
                    _("Đã tiếp nhận hồ sơ %(c)s, hẹn trả kết quả %(d)s.")
                    % {"c": dossier.code, "d": f"{when:%H:%M ngày %d/%m/%Y}" if when else "—"},
                )
                return redirect(reverse("officer:dossier", args=[dossier.code]) + "?tiep_nhan=1")
        else:
            error, status = _("Vui lòng kiểm tra lại các ô được đánh dấu bên dưới."), 400
    else:
        form = OfficerCounterForm(procedure=procedure, user=request.user)
    context = {"procedures": procedures, "procedure": procedure, "form": form, "error": error, "section": "counter"}
    return render(request, "dossiers/officer/counter.html", context, status=status)
