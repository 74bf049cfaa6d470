from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    """Catalogue, internal processes, roles and the working calendar. Knows nothing of dossiers."""

    name = "workflows"
    verbose_name = _("Danh mục và quy trình")

    def ready(self):
        from . import calendar  # noqa: F401 - forgets the cached calendars when what they are computed from changes
