"""The officers' screens fit who uses them: navigation by role, the portal sync state of a dossier, amounts
with thousands separators."""

from django.utils import timezone

from dossiers.models import Status
from portal.models import OutboxMessage, OutboxState


def screen(client, dossier) -> str:
    return client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()


def test_only_counter_staff_see_the_counter_receipt_link(client, world):
    client.force_login(world.specialist)
    specialist = client.get("/can-bo/").content.decode()
    client.force_login(world.counter)
    counter = client.get("/can-bo/").content.decode()

    assert 'href="/can-bo/tiep-nhan/"' not in specialist
    assert "Tiếp nhận trực tiếp" not in specialist
    assert 'href="/can-bo/tiep-nhan/"' in counter


def test_dossier_screen_shows_its_portal_sync_state(client, world):
    dossier = world.dossier_in(Status.PROCESSING)
    client.force_login(world.counter)
    messages = OutboxMessage.objects.filter(dossier_code=dossier.code)
    assert messages.count() >= 2

    waiting = screen(client, dossier)
    assert "Đang chờ gửi" in waiting

    messages.update(state=OutboxState.DELIVERED, delivered_at=timezone.now())
    assert "Đã đồng bộ" in screen(client, dossier)

    latest = messages.order_by("-seq").first()
    OutboxMessage.objects.filter(pk=latest.pk).update(state=OutboxState.DEAD, last_error="HTTP 500 từ Cổng quốc gia")
    failed = screen(client, dossier)
    assert "Gửi lỗi" in failed
    assert "HTTP 500 từ Cổng quốc gia" in failed


def test_finishing_a_step_asks_for_a_result_only_on_the_last_step(client, world):
    dossier = world.dossier_in(Status.PROCESSING)
    client.force_login(world.counter)
    steps = dossier.process.ordered_steps()
    assert len(steps) >= 2

    first = screen(client, dossier)
    form = first.split('id="tt-complete-step"', 1)[1].split("</details>", 1)[0]
    assert "Kết quả giải quyết" not in form and 'name="result"' not in form
    assert "Ghi chú khi chuyển bước" in form
    assert 'name="assignee"' in form


def test_upload_hints_say_what_is_accepted(client, world, settings):
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    client.force_login(world.counter)

    counter = client.get("/can-bo/tiep-nhan/", {"thu_tuc": world.procedure.pk}).content.decode()

    assert "PDF, JPEG, PNG, DOCX, XML, tối đa 10 MB mỗi tệp." in counter
    assert 'accept=".pdf,.jpg,.png,.docx,.xml,application/pdf' in counter


def test_amounts_have_thousands_separators_at_the_counter_and_in_the_admin(client, world):
    world.procedure.fee_amount = 1_250_000
    world.procedure.save()
    client.force_login(world.counter)
    counter = client.get("/can-bo/tiep-nhan/", {"thu_tuc": world.procedure.pk}).content.decode()
    client.force_login(world.admin)
    admin = client.get("/admin/workflows/procedure/").content.decode()

    assert "1.250.000 đ" in counter
    assert "1.250.000 đ" in admin and "1250000" not in admin


def test_a_late_dossier_says_why_there_is_no_apology(client, world):
    dossier = world.dossier_in(Status.PROCESSING)  # received in 2025: long past its due date
    client.force_login(world.leader)

    page = screen(client, dossier)

    assert 'id="tt-apologize"' not in page
    assert "Chưa thể “Xin lỗi và hẹn lại ngày trả”" in page
    assert "đã quá hạn giải quyết nên không còn xin lỗi và hẹn lại được" in page


def test_a_step_held_by_another_handler_says_whose_it_is_and_what_unblocks_it(client, world):
    """The dossier is at the specialists' step "Thẩm định"; the counter officer who received it sees no
    "Hoàn thành bước" and is told why: whose step it is and when he can act."""
    from dossiers import services
    from tests.factories import at

    dossier = world.dossier_in(Status.PROCESSING)
    dossier = services.complete_step(
        dossier=dossier, actor=world.counter, assignee=world.specialist, at=at(2025, 8, 12, 11)
    )
    assert dossier.current_step.name == "Thẩm định"

    client.force_login(world.counter)
    page = screen(client, dossier)
    assert 'id="tt-complete-step"' not in page
    assert "Chưa thể “Hoàn thành bước”" in page
    assert (
        f"Hồ sơ đang ở bước “Thẩm định”, do {world.specialist.get_full_name()} (Chuyên viên xử lý của Sở Tư pháp) "
        "xử lý." in page
    )
    assert "khi lãnh đạo giao bước này cho bạn" in page

    client.force_login(world.specialist)
    own = screen(client, dossier)
    assert 'id="tt-complete-step"' in own
    assert "Chưa thể “Hoàn thành bước”" not in own


def test_notes_are_labelled_for_what_they_are_never_as_the_result(client, world):
    """The counter's receipt note and hand-over note are remarks; the last step's note is the result's content; a
    refusal's and a stop's texts are their reasons."""
    from dossiers import services
    from tests.factories import at, complete_documents

    client.force_login(world.counter)
    counter_form = client.get(f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}").content.decode()
    assert "Ghi chú tiếp nhận" in counter_form
    assert "không phải nội dung kết quả giải quyết" in counter_form

    dossier = world.counter_dossier(note="Công dân nộp thay cho chồng")
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))
    dossier = services.resolve_dossier(
        dossier=dossier,
        actor=world.leader,
        result="approved",
        note="Cấp giấy chứng nhận số 123",
        at=at(2025, 8, 12, 11),
    )
    page = screen(client, dossier)
    assert "<strong>Nội dung kết quả:</strong> Cấp giấy chứng nhận số 123" in page
    assert '<span class="muted">Ghi chú:</span> Công dân nộp thay cho chồng' in page
    assert '<span class="muted">Nội dung kết quả:</span> Cấp giấy chứng nhận số 123' in page
    form = page.split('id="tt-return-result"', 1)[1].split("</details>", 1)[0]
    assert "Ghi chú khi trả kết quả (không thay đổi nội dung kết quả)" in form
    assert "Nội dung kết quả / lý do" not in page

    refused = world.online_dossier(documents=complete_documents(world.procedure, files=True))
    refused = services.refuse_dossier(dossier=refused, actor=world.counter, note="Không thuộc thẩm quyền")
    assert "<strong>Lý do từ chối tiếp nhận:</strong> Không thuộc thẩm quyền" in screen(client, refused)

    stopped = world.dossier_in(Status.STOPPED)
    assert "<strong>Căn cứ, lý do dừng xử lý:</strong> Quá hạn bổ sung" in screen(client, stopped)
