"""Routes of the applicant's side, mounted under /dich-vu-cong/ (API.md "Pages")."""

from django.urls import path

from . import views

app_name = "citizen"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("thu-tuc/<str:code>/nop/", views.file, name="file"),
    path("dang-nhap/", views.sign_in, name="sign-in"),
    path("dang-nhap/xong/", views.signed_in, name="signed-in"),
    path("dang-xuat/", views.sign_out, name="sign-out"),
    path("ho-so/", views.mine, name="mine"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("ho-so/<str:code>/", views.dossier, name="dossier"),
    path("ho-so/<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<str:code>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<str:code>/danh-gia/", views.rate, name="rate"),
    path("ho-so/<str:code>/thanh-toan/", views.pay, name="pay"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", views.document, name="document"),
    path("thanh-toan/ket-qua/", views.payment_return, name="payment-return"),
]
