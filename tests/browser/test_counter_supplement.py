"""In a real browser, at the counter: an applicant without the required form gets a supplement request from the
receipt form (the printed one-time list of what is missing), comes back with it, and the dossier is received under
the code issued the first time."""

import pytest

from dossiers.models import Dossier, Status
from tests.browser.test_counter_fees import sign_in
from tests.conftest import World
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_counter_asks_for_a_supplement_then_receives_the_dossier(page, live_server):
    world = World()
    sign_in(page, live_server, world.counter)

    page.goto(f"{live_server.url}/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}")
    page.get_by_label("Chủ hồ sơ").fill("Lò Văn Minh")
    page.get_by_label("Số điện thoại").fill("0912000111")
    page.get_by_label("Căn cước").check()  # the optional ID card on paper; the required form is not there
    page.get_by_label("Giấy tờ cần bổ sung, sửa đổi thêm").fill("Giấy khai sinh — bản sao có chứng thực")
    page.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    page.wait_for_url(f"{live_server.url}/can-bo/ho-so/*/")

    dossier = Dossier.objects.get(applicant_name="Lò Văn Minh")
    assert dossier.status == Status.SUBMITTED and dossier.awaiting_documents
    text = page.inner_text("body")
    assert f"Đã lập yêu cầu bổ sung cho hồ sơ {dossier.code}" in text
    assert "Tờ khai — Chưa nộp" in text and "Giấy khai sinh — bản sao có chứng thực" in text
    assert page.get_by_role("link", name="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (PDF)").count() == 1
    assert "Chưa thể “Tiếp nhận”" in page.locator(".actions").inner_text()

    # The applicant comes back with the form.
    page.locator("#tt-submit-supplement summary").click()
    panel = page.locator("#tt-submit-supplement")
    panel.get_by_label("Thành phần hồ sơ của tệp").select_option(label="Tờ khai")
    panel.get_by_label("Tệp đính kèm").set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    panel.get_by_role("button", name="Nộp bổ sung").click()
    page.wait_for_load_state()
    assert "Đã thực hiện “Nộp bổ sung”" in page.content()

    page.locator("#tt-receive summary").click()
    page.locator("#tt-receive button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã thực hiện “Tiếp nhận”" in page.content()
    received = Dossier.objects.get(pk=dossier.pk)
    assert received.status == Status.RECEIVED and received.code == dossier.code
    assert received.appointment_at is not None
