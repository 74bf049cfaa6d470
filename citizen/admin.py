from django.contrib import admin

from .models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("id_number", "name", "org_name", "tax_code", "signed_in_at")
    search_fields = ("id_number", "name", "tax_code", "org_name")
    readonly_fields = [f.name for f in Identity._meta.fields]

    def has_add_permission(self, request):
        return False
