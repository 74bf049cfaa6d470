from django.contrib import admin

from .models import Notification, Preference, SimulatedSms


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("dossier", "kind", "channel", "recipient", "status", "attempts", "sent_at")
    list_filter = ("kind", "channel", "status")
    search_fields = ("recipient", "dossier__code")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SimulatedSms)
class SimulatedSmsAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "to", "body")
    search_fields = ("to", "body")
    readonly_fields = ("to", "body", "sent_at")

    def has_add_permission(self, request):
        return False


admin.site.register(Preference)
