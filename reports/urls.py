"""The dashboard's pages (under /bao-cao/); the API's routes are in `api_urls`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="reports-dashboard"),
    path("ho-so/", views.dossiers, name="reports-dossiers"),
]
