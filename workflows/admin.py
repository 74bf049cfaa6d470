"""Administration of the catalogue (Vietnamese): agencies, fields, procedures, versioned internal
processes with their diagram, staff roles per agency, and the working calendar."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from onestop.adminkit import ReadOnlyMixin, money

from .calendar import load_national_year
from .diagrams import process_chain_svg
from .models import (
    Agency,
    CalendarDay,
    CalendarYear,
    Field,
    Membership,
    Procedure,
    ProcedureDocument,
    ProcessFrozen,
    ProcessStep,
    ProcessVersion,
    ReturnChannel,
    format_hours,
)

admin.site.site_header = _("Quản trị hệ thống Một cửa")
admin.site.site_title = _("Một cửa")
admin.site.index_title = _("Danh mục, quy trình và hồ sơ")


# -- agencies and fields ----------------------------------------------------------------------------
@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "tier", "parent", "is_active")
    list_filter = ("tier", ("parent", admin.RelatedOnlyFieldListFilter), "is_active")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "tier", "parent", "is_active")}),
        (_("Giờ làm việc"), {"fields": (("morning_start", "morning_end"), ("afternoon_start", "afternoon_end"))}),
    )


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "procedure_count")
    search_fields = ("code", "name")

    @admin.display(description=_("số thủ tục"))
    def procedure_count(self, obj):
        return obj.procedures.count()


# -- procedures -------------------------------------------------------------------------------------
class ProcedureDocumentInline(admin.TabularInline):
    model = ProcedureDocument
    extra = 0
    fields = ("order", "code", "name", "required", "copies")


class ProcedureForm(forms.ModelForm):
    return_channels = forms.MultipleChoiceField(
        label=_("hình thức trả kết quả"),
        choices=ReturnChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Procedure
        fields = (
            "code",
            "name",
            "field",
            "agency_level",
            "competent_agency",
            "is_active",
            "time_limit",
            "time_unit",
            "supplement_policy",
            "online_level",
            "fee_amount",
            "fee_note",
            "return_channels",
        )


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureForm
    list_display = (
        "code",
        "name",
        "field",
        "agency_level",
        "online_level",
        "time_limit_display",
        "fee_vnd",
        "competent_agency",
        "is_active",
        "processes_link",
    )
    list_filter = ("field", "online_level", "agency_level", "is_active")
    fee_vnd = money("fee_amount", _("phí, lệ phí"))
    search_fields = ("code", "name")
    autocomplete_fields = ("competent_agency",)
    list_select_related = ("field", "competent_agency")
    inlines = (ProcedureDocumentInline,)
    readonly_fields = ("processes_link",)
    fieldsets = (
        (None, {"fields": ("code", "name", "field", "agency_level", "competent_agency", "is_active")}),
        (
            _("Thời hạn, phí và trực tuyến"),
            {
                "fields": (
                    ("time_limit", "time_unit"),
                    "supplement_policy",
                    "online_level",
                    ("fee_amount", "fee_note"),
                    "return_channels",
                )
            },
        ),
        (_("Quy trình nội bộ"), {"fields": ("processes_link",)}),
    )

    @admin.display(description=_("thời hạn"), ordering="time_limit")
    def time_limit_display(self, obj):
        return f"{format_hours(obj.time_limit)} {obj.get_time_unit_display()}"

    @admin.display(description=_("quy trình"))
    def processes_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:workflows_processversion_changelist") + "?" + urlencode({"procedure__id__exact": obj.pk})
        count = obj.process_versions.count()
        return format_html('<a href="{}">{}</a>', url, _t("Xem %(n)s phiên bản quy trình") % {"n": count})


# -- processes --------------------------------------------------------------------------------------
class ProcessStepForm(forms.ModelForm):
    """A step's position is where it should go (1 = first); left empty, it goes last. The version renumbers its
    steps when saved (`ProcessVersion.arrange_steps`), so two steps may be typed at the same position."""

    order = forms.IntegerField(
        label=_("thứ tự"),
        min_value=1,
        required=False,
        help_text=_("Vị trí của bước; các bước khác tự lùi hoặc tiến theo. Để trống: thêm vào cuối."),
    )

    class Meta:
        model = ProcessStep
        fields = ("order", "name", "kind", "role", "unit", "agency", "time_limit_hours")

    def validate_unique(self):
        """The only unique rule of a step is its position in the version, which saving settles."""


class ProcessStepFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        """Positions typed twice are settled on saving (`ProcessVersion.arrange_steps`)."""


class ProcessStepInline(admin.TabularInline):
    """Steps are edited only while the version is a draft; a published one shows them read-only."""

    model = ProcessStep
    form = ProcessStepForm
    formset = ProcessStepFormSet
    extra = 0
    fields = ("order", "name", "kind", "role", "unit", "agency", "time_limit_hours")
    autocomplete_fields = ("agency",)

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("workflows.view_processversion") or super().has_view_permission(request, obj)


class ProcessVersionForm(forms.ModelForm):
    class Meta:
        model = ProcessVersion
        fields = ("procedure", "agency", "note")

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.is_frozen:
            raise ValidationError(_("Quy trình đã ban hành không được sửa; hãy tạo phiên bản mới."), code="frozen")
        return data


@admin.register(ProcessVersion)
class ProcessVersionAdmin(admin.ModelAdmin):
    form = ProcessVersionForm
    list_display = ("procedure", "agency", "number", "status", "hours_vs_limit", "published_at", "note")
    list_filter = ("status", "procedure__field", ("agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("procedure__code", "procedure__name", "note")
    list_select_related = ("procedure", "agency")
    autocomplete_fields = ("procedure", "agency")
    inlines = (ProcessStepInline,)
    actions = ("publish_versions", "make_new_drafts")
    change_form_template = "admin/workflows/processversion/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("procedure", "agency", "note")
        return ("procedure", "agency", "number", "status", "note", "hours_vs_limit", "published_at", "publisher")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        base = ["number", "status", "hours_vs_limit", "published_at", "publisher"]
        if obj.is_frozen:
            return ["procedure", "agency", "note", *base]
        return ["procedure", *base]

    @admin.display(description=_("tổng thời hạn các bước / thời hạn thủ tục"))
    def hours_vs_limit(self, obj):
        total = obj.total_hours()
        limit = obj.limit_hours()
        ok = total == limit
        return format_html(
            '<span style="color:{};font-weight:600">{}</span>',
            "#2e7d32" if ok else "#c53030",
            _t("%(total)s / %(limit)s giờ làm việc%(flag)s")
            % {"total": format_hours(total), "limit": format_hours(limit), "flag": "" if ok else _t(" (chưa khớp)")},
        )

    @admin.display(description=_("người ban hành"))
    def publisher(self, obj):
        user = obj.published_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    def has_delete_permission(self, request, obj=None):
        # Published and retired versions are kept: dossiers point at the version they started with.
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProcessStep:
            return super().save_formset(request, form, formset, change)
        placed = formset.save(commit=False)
        for step in formset.deleted_objects:
            step.delete()
        form.instance.arrange_steps(placed)
        formset.save_m2m()
        return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.is_frozen:
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- saving a frozen version is refused with a message, never a server error ---------------------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ProcessFrozen as error:
            messages.error(request, str(error))
            return redirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if version is not None:
            extra["process_diagram"] = process_chain_svg(version)
            extra["publish_problems"] = version.validate_for_publishing() if not version.is_frozen else []
            extra["publish_url"] = reverse("admin:workflows_processversion_publish", args=[version.pk])
            extra["new_draft_url"] = reverse("admin:workflows_processversion_new_draft", args=[version.pk])
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name="workflows_processversion_publish",
            ),
            path(
                "<path:object_id>/new-draft/",
                self.admin_site.admin_view(require_POST(self.new_draft_view)),
                name="workflows_processversion_new_draft",
            ),
            *super().get_urls(),
        ]

    def _publish(self, request, version: ProcessVersion) -> bool:
        try:
            version.publish(by=request.user)  # refuses a non-draft or a draft that does not add up
        except ValidationError as error:
            messages.error(
                request, _t("Không thể ban hành %(v)s: %(p)s") % {"v": version, "p": " ".join(error.messages)}
            )
            return False
        messages.success(request, _t("Đã ban hành %(v)s.") % {"v": version})
        return True

    @admin.action(description=_("Ban hành"), permissions=["change"])
    def publish_versions(self, request, queryset):
        for version in queryset.select_related("procedure", "agency"):
            self._publish(request, version)

    @admin.action(description=_("Tạo phiên bản mới"), permissions=["add"])
    def make_new_drafts(self, request, queryset):
        drafts = []
        for version in queryset.select_related("procedure", "agency"):
            draft = version.new_draft()
            drafts.append(draft)
            messages.success(request, _t("Đã tạo bản nháp %(d)s từ %(v)s.") % {"d": draft, "v": version})
        if len(drafts) == 1:
            return redirect(reverse("admin:workflows_processversion_change", args=[drafts[0].pk]))
        return None

    def publish_view(self, request, object_id):
        version = get_object_or_404(ProcessVersion, pk=object_id)
        if not self.has_change_permission(request, version):
            raise PermissionDenied
        self._publish(request, version)
        return redirect(reverse("admin:workflows_processversion_change", args=[version.pk]))

    def new_draft_view(self, request, object_id):
        version = get_object_or_404(ProcessVersion, pk=object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        draft = version.new_draft()
        messages.success(request, _t("Đã tạo bản nháp %(d)s từ %(v)s.") % {"d": draft, "v": version})
        return redirect(reverse("admin:workflows_processversion_change", args=[draft.pk]))


# -- people -----------------------------------------------------------------------------------------
class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("agency", "role", "unit")
    autocomplete_fields = ("agency",)
    verbose_name_plural = _("Vai trò theo cơ quan, đơn vị")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "user_full_name", "agency", "role", "unit")
    list_filter = ("role", ("agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name", "agency__name", "agency__code", "unit")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")

    @admin.display(description=_("họ tên"))
    def user_full_name(self, obj):
        return obj.user.get_full_name()


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Django's user admin with the user's roles per agency and unit."""

    inlines = (*BaseUserAdmin.inlines, MembershipInline)


