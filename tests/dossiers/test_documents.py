"""Uploaded documents: type and size checked, hashed and kept as versions; who may add them."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import selectors, services
from dossiers.models import DocumentVersion, Status
from dossiers.services import ActionForbidden, DocumentInput, InvalidInput, TransitionNotAllowed, validate_upload
from tests.dossiers.api_support import PDF_BYTES, pdf_file
from tests.factories import UserFactory, at

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


# -- validate_upload --------------------------------------------------------------------------------
def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput) as refused:
        validate_upload(pdf_file("to-khai.pdf", b""))
    assert refused.value.status == 400
    assert refused.value.message == "Tệp “to-khai.pdf” rỗng."


def test_an_oversize_file_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 2_000_000
    with pytest.raises(InvalidInput) as refused:
        validate_upload(pdf_file("ban-ve.pdf", PDF_BYTES + b"0" * 3_000_000))
    assert refused.value.code == "file_too_large"
    assert "“ban-ve.pdf”" in refused.value.message
    assert "vượt giới hạn 2 MB" in refused.value.message
    validate_upload(pdf_file("vua-du.pdf", PDF_BYTES + b"0" * (2_000_000 - len(PDF_BYTES))))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", EXE),
        ("to-khai.pdf", b"Day khong phai PDF, chi la van ban."),  # text under a .pdf name
        ("to-khai.pdf", EXE),  # a program under a .pdf name
        ("anh.png", b"GIF89a" + b"\x00" * 16),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(name, content):
    with pytest.raises(InvalidInput) as refused:
        validate_upload(pdf_file(name, content))
    assert refused.value.code == "unsupported_file_type"
    assert f"Tệp “{name}” không đúng định dạng cho phép" in refused.value.message


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b'<?xml version="1.0"?><hoso/>', "application/xml"),
    ],
)
def test_the_real_type_is_read_from_the_content(content, content_type):
    # The declared type and the name do not decide; the bytes do.
    assert validate_upload(SimpleUploadedFile("tep-bat-ky.bin", content, content_type="text/plain")) == content_type


# -- add_documents ----------------------------------------------------------------------------------
def test_an_accepted_file_records_its_hash_size_and_type(world):
    dossier = world.online_dossier(documents=[])
    content = PDF_BYTES + b"noi dung to khai"
    (version,) = services.add_documents(
        dossier=dossier,
        actor=world.applicant,
        documents=[
            DocumentInput(
                component="to-khai", file=SimpleUploadedFile("to-khai.pdf", content, content_type="text/plain")
            )
        ],
        at=at(2025, 8, 12, 10),
    )
    version = DocumentVersion.objects.get(pk=version.pk)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.content_type == "application/pdf"
    assert (version.component, version.name, version.version) == ("to-khai", "Tờ khai", 1)
    assert version.uploaded_by == world.applicant
    assert version.paper_copy is False
    assert version.file.read() == content
    event = dossier.events.order_by("-seq").first()
    assert event.action == "add-document"
    assert event.data["documents"] == [
        {"id": version.pk, "component": "to-khai", "version": 1, "part": 1, "name": "Tờ khai"}
    ]


def test_a_second_file_for_a_component_is_a_new_version(world):
    dossier = world.online_dossier(documents=[])
    for body in (b"a", b"b"):
        services.add_documents(
            dossier=dossier,
            actor=world.applicant,
            documents=[DocumentInput(component="cccd", file=pdf_file("cccd.pdf", PDF_BYTES + body))],
        )
    assert list(dossier.documents.values_list("component", "version")) == [("cccd", 1), ("cccd", 2)]


def test_a_refused_file_adds_nothing(world):
    dossier = world.online_dossier(documents=[])
    events = dossier.events.count()
    with pytest.raises(InvalidInput):
        services.add_documents(
            dossier=dossier,
            actor=world.applicant,
            documents=[
                DocumentInput(component="to-khai", file=pdf_file("to-khai.pdf")),
                DocumentInput(component="cccd", file=pdf_file("cccd.pdf", b"plain text")),
            ],
        )
    assert not DocumentVersion.objects.filter(dossier=dossier).exists()
    assert dossier.events.count() == events


def test_a_paper_copy_needs_no_file(world):
    dossier = world.counter_dossier(documents=[DocumentInput(component="to-khai")])
    (version,) = dossier.documents.all()
    assert version.paper_copy is True
    assert (version.size, version.sha256, version.content_type) == (0, "", "")


# -- who may add documents --------------------------------------------------------------------------
def _add(dossier, actor, *, is_result=False):
    return services.add_documents(
        dossier=dossier,
        actor=actor,
        documents=[DocumentInput(component="ket-qua" if is_result else "cccd", file=pdf_file("tep.pdf"))],
        is_result=is_result,
    )


def test_the_applicant_adds_to_his_own_dossier_only(world):
    dossier = world.online_dossier()
    assert _add(dossier, world.applicant)
    with pytest.raises(ActionForbidden) as refused:
        _add(dossier, UserFactory(username="nguoi.khac"))
    assert refused.value.status == 403
    assert dossier.code in refused.value.message


def test_officers_of_the_dossier_add_and_outsiders_do_not(world):
    dossier = world.dossier_in(Status.PROCESSING)
    assert _add(dossier, world.counter)
    assert _add(dossier, world.leader)
    for stranger in (world.outsider, world.outside_leader):
        with pytest.raises(ActionForbidden):
            _add(dossier, stranger)
    assert list(dossier.documents.filter(component="cccd").values_list("version", flat=True)) == [1, 2]


def test_the_handler_of_the_current_step_adds(world):
    dossier = world.dossier_in(Status.PROCESSING)
    with pytest.raises(ActionForbidden):
        _add(dossier, world.specialist)  # the first step is the counter's
    dossier = services.complete_step(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 11))
    assert _add(dossier, world.specialist)


@pytest.mark.parametrize("state", [Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED])
def test_a_closed_dossier_takes_no_documents(world, state):
    dossier = world.dossier_in(state)
    with pytest.raises(TransitionNotAllowed) as refused:
        _add(dossier, world.admin)
    assert refused.value.status == 409
    assert f"“{Status(state).label}”" in refused.value.message


def test_a_resolved_dossier_takes_its_result_only(world):
    dossier = world.dossier_in(Status.RESOLVED)
    with pytest.raises(TransitionNotAllowed):
        _add(dossier, world.counter)
    (result,) = _add(dossier, world.counter, is_result=True)
    assert result.is_result is True


def test_several_files_of_one_component_are_the_parts_of_one_version(world):
    dossier = world.online_dossier(documents=[])
    pages = [
        DocumentInput(component="to-khai", file=pdf_file(f"trang-{n}.pdf", PDF_BYTES + str(n).encode()))
        for n in (1, 2, 3)
    ]

    versions = services.add_documents(dossier=dossier, actor=world.applicant, documents=pages)

    assert [(v.version, v.part) for v in versions] == [(1, 1), (1, 2), (1, 3)]
    assert len({v.sha256 for v in versions}) == 3
    event = dossier.events.order_by("-seq").first()
    assert [d["part"] for d in event.data["documents"]] == [1, 2, 3]
    [row] = [r for r in selectors.latest_documents(dossier) if r["component"] == "to-khai"]
    assert ([f.part for f in row["files"]], row["versions"]) == ([1, 2, 3], 1)


def test_a_supplement_adds_files_to_a_document_or_replaces_them(world):
    dossier = world.online_dossier(documents=[])
    services.add_documents(
        dossier=dossier,
        actor=world.applicant,
        documents=[DocumentInput(component="cccd", file=pdf_file("mat-truoc.pdf"))],
    )
    services.request_supplement(dossier=dossier, actor=world.counter, missing_documents=["Mặt sau CCCD", "Tờ khai"])

    services.submit_supplement(
        dossier=dossier,
        actor=world.applicant,
        documents=[
            DocumentInput(component="cccd", file=pdf_file("mat-sau.pdf"), add=True),
            DocumentInput(component="to-khai", file=pdf_file("to-khai.pdf"), add=True),  # nothing yet: version 1
        ],
    )

    rows = {(v.component, v.version, v.part) for v in DocumentVersion.objects.filter(dossier=dossier)}
    assert rows == {("cccd", 1, 1), ("cccd", 1, 2), ("to-khai", 1, 1)}
