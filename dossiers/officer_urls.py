"""Routes of the officers' screens, mounted under /can-bo/ (API.md "Pages")."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import officer_views as views

app_name = "officer"

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="dossiers/officer/login.html",
            redirect_authenticated_user=True,
            next_page=reverse_lazy("officer:worklist"),
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page=reverse_lazy("officer:login")), name="logout"),
    path("", views.worklist, name="worklist"),
    path("xuat/<str:kind>/", views.worklist_export, name="export"),
    path("tiep-nhan/", views.counter_receipt, name="counter"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<str:action>/", views.dossier_action, name="action"),
    path("ho-so/<str:code>/in/<slug:slug>/", views.notice_pdf, name="notice"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", views.document_file, name="document"),
]
