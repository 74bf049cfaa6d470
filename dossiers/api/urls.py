"""Routes of the public REST API, mounted under /api/v1/ (API.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("procedures/", views.ProcedureList.as_view(), name="api-procedures"),
    path("procedures/<str:code>/", views.ProcedureDetail.as_view(), name="api-procedure"),
    path("agencies/", views.AgencyList.as_view(), name="api-agencies"),
    path("dossiers/", views.DossierListCreate.as_view(), name="api-dossiers"),
    path("dossiers/<str:code>/", views.DossierDetail.as_view(), name="api-dossier"),
    path("dossiers/<str:code>/actions/<str:action>/", views.DossierAction.as_view(), name="api-dossier-action"),
    path("dossiers/<str:code>/history/", views.DossierHistory.as_view(), name="api-dossier-history"),
    path("dossiers/<str:code>/documents/", views.DossierDocuments.as_view(), name="api-dossier-documents"),
    path("dossiers/<str:code>/rating/", views.DossierRating.as_view(), name="api-dossier-rating"),
    path("dossiers/<str:code>/receipt.pdf", views.DossierReceipt.as_view(), name="api-dossier-receipt"),
    path("track/<str:code>/", views.Tracking.as_view(), name="api-track"),
]
