from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import errors
from .health import healthz, live

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", live, name="healthz-live"),
    path("healthz/ready", healthz, name="healthz-ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("dossiers.api.docs_urls")),
    path("api/v1/", include("dossiers.api.urls")),
    path("api/v1/", include("payments.urls")),
    path("api/v1/", include("reports.api_urls")),
    path("bao-cao/", include("reports.urls")),
    path("can-bo/", include("payments.officer_urls")),
    path("dich-vu-cong/", include("citizen.urls")),
    path("", include("portal.urls")),
    path("", include("dossiers.urls")),
]
