"""The reports' API routes (mounted under /api/v1/) and the dashboard's pages (under /bao-cao/)."""

from django.urls import path

from . import api, views

api_urlpatterns = [
    path("reports/indicators/", api.Indicators.as_view(), name="api-report-indicators"),
]

urlpatterns = [
    path("", views.dashboard, name="reports-dashboard"),
    path("ho-so/", views.dossiers, name="reports-dossiers"),
]
