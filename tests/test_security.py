"""The security findings: documents never rendered on our origin unless harmless, a Content-Security-Policy on
every answer, client addresses a client cannot choose, payment endpoints that do not tell which codes exist,
login lockout."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from dossiers.models import DocumentVersion
from dossiers.services import DocumentInput
from tests.dossiers.api_support import client_for
from tests.factories import PDF_BYTES

EVIL_XML = (
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(document.cookie)</script></html>'
)


def _officer_page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_uploaded_xml_document_is_downloaded_never_rendered_and_a_pdf_shown_inline(world):
    first, *others = world.procedure.documents.filter(required=True)
    docs = [DocumentInput(component=first.code, file=SimpleUploadedFile("to-khai.xml", EVIL_XML))]
    docs += [DocumentInput(component=d.code, file=SimpleUploadedFile(f"{d.code}.pdf", PDF_BYTES)) for d in others]
    dossier = world.online_dossier(documents=docs)
    officer = _officer_page(world.counter)
    xml = DocumentVersion.objects.get(dossier=dossier, content_type="application/xml")
    scanned = world.online_dossier()
    pdf = DocumentVersion.objects.filter(dossier=scanned, content_type="application/pdf").first()

    served = officer.get(reverse("officer:document", args=[dossier.code, xml.pk]))
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in served["Content-Security-Policy"]

    shown = officer.get(reverse("officer:document", args=[scanned.code, pdf.pk]))
    assert shown["Content-Disposition"].startswith("inline;") and shown["Content-Type"] == "application/pdf"


def test_every_kind_of_page_carries_a_content_security_policy_without_inline_scripts(world, admin_client):
    dossier = world.counter_dossier()
    answers = [
        Client().get("/"),
        Client().get("/tra-cuu/"),
        Client().get("/can-bo/dang-nhap/"),
        _officer_page(world.counter).get(f"/can-bo/ho-so/{dossier.code}/"),
        admin_client.get("/admin/"),
        Client().get("/api/docs/"),
        client_for().get("/api/v1/procedures/"),
    ]
    for answer in answers:
        policy = answer["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        if answer["Content-Type"].startswith("text/html"):
            assert b"<script>" not in answer.content  # every script is a file of ours


def _track(address: str, forwarded: str | None = None, code="000.00.12.H52-250101-0001"):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client_for().get(f"/api/v1/track/{code}/", REMOTE_ADDR=address, headers=headers)


def _throttle(settings, monkeypatch, rate="3/min", proxies=0):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"track": rate})  # read once, at import
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}


def test_a_spoofed_x_forwarded_for_does_not_reset_the_tracking_limit(db, settings, monkeypatch):
    _throttle(settings, monkeypatch)
    answers = [_track("203.0.113.7", forwarded=f"198.51.100.{i}").status_code for i in range(6)]
    assert answers[:3] == [404, 404, 404] and answers[3:] == [429, 429, 429]
    assert _track("203.0.113.8").status_code == 404  # another client has a limit of its own


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_clients(db, settings, monkeypatch):
    _throttle(settings, monkeypatch, proxies=1)
    proxy = "10.0.0.2"
    # A client writes its own X-Forwarded-For; the proxy appends the address it saw: that one counts.
    answers = [_track(proxy, forwarded=f"198.51.100.{i}, 203.0.113.7").status_code for i in range(4)]
    assert answers == [404, 404, 404, 429]
    assert _track(proxy, forwarded="203.0.113.9").status_code == 404


def test_payment_endpoints_answer_a_foreign_dossier_as_one_that_does_not_exist(world):
    foreign = world.counter_dossier()  # received by another agency than the outsider's
    outsider = client_for(world.outsider)
    for suffix in ("payments/", "payments/obligations/"):
        method = outsider.get if suffix == "payments/" else outsider.post
        seen = method(f"/api/v1/dossiers/{foreign.code}/{suffix}")
        unknown = method(f"/api/v1/dossiers/{foreign.code[:-4]}9999/{suffix}")
        assert seen.status_code == unknown.status_code == 404
        assert seen.json()["code"] == unknown.json()["code"] == "not_found"
    counter = outsider.post(f"/api/v1/dossiers/{foreign.code}/payments/counter/", {}, format="json")
    assert counter.status_code == 404


def _login(client, username, password, address="203.0.113.7", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/can-bo/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=address, headers=headers
    )


def test_repeated_failed_logins_lock_the_account_from_that_address(world):
    world.counter.set_password("dung-mat-khau-123")
    world.counter.save()
    client = Client()
    for attempt in range(4):
        failed = _login(client, "canbo.motcua", "sai-mat-khau", forwarded=f"198.51.100.{attempt}")
        assert failed.status_code == 200  # the form again, with its error
    assert _login(client, "canbo.motcua", "sai-mat-khau", forwarded="198.51.100.4").status_code == 429  # the fifth
    locked = _login(client, "canbo.motcua", "dung-mat-khau-123", forwarded="198.51.100.99")
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another address, and the admin's login page, are judged on their own.
    assert _login(Client(), "canbo.motcua", "dung-mat-khau-123", address="203.0.113.8").status_code == 302
    admin = Client()
    for _ in range(4):
        admin.post("/admin/login/", {"username": "quantri", "password": "sai"}, REMOTE_ADDR="203.0.113.20")
    refused = admin.post("/admin/login/", {"username": "quantri", "password": "sai"}, REMOTE_ADDR="203.0.113.20")
    assert refused.status_code == 429