# -- the working calendar ---------------------------------------------------------------------------
class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


class LoadYearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("day", "weekday", "kind", "part", "name", "agency", "source")
    list_display_links = ("day",)
    date_hierarchy = "date"
    list_filter = ("kind", YearFilter, "part", "source", ("agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name",)
    list_select_related = ("agency",)
    ordering = ("date",)
    autocomplete_fields = ("agency",)
    readonly_fields = ("source",)
    change_list_template = "admin/workflows/calendarday/change_list.html"

    @admin.display(description=_("ngày"), ordering="date")
    def day(self, obj):
        return f"{obj.date:%d/%m/%Y}"

    @admin.display(description=_("thứ"))
    def weekday(self, obj):
        names = [_t("Thứ Hai"), _t("Thứ Ba"), _t("Thứ Tư"), _t("Thứ Năm"), _t("Thứ Sáu"), _t("Thứ Bảy"), _t("Chủ nhật")]
        return names[obj.date.weekday()]

    def get_urls(self):
        return [
            path(
                "load-national/",
                self.admin_site.admin_view(self.load_national_view),
                name="workflows_calendarday_load_national",
            ),
            *super().get_urls(),
        ]

    def load_national_view(self, request):
        """Nạp ngày lễ quốc gia năm …: copies one year from the `holidays` package, once."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:workflows_calendarday_changelist")
        if request.method == "POST":
            form = LoadYearForm(request.POST)
            if form.is_valid():
                year = form.cleaned_data["year"]
                if CalendarYear.objects.filter(year=year).exists():
                    messages.warning(
                        request,
                        _t(
                            "Ngày lễ quốc gia năm %(y)s đã được nạp trước đó; "
                            "các chỉnh sửa của quản trị được giữ nguyên."
                        )
                        % {"y": year},
                    )
                else:
                    before = CalendarDay.objects.filter(date__year=year, agency__isnull=True).count()
                    load_national_year(year)
                    added = CalendarDay.objects.filter(date__year=year, agency__isnull=True).count() - before
                    messages.success(request, _t("Đã nạp %(n)s ngày của năm %(y)s.") % {"n": added, "y": year})
                return redirect(f"{changelist}?year={year}")
        else:
            form = LoadYearForm(initial={"year": dt.date.today().year + 1})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _t("Nạp ngày lễ quốc gia"),
            "form": form,
            "loaded_years": list(CalendarYear.objects.order_by("-year").values_list("year", flat=True)),
            "changelist_url": changelist,
        }
        return TemplateResponse(request, "admin/workflows/calendarday/load_national.html", context)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("year", "loaded_at")
    readonly_fields = ("year", "loaded_at")
