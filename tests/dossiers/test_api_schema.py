"""The OpenAPI schema (/api/schema/) and the docs page (/api/docs/), which works offline."""

import re

from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

PATHS = [
    "/api/v1/procedures/",
    "/api/v1/procedures/{code}/",
    "/api/v1/agencies/",
    "/api/v1/dossiers/",
    "/api/v1/dossiers/{code}/",
    "/api/v1/dossiers/{code}/actions/{action}/",
    "/api/v1/dossiers/{code}/history/",
    "/api/v1/dossiers/{code}/documents/",
    "/api/v1/dossiers/{code}/receipt.pdf",
    "/api/v1/track/{code}/",
]


def test_schema_generates_without_warnings_for_the_dossier_endpoints(db, tmp_path, capsys):
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"))
    err = capsys.readouterr().err
    ours = [line for line in err.splitlines() if "dossiers/" in line or "Dossier" in line or "Track" in line]
    assert ours == []
    # spectacular prints a summary only when something went wrong; it must count no error
    assert not re.search(r"Errors:\s+[1-9]", err)
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_schema_endpoint_lists_the_paths_and_action_bodies(client, db):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    for path in PATHS:
        assert path in schema["paths"], path
    action = schema["paths"]["/api/v1/dossiers/{code}/actions/{action}/"]["post"]
    enum = next(p for p in action["parameters"] if p["name"] == "action")["schema"]["enum"]
    assert "request-supplement" in enum and "return-result" in enum
    components = schema["components"]["schemas"]
    assert "missing_documents" in components["RequestSupplementRequest"]["properties"]
    assert "new_appointment" in components["ApologizeRequest"]["properties"]
    create = schema["paths"]["/api/v1/dossiers/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(create)


def test_docs_page_uses_local_assets(client, db):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/docs/assets/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Every script and stylesheet from this server (a page token may well contain the letters "cdn").
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    asset = client.get("/api/docs/assets/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert asset["Content-Type"] in ("text/javascript", "application/javascript")
    assert client.get("/api/docs/assets/../../settings.py").status_code == 404
