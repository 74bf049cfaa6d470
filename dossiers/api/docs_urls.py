"""Routes of the API's docs, mounted under /api/: Swagger UI and its files."""

from django.urls import path

from .docs import DocsView, docs_asset

urlpatterns = [
    path("docs/", DocsView.as_view(), name="api-docs"),
    path("docs/assets/<path:path>", docs_asset, name="api-docs-asset"),
]
