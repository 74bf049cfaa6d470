"""The counter's money actions on the officers' screens, mounted under /can-bo/."""

from django.urls import path

from . import officer_views as views

app_name = "officer-payments"

urlpatterns = [
    path("ho-so/<str:code>/thu-phi/", views.counter_payment, name="counter-payment"),
    path("ho-so/<str:code>/hoan-tra/<str:reference>/", views.refund_handed_back, name="refund"),
]
