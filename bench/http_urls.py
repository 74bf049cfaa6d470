"""The URLs of `bench/http.py`: the project's, and beside them the two baselines."""

from django.db import connection, transaction
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class BaselineGet(APIView):
    """One dossier row by its unique code."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request, code):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code, status, due_at FROM dossiers_dossier WHERE code = %s", [code])
            row = cursor.fetchone()
        return Response({"id": row[0], "code": row[1], "status": row[2], "due_at": row[3]})


class BaselinePost(APIView):
    """A row locked, updated and one row inserted, in a transaction."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request, code):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id, version FROM dossiers_dossier WHERE code = %s FOR UPDATE", [code])
            pk, version = cursor.fetchone()
            cursor.execute("UPDATE dossiers_dossier SET version = %s WHERE id = %s", [version + 1, pk])
            cursor.execute("INSERT INTO bench_baseline_log (row_id, at) VALUES (%s, now())", [pk])
        return Response({"id": pk, "version": version + 1})


urlpatterns = [
    path("bench/baseline/<str:code>/", BaselineGet.as_view()),
    path("bench/baseline-post/<str:code>/", BaselinePost.as_view()),
    path("", include("onestop.urls")),
]
