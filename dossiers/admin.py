"""Administration of dossiers (Vietnamese): read-only records whose state changes only through the
action buttons, each of which calls the matching service; plus the state-machine diagram."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from onestop.adminkit import LargeTableAdmin, ReadOnlyMixin
from workflows.diagrams import Edge, Group, Node, render_diagram
from workflows.models import ReturnChannel

from . import services
from .forms import ACTION_FORMS, CounterDossierForm, add_service_errors
from .models import (
    OPEN_STATES,
    Action,
    ClockEvent,
    DocumentVersion,
    Dossier,
    DossierEvent,
    DossierStep,
    PauseReason,
    Result,
    Status,
)

# -- the state machine as a picture -----------------------------------------------------------------
# Fixed positions (box centres) so the picture reads like DOMAIN §2: the main line left to right, the
# waiting states under "processing", the end states at the bottom.
STATE_LAYOUT: dict[str, tuple[float, float, str]] = {
    Status.SUBMITTED: (120, 250, "start"),
    Status.RECEIVED: (400, 250, "default"),
    Status.PROCESSING: (750, 250, "active"),
    Status.SUPPLEMENT: (620, 450, "wait"),
    Status.PAUSED: (900, 450, "wait"),
    Status.RESOLVED: (1240, 250, "default"),
    Status.RETURNED: (1480, 250, "start"),
    Status.REJECTED: (120, 650, "bad"),
    Status.WITHDRAWN: (400, 650, "bad"),
    Status.STOPPED: (750, 650, "bad"),
}
NOTES_BELOW = {Status.SUPPLEMENT, Status.PAUSED}

# Transitions whose label in the picture says more than the action's name.
EDGE_LABELS = {
    ("complete_step", "self"): _("Hoàn thành bước → bước sau"),
    ("complete_step", "out"): _("Hoàn thành bước cuối"),
    ("request_supplement", "self"): _("Yêu cầu bổ sung khi tiếp nhận"),
    ("submit_supplement", "self"): _("Nộp bổ sung khi tiếp nhận"),
    ("apologize", "self"): _("Xin lỗi, hẹn lại ngày trả"),
}
GROUP_LABELS = {
    frozenset(OPEN_STATES): _("Hồ sơ đang mở"),
    frozenset({Status.PROCESSING, Status.SUPPLEMENT, Status.PAUSED}): _("Đang giải quyết"),
}


def _action_label(method: str, kind: str) -> str:
    if (method, kind) in EDGE_LABELS:
        return str(EDGE_LABELS[(method, kind)])
    for action, name in services.ACTION_METHODS.items():
        if name == method:
            return str(Action(action).label)
    return method


def state_machine_svg(current: str | None = None):
    """The dossier state machine drawn from the django-fsm-2 transitions of `Dossier.status`."""
    loops: dict[str, list[str]] = {}
    direct: dict[tuple[str, str], list[str]] = {}
    fanned: dict[tuple[str, str], set[str]] = {}
    for tr in Dossier._meta.get_field("status").get_all_transitions(Dossier):
        targets = tr.target.allowed_states if isinstance(tr.target, RETURN_VALUE) else [tr.target]
        for target in targets:
            if target is None or target == tr.source:
                label = _action_label(tr.name, "self")
                loops.setdefault(tr.source, [])
                if label not in loops[tr.source]:
                    loops[tr.source].append(label)
            else:
                fanned.setdefault((tr.name, target), set()).add(tr.source)
    groups, edges = [], []
    for (method, target), sources in sorted(fanned.items()):
        label = _action_label(method, "out")
        if len(sources) >= 3:
            key = f"group-{method}"
            group_label = GROUP_LABELS.get(frozenset(sources)) or ", ".join(Status(s).label for s in sorted(sources))
            groups.append(Group(key, sorted(sources), label=str(group_label), pad=16))
            edges.append(Edge(key, target, [label]))
        else:
            for source in sources:
                direct.setdefault((source, target), []).append(label)
    edges += [Edge(source, target, labels) for (source, target), labels in direct.items()]
    # Two groups with the same members become one frame with two arrows.
    seen: dict[frozenset, Group] = {}
    for group in list(groups):
        same = seen.get(frozenset(group.members))
        if same is not None:
            groups.remove(group)
            for edge in edges:
                if edge.source == group.key:
                    edge.source = same.key
        else:
            seen[frozenset(group.members)] = group

    nodes = []
    spare_x = 100
    for value, label in Status.choices:
        x, y, tone = STATE_LAYOUT.get(value, (spare_x, 800, "default"))
        if value not in STATE_LAYOUT:
            spare_x += 260
        nodes.append(
            Node(
                key=value,
                lines=[str(label)],
                x=x,
                y=y,
                w=180,
                h=52,
                tone="current" if value == current else tone,
                notes=loops.get(value, ()),
                notes_side="below" if value in NOTES_BELOW else "above",
            )
        )
    return render_diagram(nodes, edges, groups, title=_t("Sơ đồ trạng thái hồ sơ"), css_id="dossier-states")


# -- read-only inlines ------------------------------------------------------------------------------
class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("dossiers.view_dossier")


def _short(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else "—"


def _event_details(event) -> str:
    """The parts of an event's data a person wants to read in the history."""
    data = event.data or {}
    parts = []
    if data.get("missing_documents"):
        names = "; ".join(item.get("name", "") for item in data["missing_documents"])
        parts.append(_t("Cần bổ sung: %(v)s") % {"v": names})
    if data.get("reason"):
        parts.append(_t("Lý do: %(v)s") % {"v": dict(PauseReason.choices).get(data["reason"], data["reason"])})
    if data.get("new_appointment_at"):
        moment = dt.datetime.fromisoformat(data["new_appointment_at"])
        parts.append(_t("Hẹn mới: %(v)s") % {"v": _short(moment)})
    if data.get("to_step"):
        parts.append(_t("Về bước: %(v)s") % {"v": data["to_step"]})
    if data.get("next_step"):
        parts.append(_t("Sang bước: %(v)s") % {"v": data["next_step"]})
    if data.get("result"):
        parts.append(_t("Kết quả: %(v)s") % {"v": dict(Result.choices).get(data["result"], data["result"])})
    if data.get("channel"):
        parts.append(_t("Trả qua: %(v)s") % {"v": dict(ReturnChannel.choices).get(data["channel"], data["channel"])})
    documents = data.get("documents") or []
    if documents:
        parts.append(_t("Giấy tờ: %(v)s") % {"v": "; ".join(f"{d['name']} v{d['version']}" for d in documents)})
    return " · ".join(parts) or "—"


