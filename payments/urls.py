"""Payments API, included under /api/v1/."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("dossiers/<str:code>/payments/", views.DossierPaymentsView.as_view(), name="dossier-payments"),
    path("dossiers/<str:code>/payments/counter/", views.CounterPaymentView.as_view(), name="counter-payment"),
    path(
        "dossiers/<str:code>/payments/obligations/",
        views.FinancialObligationView.as_view(),
        name="financial-obligation",
    ),
    path(
        "dossiers/<str:code>/refunds/<str:reference>/<str:action>/",
        views.RefundActionView.as_view(),
        name="refund-action",
    ),
    path("payments/callback/", views.PaymentCallbackView.as_view(), name="callback"),
]
