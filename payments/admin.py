from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from dossiers.services import DossierError
from onestop.adminkit import ReadOnlyMixin, money

from . import services
from .models import Charge, FeeExemption, FeeItem, Payment, PlatformNotification, Refund


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = ("procedure", "kind", "name", "amount_vnd", "order")
    amount_vnd = money("amount", _("số tiền"))
    list_filter = ("kind",)
    search_fields = ("procedure__code", "procedure__name", "name")
    autocomplete_fields = ("procedure",)


@admin.register(FeeExemption)
class FeeExemptionAdmin(admin.ModelAdmin):
    list_display = ("name", "procedure", "fee_item", "percent", "online_only", "valid_from", "valid_until")
    list_filter = ("online_only",)
    search_fields = ("name", "legal_basis", "procedure__code")
    autocomplete_fields = ("procedure",)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Money records change only through the services, never by hand."""


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "kind", "amount_vnd", "created_at")
    amount_vnd = money("amount", _("số tiền"))
    list_filter = ("kind",)
    search_fields = ("dossier__code",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "dossier", "method", "status", "amount_vnd", "receipt_number", "paid_at")
    amount_vnd = money("amount", _("số tiền"))
    list_filter = ("method", "status")
    search_fields = ("reference", "dossier__code", "receipt_number", "platform_txn_id")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "payment",
        "amount_vnd",
        "status",
        "attempts",
        "next_attempt_at",
        "requested_at",
        "completed_at",
        "last_error",
    )
    list_filter = ("status",)
    search_fields = ("reference", "payment__reference", "payment__dossier__code")
    amount_vnd = money("amount", _("số tiền"))
    actions = ("complete_at_counter", "retry_online")

    def _apply(self, request, queryset, service, done_message):
        done = 0
        for refund in queryset:
            try:
                service(refund_id=refund.pk, actor=request.user)
            except DossierError as exc:
                self.message_user(request, f"{refund.reference}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Ghi nhận đã hoàn trả tại Bộ phận Một cửa"))
    def complete_at_counter(self, request, queryset):
        self._apply(request, queryset, services.complete_refund_at_counter, _("Đã ghi nhận hoàn trả %(n)s khoản."))

    @admin.action(description=_("Thử hoàn trả trực tuyến lại"))
    def retry_online(self, request, queryset):
        self._apply(request, queryset, services.retry_refund, _("Đã gửi lại %(n)s yêu cầu hoàn trả."))


@admin.register(PlatformNotification)
class PlatformNotificationAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "reference", "nonce", "outcome", "detail")
    list_filter = ("outcome",)
    search_fields = ("reference", "nonce")