class DossierEventInline(ReadOnlyInline):
    model = DossierEvent
    verbose_name_plural = _("Lịch sử xử lý")
    fields = ("seq", "when", "action", "from_status", "to_status", "step_name", "actor_name", "note", "details")
    readonly_fields = fields
    ordering = ("seq",)

    @admin.display(description=_("thời điểm"))
    def when(self, obj):
        return _short(obj.at)

    @admin.display(description=_("chi tiết"))
    def details(self, obj):
        return _event_details(obj)


class DossierStepInline(ReadOnlyInline):
    model = DossierStep
    fk_name = "dossier"
    verbose_name_plural = _("Các bước xử lý")
    fields = ("order", "name", "role", "agency", "status", "assignee", "started", "due", "completed", "verdict")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "assignee")

    @admin.display(description=_("bắt đầu"))
    def started(self, obj):
        return _short(obj.started_at)

    @admin.display(description=_("hạn bước"))
    def due(self, obj):
        return _short(obj.due_at)

    @admin.display(description=_("kết thúc"))
    def completed(self, obj):
        return _short(obj.completed_at)


class DocumentVersionInline(ReadOnlyInline):
    model = DocumentVersion
    verbose_name_plural = _("Giấy tờ (các phiên bản)")
    fields = ("component", "name", "version", "part", "file", "size_kb", "is_result", "paper_copy", "uploaded")
    readonly_fields = fields

    @admin.display(description=_("dung lượng (KB)"))
    def size_kb(self, obj):
        return f"{obj.size / 1024:.0f}" if obj.size else "—"

    @admin.display(description=_("tải lên lúc"))
    def uploaded(self, obj):
        return _short(obj.uploaded_at)


