"""Helpers shared by the API tests: clients signed in as a world's people, and small file payloads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.factories import PDF_BYTES


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def pdf_file(name="giay-to.pdf", content=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def create_body(world, **overrides) -> dict:
    body = {
        "procedure": world.procedure.code,
        "receiving_agency": world.agency.code,
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "summary": "Cấp bản sao trích lục hộ tịch",
        "return_channel": "counter",
        "documents": [
            {"component": "to-khai", "name": "Tờ khai", "paper_copy": True},
            {"component": "cccd", "name": "Căn cước", "paper_copy": True},
        ],
    }
    body.update(overrides)
    return body


def action_url(code: str, action: str) -> str:
    return f"/api/v1/dossiers/{code}/actions/{action}/"
