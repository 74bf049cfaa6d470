"""Public pages of the dossiers app."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tra-cuu/", views.tracking, name="tracking"),
    path("can-bo/", include("dossiers.officer_urls")),
]