class ClockEventInline(ReadOnlyInline):
    model = ClockEvent
    verbose_name_plural = _("Sổ thời hạn")
    fields = ("kind", "step_name", "when", "budget_hours", "new_due", "reason", "recorded")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step")

    @admin.display(description=_("bước"))
    def step_name(self, obj):
        return str(obj.step) if obj.step_id else _t("Cả hồ sơ")

    @admin.display(description=_("thời điểm tính"))
    def when(self, obj):
        return _short(obj.at)

    @admin.display(description=_("thời hạn (giờ làm việc)"))
    def budget_hours(self, obj):
        if obj.budget_seconds is None:
            return "—"
        return f"{obj.budget_seconds / 3600:g}"

    @admin.display(description=_("ngày hẹn mới"))
    def new_due(self, obj):
        return _short(obj.new_due_at)

    @admin.display(description=_("ghi lúc"))
    def recorded(self, obj):
        return _short(obj.recorded_at)


# -- the dossier ------------------------------------------------------------------------------------
class OverdueFilter(admin.SimpleListFilter):
    title = _("quá hạn")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Đang quá hạn")), ("no", _("Chưa quá hạn"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Dossier.overdue_q())
        if self.value() == "no":
            return queryset.exclude(Dossier.overdue_q())
        return queryset


