"""Online filing on /dich-vu-cong/: the accent-insensitive catalogue, the procedure page, the prefilled e-form,
uploads checked by content, reuse of earlier files, the submission time."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import Channel, DocumentVersion, Dossier, Status
from dossiers.services import DocumentInput
from tests.citizen.conftest import MINH, own_dossier
from tests.factories import PDF_BYTES, ProcedureFactory


def pdf(name="to-khai.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_catalogue_finds_a_procedure_without_diacritics(client, world):
    birth = ProcedureFactory(name="Đăng ký khai sinh", competent_agency=world.agency)
    ProcedureFactory(name="Đăng ký kết hôn", competent_agency=world.agency)
    ProcedureFactory(name="Đăng ký khai tử", competent_agency=world.agency, online_level="none")

    for q in ("khai sinh", "KHAI SINH", "đăng ký khai sinh", "dang ky  khai sinh", birth.code):
        html = client.get("/dich-vu-cong/", {"q": q}).content.decode()
        assert "Đăng ký khai sinh" in html, q
        assert "Đăng ký kết hôn" not in html, q
    assert "Đăng ký khai tử" not in client.get("/dich-vu-cong/", {"q": "khai tu"}).content.decode()
    assert "Không tìm thấy thủ tục nào" in client.get("/dich-vu-cong/", {"q": "xyz"}).content.decode()


def test_the_procedure_page_says_what_to_bring_the_fee_the_limit_and_the_agency(client, world):
    procedure = ProcedureFactory(name="Đăng ký khai sinh", competent_agency=world.agency, fee_amount=8000)

    html = client.get(f"/dich-vu-cong/thu-tuc/{procedure.code}/").content.decode()

    for words in ("Tờ khai", "Căn cước", "bắt buộc", "8000", "3 ngày làm việc", "Một phần", "Sở Tư pháp"):
        assert words in html, words
    assert f'href="/dich-vu-cong/thu-tuc/{procedure.code}/nop/"' in html


def test_the_form_is_prefilled_from_the_population_database(minh, world):
    html = minh.get(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/").content.decode()

    assert "Lò Văn Minh" in html
    assert MINH in html
    assert "12/04/1990" in html
    assert "Bản Hài, phường Chiềng Cơi, tỉnh Sơn La" in html
    assert 'value="0912000111"' in html
    assert 'value="lovanminh@example.vn"' in html


def _form(minh, procedure) -> dict:
    html = minh.get(f"/dich-vu-cong/thu-tuc/{procedure.code}/nop/").content.decode()
    opened = re.search(r'name="opened" value="([^"]+)"', html).group(1)
    return {
        "phone": "0912000111",
        "email": "lovanminh@example.vn",
        "summary": "",
        "receiving_agency": str(world_agency(procedure)),
        "return_channel": "online",
        "opened": opened,
    }


def world_agency(procedure):
    return procedure.competent_agency_id


def test_filing_online_submits_with_several_files_per_document_and_records_the_time(minh, world):
    body = _form(minh, world.procedure)
    body["doc-to-khai"] = [pdf("trang-1.pdf"), pdf("trang-2.pdf")]

    response = minh.post(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/", body)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dich-vu-cong/ho-so/{dossier.code}/"
    assert (dossier.status, dossier.channel, dossier.applicant_name) == (
        Status.SUBMITTED,
        Channel.ONLINE,
        "Lò Văn Minh",
    )
    assert dossier.applicant_id_number == MINH
    assert dossier.applicant_address == "Bản Hài, phường Chiềng Cơi, tỉnh Sơn La"
    assert dossier.summary == world.procedure.name
    assert dossier.submission_seconds is not None and dossier.submission_seconds >= 1
    files = list(DocumentVersion.objects.filter(dossier=dossier, component="to-khai").order_by("part"))
    # Two pages of one document: one version with two files, not a second version replacing the first.
    assert [(v.version, v.part) for v in files] == [(1, 1), (1, 2)]
    assert [v.file.name.rsplit("/", 1)[-1][:12] for v in files] == ["v1-trang-1.p", "v1.2-trang-2"]
    page = minh.get(response["Location"]).content.decode()
    assert "Mới đăng ký (chờ tiếp nhận)" in page
    assert "2 tệp" in page
    for v in files:  # each page listed and downloadable by its owner
        assert f"/dich-vu-cong/ho-so/{dossier.code}/giay-to/{v.pk}/" in page
        download = minh.get(f"/dich-vu-cong/ho-so/{dossier.code}/giay-to/{v.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert dossier.code in minh.get("/dich-vu-cong/ho-so/").content.decode()


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_written(minh, world):
    body = _form(minh, world.procedure)
    body["doc-to-khai"] = [pdf("to-khai.pdf", b"MZ\x90\x00 an executable")]

    response = minh.post(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/", body)

    assert response.status_code == 400
    assert "không đúng định dạng cho phép" in response.content.decode()
    assert not Dossier.objects.exists()


def test_too_many_files_are_refused(minh, world, settings):
    settings.CITIZEN_MAX_FILES = 2
    body = _form(minh, world.procedure)
    body["doc-to-khai"] = [pdf(f"p{n}.pdf") for n in range(3)]

    response = minh.post(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/", body)

    assert response.status_code == 400
    assert "tối đa 2 tệp" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_earlier_file_is_reused_instead_of_uploaded_again(minh, world):
    earlier = own_dossier(world)
    old = DocumentVersion.objects.get(dossier=earlier, component="to-khai")
    body = _form(minh, world.procedure)
    assert f'value="{old.pk}"' in minh.get(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/").content.decode()
    body["reuse"] = [str(old.pk)]

    response = minh.post(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/", body)

    assert response.status_code == 302
    new = Dossier.objects.exclude(pk=earlier.pk).get()
    reused = DocumentVersion.objects.get(dossier=new, component="to-khai")
    assert reused.sha256 == old.sha256 and reused.file.name != old.file.name


def test_reusing_a_document_of_several_files_brings_all_of_them(minh, world):
    earlier = own_dossier(world)
    services.add_documents(
        dossier=earlier,
        actor=earlier.applicant_user,
        documents=[DocumentInput(component="to-khai", file=pdf("trang-2.pdf", PDF_BYTES + b"2"), add=True)],
    )
    pages = list(DocumentVersion.objects.filter(dossier=earlier, component="to-khai").order_by("part"))
    assert len(pages) == 2
    body = _form(minh, world.procedure)
    body["reuse"] = [str(pages[1].pk)]  # the one entry the form offers for the document

    response = minh.post(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/", body)

    assert response.status_code == 302
    new = Dossier.objects.exclude(pk=earlier.pk).get()
    reused = list(DocumentVersion.objects.filter(dossier=new, component="to-khai").order_by("part"))
    assert [(v.version, v.part, v.sha256) for v in reused] == [(1, p.part, p.sha256) for p in pages]


def test_someone_else_s_file_cannot_be_reused(minh, world):
    other = world.online_dossier()
    theirs = DocumentVersion.objects.filter(dossier=other).first()
    body = _form(minh, world.procedure)
    body["reuse"] = [str(theirs.pk)]

    response = minh.post(f"/dich-vu-cong/thu-tuc/{world.procedure.code}/nop/", body)

    assert response.status_code == 400
    assert "không thuộc hồ sơ của bạn" in response.content.decode()
    assert Dossier.objects.count() == 1
