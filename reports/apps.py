from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Indicators and reports: see the package docstring for why this is an app."""

    name = "reports"
    verbose_name = _("Báo cáo, chỉ tiêu")

    def ready(self):
        from . import receivers  # noqa: F401  (importing receivers connects them)
