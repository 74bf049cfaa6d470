from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenConfig(AppConfig):
    name = "citizen"
    verbose_name = _("Dịch vụ công trực tuyến")
    default_auto_field = "django.db.models.BigAutoField"
