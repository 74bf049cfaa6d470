"""The OpenAPI schema (/api/schema/) and the browsable docs (/api/docs/), working offline: Swagger UI's
files come from the drf-spectacular-sidecar package and are served from here, so the docs need neither a
CDN nor a collectstatic run."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularSwaggerSplitView


def _sidecar_root() -> Path:
    import drf_spectacular_sidecar

    return Path(drf_spectacular_sidecar.__file__).resolve().parent / "static" / "drf_spectacular_sidecar"


ASSETS = {
    "swagger-ui-dist/swagger-ui.css",
    "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui-standalone-preset.js",
    "swagger-ui-dist/favicon-32x32.png",
    "swagger-ui-dist/oauth2-redirect.html",
}


@cache_control(max_age=86400, public=True)
def docs_asset(request, path: str):
    """One file of Swagger UI's distribution (a fixed list: nothing else of the disk is reachable)."""
    if path not in ASSETS:
        raise Http404(path)
    file = _sidecar_root() / path
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return FileResponse(file.open("rb"), content_type=content_type)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI over /api/schema/, its start-up script fetched from this view (?script) rather than written
    inline in the page, which the Content-Security-Policy forbids."""

    url_name = "api-schema"

    @staticmethod
    def _swagger_ui_resource(filename):
        return reverse("api-docs-asset", kwargs={"path": f"swagger-ui-dist/{filename}"})

    @staticmethod
    def _swagger_ui_favicon():
        return reverse("api-docs-asset", kwargs={"path": "swagger-ui-dist/favicon-32x32.png"})
