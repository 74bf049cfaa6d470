"""The reports' API routes, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("reports/indicators/", api.Indicators.as_view(), name="api-report-indicators"),
]