@admin.register(Dossier)
class DossierAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = (
        "code",
        "procedure_code",
        "status",
        "receiving_agency",
        "competent_agency",
        "due_short",
        "appointment_short",
        "overdue",
        "verdict",
    )
    list_filter = (
        "status",
        OverdueFilter,
        # Every agency, not only those some dossier names (that would be a DISTINCT over every dossier).
        "receiving_agency",
        "competent_agency",
        "channel",
        "procedure__field",
        "verdict",
    )
    # Searched through the normalised column (get_search_results): code, name, phone, ID number, summary.
    search_fields = ("search_text",)
    search_help_text = _("Tìm theo mã hồ sơ, tên chủ hồ sơ (có dấu hoặc không dấu), số điện thoại, số định danh.")
    list_select_related = ("procedure", "receiving_agency", "competent_agency")
    inlines = (DossierStepInline, DossierEventInline, DocumentVersionInline, ClockEventInline)
    fieldsets = (
        (None, {"fields": ("code", "status", "procedure", "process", "current_step", "channel")}),
        (
            _("Chủ hồ sơ"),
            {
                "fields": (
                    "applicant_name",
                    "applicant_kind",
                    "applicant_id_number",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                    "applicant_user",
                    "summary",
                )
            },
        ),
        (
            _("Tiếp nhận và thời hạn"),
            {
                "fields": (
                    "receiving_agency",
                    "competent_agency",
                    "submitted_at",
                    "received_at",
                    "received_by",
                    "due_at",
                    "appointment_at",
                    "clock_running",
                    "overdue",
                    "verdict",
                )
            },
        ),
        (
            _("Kết quả"),
            {
                "fields": (
                    "result",
                    "result_note",
                    "return_channel",
                    "resolved_at",
                    "returned_at",
                    "ended_at",
                    "awaiting_documents",
                    "missing_list",
                    "supplement_requests",
                    "pause_reason",
                    "fee_amount",
                    "version",
                )
            },
        ),
    )
    change_form_template = "admin/dossiers/dossier/change_form.html"
    change_list_template = "admin/dossiers/dossier/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(Dossier.search_q(search_term)), False

    def get_readonly_fields(self, request, obj=None):
        # Every field is read-only: the state changes only through the actions (and their services).
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    @admin.display(description=_("thủ tục"), ordering="procedure__code")
    def procedure_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.procedure.name, obj.procedure.code)

    @admin.display(description=_("hạn giải quyết"), ordering="due_at")
    def due_short(self, obj):
        return _short(obj.due_at)

    @admin.display(description=_("ngày hẹn trả"), ordering="appointment_at")
    def appointment_short(self, obj):
        return _short(obj.appointment_at)

    @admin.display(description=_("giấy tờ cần bổ sung"))
    def missing_list(self, obj):
        return "; ".join(item.get("name", "") for item in obj.missing_documents or []) or "—"

    @admin.display(description=_("quá hạn"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm("dossiers.add_dossier")

    # -- extra pages --------------------------------------------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "state-diagram/",
                self.admin_site.admin_view(self.state_diagram_view),
                name="{}_{}_state_diagram".format(*info),
            ),
            path(
                "<path:object_id>/action/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name="{}_{}_action".format(*info),
            ),
            *super().get_urls(),
        ]

    def state_diagram_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        current = request.GET.get("status") or None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _t("Sơ đồ trạng thái hồ sơ"),
            "diagram": state_machine_svg(current if current in Status.values else None),
            "states": Status.choices,
            "actions": Action.choices,
        }
        return TemplateResponse(request, "admin/dossiers/dossier/state_diagram.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dossier = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if dossier is not None:
            extra["dossier_actions"] = [
                (action, Action(action).label, reverse("admin:dossiers_dossier_action", args=[dossier.pk, action]))
                for action in services.allowed_actions(dossier, request.user)
            ]
            extra["state_diagram_url"] = reverse("admin:dossiers_dossier_state_diagram") + f"?status={dossier.status}"
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def action_view(self, request, object_id, action):
        """One action's form; on submit the matching service is called. A refusal shows its message and
        changes nothing; success goes back to the dossier."""
        if action not in services.ACTION_SERVICES or action not in ACTION_FORMS:
            raise Http404(_t("Không có thao tác “%(a)s”.") % {"a": action})
        dossier = get_object_or_404(Dossier.objects.select_related("procedure", "current_step"), pk=object_id)
        if not self.has_view_permission(request, dossier):
            raise PermissionDenied
        form_class = ACTION_FORMS[action]
        label = Action(action).label
        change_url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
        status = 200
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, dossier=dossier)
            if form.is_valid():
                try:
                    services.ACTION_SERVICES[action](dossier=dossier, actor=request.user, **form.service_kwargs())
                except services.DossierError as error:
                    messages.error(request, error.message)
                    add_service_errors(form, error)
                    status = error.status
                    dossier.refresh_from_db()
                else:
                    messages.success(
                        request, _t("Đã thực hiện “%(a)s” đối với hồ sơ %(c)s.") % {"a": label, "c": dossier.code}
                    )
                    return redirect(change_url)
            else:
                status = 400
        else:
            form = form_class(dossier=dossier)
            if action not in services.allowed_actions(dossier, request.user):
                messages.warning(
                    request,
                    _t("Thao tác “%(a)s” hiện không khả dụng với hồ sơ ở trạng thái “%(s)s”.")
                    % {"a": label, "s": dossier.get_status_display()},
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": dossier,
            "dossier": dossier,
            "title": _t("%(a)s — hồ sơ %(c)s") % {"a": label, "c": dossier.code},
            "action_label": label,
            "form": form,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/dossiers/dossier/action_form.html", context, status=status)

    def add_view(self, request, form_url="", extra_context=None):
        """Receive a dossier directly at the counter (→ received, with code and appointment date)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = CounterDossierForm(request.POST)
            if form.is_valid():
                try:
                    dossier = services.create_dossier(actor=request.user, **form.service_kwargs())
                except services.DossierError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(
                        request,
                        _t("Đã tiếp nhận hồ sơ %(c)s, hẹn trả %(d)s.")
                        % {
                            "c": dossier.code,
                            "d": f"{timezone.localtime(dossier.appointment_at):%d/%m/%Y %H:%M}"
                            if dossier.appointment_at
                            else "—",
                        },
                    )
                    return redirect(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
        else:
            form = CounterDossierForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _t("Tiếp nhận hồ sơ trực tiếp"),
            "form": form,
            "change_url": reverse("admin:dossiers_dossier_changelist"),
            "action_label": _t("Tiếp nhận"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/dossiers/dossier/action_form.html", context)


# -- history records: visible, never added, changed or deleted --------------------------------------
class HistoryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(DossierEvent)
class DossierEventAdmin(HistoryAdmin):
    list_display = ("dossier", "seq", "at", "action", "from_status", "to_status", "step_name", "actor_name")
    list_filter = ("action", "to_status")
    search_fields = ("dossier__code", "actor_name", "note")
    list_select_related = ("dossier",)
    date_hierarchy = "at"


@admin.register(ClockEvent)
class ClockEventAdmin(HistoryAdmin):
    list_display = ("dossier", "step_label", "kind", "at", "reason", "recorded_at")
    list_filter = ("kind",)

    @admin.display(description=_("bước"))
    def step_label(self, obj):
        return str(obj.step) if obj.step_id else _t("Cả hồ sơ")

    search_fields = ("dossier__code",)
    list_select_related = ("dossier", "step")


@admin.register(DocumentVersion)
class DocumentVersionAdmin(HistoryAdmin):
    list_display = ("dossier", "component", "name", "version", "part", "is_result", "paper_copy")
    list_filter = ("is_result", "paper_copy")
    search_fields = ("dossier__code", "name", "component")
    list_select_related = ("dossier",)
