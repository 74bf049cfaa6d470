"""Admin of the portal sync: the outbox with its lag, counts and dead letters (with a retry action),
the status mapping versions (one of which stays active), the portal link's health and the reconciliation
runs."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onestop.adminkit import ReadOnlyMixin

from . import services
from .health import portal_reachable
from .models import MappingVersion, OutboxMessage, PortalLink, ReconciliationRun, StatusMapping
from .selectors import (
    active_mapping_version,
    counts_by_state,
    outbox_lag_seconds,
    portal_link_state,
    rows_awaiting_codes,
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "dossier_code",
        "seq",
        "kind",
        "national_status",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "short_error",
    )
    list_filter = ("state", "kind", "national_status")
    search_fields = ("dossier_code",)
    ordering = ("-id",)
    actions = ("retry_selected",)
    show_full_result_count = False
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Gửi lại các thông điệp lỗi đã chọn"), permissions=["view"])
    def retry_selected(self, request, queryset):
        count = services.retry_dead_letters(ids=queryset.values_list("id", flat=True))
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(n)d thông điệp lỗi trở lại hàng đợi gửi.",
                "Đã đưa %(n)d thông điệp lỗi trở lại hàng đợi gửi.",
                count,
            )
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def changelist_view(self, request, extra_context=None):
        portal_ok, portal_detail = portal_reachable()  # the lag has a line of its own
        extra_context = {
            **(extra_context or {}),
            "outbox_lag": outbox_lag_seconds(),
            "outbox_counts": counts_by_state(),
            "portal_ok": portal_ok,
            "portal_detail": portal_detail,
            "portal_link": portal_link_state(),
            "mapping_version": active_mapping_version(),
            "awaiting_codes": rows_awaiting_codes(),
        }
        return super().changelist_view(request, extra_context=extra_context)


class StatusMappingFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """An active version gives every state a code (a row without a pause reason): a change into a
        state it cannot translate would be refused. `instance` holds the version as submitted."""
        super().clean()
        if not self.instance.is_active:
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        services.ensure_complete_mapping(keys={(row.get("status"), row.get("pause_reason") or "") for row in kept})


class StatusMappingInline(admin.TabularInline):
    model = StatusMapping
    formset = StatusMappingFormSet
    extra = 0


class MappingVersionForm(forms.ModelForm):
    def clean_is_active(self):
        """The model refuses saving the last active version as retired; checked here first (in the change
        view's transaction, which saves) so that the refusal shows on the form."""
        is_active = self.cleaned_data["is_active"]
        if self.instance.pk is not None and not is_active and "is_active" in self.changed_data:
            self.instance.ensure_another_active()
        return is_active


@admin.register(MappingVersion)
class MappingVersionAdmin(admin.ModelAdmin):
    form = MappingVersionForm
    list_display = ("number", "is_active", "note", "created_at")
    inlines = [StatusMappingInline]  # saving drops the cached mapping (receivers._mapping_changed)

    def has_delete_permission(self, request, obj=None):
        """An active version is retired (which keeps another one active) before it may be deleted."""
        if obj is not None and obj.is_active:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PortalLink)
class PortalLinkAdmin(admin.ModelAdmin):
    list_display = ("state", "consecutive_failures", "open_until", "opened_count", "last_success_at", "last_failure_at")
    readonly_fields = [f.name for f in PortalLink._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "period_start",
        "period_end",
        "dossiers_checked",
        "dossiers_differing",
        "messages_resent",
        "error",
    )
    readonly_fields = [f.name for f in ReconciliationRun._meta.fields]

    def has_add_permission(self, request):
        return False
