from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("dossiers.api.urls")),
    path("api/v1/", include("payments.urls")),
    path("", include("portal.urls")),
    path("", include("dossiers.urls")),
]
