"""POST /api/v1/dossiers/{code}/documents/ (a new document version) and GET …/history/."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import DocumentVersion, DossierEvent
from tests.dossiers.api_support import client_for, pdf_file


def upload(user, code, **fields):
    body = {"component": "cccd", "file": pdf_file("cccd.pdf")}
    body.update(fields)
    return client_for(user).post(f"/api/v1/dossiers/{code}/documents/", body, format="multipart")


def test_applicant_adds_a_new_version_of_a_component(world):
    dossier = world.online_dossier()

    first = upload(world.applicant, dossier.code)
    second = upload(world.applicant, dossier.code, name="Căn cước (bản rõ)")

    assert first.status_code == second.status_code == 201, first.json()
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert second.json()["name"] == "Căn cước (bản rõ)"
    assert second.json()["content_type"] == "application/pdf"
    assert DocumentVersion.objects.filter(dossier=dossier, component="cccd").count() == 2
    assert DossierEvent.objects.filter(dossier=dossier, action="add-document").count() == 2
    detail = client_for(world.applicant).get(f"/api/v1/dossiers/{dossier.code}/").json()
    [cccd] = [d for d in detail["documents"] if d["component"] == "cccd"]
    assert (cccd["version"], cccd["versions"]) == (2, 2)


def test_officer_uploads_the_result_of_a_resolved_dossier(world):
    dossier = world.dossier_in("resolved")

    response = upload(world.counter, dossier.code, component="ket-qua", name="Quyết định", is_result="true")

    assert response.status_code == 201, response.json()
    assert response.json()["is_result"] is True


def test_wrong_file_type_is_400_and_nothing_is_stored(world):
    dossier = world.online_dossier(documents=[])
    exe = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = upload(world.applicant, dossier.code, file=exe)

    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_file_type"
    assert "virus.pdf" in response.json()["detail"]
    assert not DocumentVersion.objects.filter(dossier=dossier).exists()


def test_oversized_file_is_413_with_a_message(world, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    dossier = world.online_dossier(documents=[])

    response = upload(world.applicant, dossier.code, file=pdf_file(content=b"%PDF-1.4\n" + b"0" * 500))

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert "vượt giới hạn" in response.json()["detail"]
    assert not DocumentVersion.objects.filter(dossier=dossier).exists()


def test_empty_file_and_missing_file_are_400(world):
    dossier = world.online_dossier()

    empty = upload(world.applicant, dossier.code, file=SimpleUploadedFile("rong.pdf", b""))
    missing = client_for(world.applicant).post(
        f"/api/v1/dossiers/{dossier.code}/documents/", {"component": "cccd"}, format="multipart"
    )

    assert empty.status_code == 400
    assert "rỗng" in empty.json()["detail"]
    assert missing.status_code == 400
    assert "file" in missing.json()["errors"]


def test_json_body_is_415(world):
    dossier = world.online_dossier()

    response = client_for(world.applicant).post(
        f"/api/v1/dossiers/{dossier.code}/documents/", {"component": "cccd"}, format="json"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_closed_dossier_takes_no_documents(world):
    dossier = world.dossier_in("returned")

    response = upload(world.counter, dossier.code)

    assert response.status_code == 409


def test_someone_else_cannot_upload(world):
    dossier = world.online_dossier()

    assert upload(world.outsider, dossier.code).status_code == 404
    assert upload(world.specialist, dossier.code).status_code == 403


def test_upload_with_idempotency_key_is_stored_once(world):
    dossier = world.online_dossier()
    client = client_for(world.applicant)
    url = f"/api/v1/dossiers/{dossier.code}/documents/"

    first = client.post(url, {"component": "cccd", "file": pdf_file()}, format="multipart", HTTP_IDEMPOTENCY_KEY="u1")
    again = client.post(url, {"component": "cccd", "file": pdf_file()}, format="multipart", HTTP_IDEMPOTENCY_KEY="u1")

    assert first.json() == again.json()
    assert DocumentVersion.objects.filter(dossier=dossier, component="cccd").count() == 1


# -- history ----------------------------------------------------------------------------------------
def test_history_lists_every_event_with_labels(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)
    services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification", note="Chờ xác minh")

    response = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/history/")

    assert response.status_code == 200
    rows = response.json()
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert [r["action"] for r in rows] == ["receive", "start", "pause"]
    pause = rows[2]
    assert pause["action_label"] == "Tạm dừng"
    assert (pause["from_status"], pause["to_status"]) == ("processing", "paused")
    assert (pause["from_status_label"], pause["to_status_label"]) == ("Đang xử lý", "Tạm dừng")
    assert pause["step"] == "Tiếp nhận"
    assert pause["actor_name"] == world.counter.get_full_name()
    assert pause["note"] == "Chờ xác minh"
    assert pause["data"] == {"reason": "verification"}


def test_history_of_a_dossier_not_his_is_404(world):
    dossier = world.counter_dossier()

    assert client_for(world.outsider).get(f"/api/v1/dossiers/{dossier.code}/history/").status_code == 404
    assert client_for().get(f"/api/v1/dossiers/{dossier.code}/history/").status_code == 401


def test_a_file_added_to_a_document_joins_its_current_version_and_a_plain_upload_replaces_them(world):
    dossier = world.online_dossier(documents=[])

    first = upload(world.applicant, dossier.code, file=pdf_file("trang-1.pdf"))
    added = upload(world.applicant, dossier.code, file=pdf_file("trang-2.pdf"), add="true")

    assert first.status_code == added.status_code == 201, added.json()
    assert (added.json()["version"], added.json()["part"]) == (1, 2)
    detail = client_for(world.applicant).get(f"/api/v1/dossiers/{dossier.code}/").json()
    [cccd] = [d for d in detail["documents"] if d["component"] == "cccd"]
    assert (cccd["version"], cccd["versions"], cccd["file_count"]) == (1, 1, 2)

    replaced = upload(world.applicant, dossier.code, file=pdf_file("ban-moi.pdf"))

    assert (replaced.json()["version"], replaced.json()["part"]) == (2, 1)
    detail = client_for(world.applicant).get(f"/api/v1/dossiers/{dossier.code}/").json()
    [cccd] = [d for d in detail["documents"] if d["component"] == "cccd"]
    assert (cccd["version"], cccd["versions"], cccd["file_count"]) == (2, 2, 1)
    assert [f["file_name"][:9] for f in cccd["files"]] == ["v2-ban-mo"]
    assert DocumentVersion.objects.filter(dossier=dossier, component="cccd").count() == 3  # nothing deleted


def test_the_size_and_type_checks_hold_for_every_file_of_a_document(world):
    dossier = world.online_dossier(documents=[])
    bad = SimpleUploadedFile("trang-2.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    refused = client_for(world.applicant).post(
        f"/api/v1/dossiers/{dossier.code}/documents/",
        {"component": "cccd", "file": bad, "add": "true"},
        format="multipart",
    )

    assert refused.status_code == 400
    assert not DocumentVersion.objects.filter(dossier=dossier, component="cccd").exists()
