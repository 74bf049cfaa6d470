"""The Vietnamese admin: every page renders, processes are published only when they add up and stay
frozen after, the diagrams show the states and steps, and a dossier goes through its whole life by the
admin's action forms, each calling the service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Action, ClockEvent, DocumentVersion, Dossier, DossierEvent, Status
from dossiers.services import DocumentInput
from tests.dossiers.api_support import pdf_file
from workflows.calendar import load_national_year
from workflows.models import (
    CalendarDay,
    CalendarYear,
    Membership,
    ProcessStatus,
    ProcessVersion,
    StaffRole,
)


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _diagram(page: str) -> str:
    """The diagram's <svg> element in a page (the admin has icon svgs of its own)."""
    start = page.index('<svg xmlns="http://www.w3.org/2000/svg" id=')
    return page[start : page.index("</svg>", start)]


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- every page renders ------------------------------------------------------------------------------
def test_every_registered_model_has_working_list_and_change_pages(admin_client, world):
    world.dossier_in(Status.PROCESSING)
    world.counter_dossier(documents=[DocumentInput(component="to-khai", name="Tờ khai")])
    load_national_year(2025)
    Group.objects.create(name="Cán bộ một cửa")
    must_have_rows = {
        "workflows.agency",
        "workflows.field",
        "workflows.procedure",
        "workflows.processversion",
        "workflows.membership",
        "workflows.calendarday",
        "workflows.calendaryear",
        "auth.user",
        "dossiers.dossier",
        "dossiers.dossierevent",
        "dossiers.clockevent",
        "dossiers.documentversion",
    }
    checked = set()
    for model in [m for m in apps.get_models() if admin.site.is_registered(m)]:
        label = model._meta.label_lower
        response = admin_client.get(_url(model, "changelist"))
        assert response.status_code == 200, label
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        response = admin_client.get(_url(model, "change", obj.pk))
        assert response.status_code == 200, label
        checked.add(label)
    assert must_have_rows <= checked
    # The pages speak Vietnamese.
    response = admin_client.get(_url(Dossier, "changelist"))
    assert "Hồ sơ" in response.content.decode()
    assert "Sơ đồ trạng thái" in response.content.decode()


def test_add_pages_render(admin_client, world):
    for model in (ProcessVersion, CalendarDay, Membership, Dossier):
        assert admin_client.get(_url(model, "add")).status_code == 200, model


# -- processes ---------------------------------------------------------------------------------------
def _publish_action(client, version):
    return client.post(
        _url(ProcessVersion, "changelist"),
        {"action": "publish_versions", "_selected_action": [version.pk]},
        follow=True,
    )


def test_publish_action_publishes_a_draft_that_adds_up(admin_client, world):
    draft = world.process.new_draft()

    response = _publish_action(admin_client, draft)

    assert response.status_code == 200
    draft.refresh_from_db()
    world.process.refresh_from_db()
    assert draft.status == ProcessStatus.PUBLISHED
    assert draft.published_by == world.admin
    assert world.process.status == ProcessStatus.RETIRED
    assert any("Đã ban hành" in m for m in _messages(response))


def test_publish_action_refuses_a_draft_that_does_not_add_up(admin_client, world):
    draft = world.process.new_draft()
    step = draft.steps.get(order=2)
    step.time_limit_hours = Decimal(20)
    step.save()

    response = _publish_action(admin_client, draft)

    draft.refresh_from_db()
    world.process.refresh_from_db()
    assert draft.status == ProcessStatus.DRAFT
    assert world.process.status == ProcessStatus.PUBLISHED
    errors = [m for m in _messages(response) if "Tổng thời hạn các bước là 32 giờ làm việc" in m]
    assert errors, _messages(response)
    assert "24 giờ (3 ngày làm việc)" in errors[0]


def test_publish_button_on_the_change_page(admin_client, world):
    draft = world.process.new_draft()
    response = admin_client.get(_url(ProcessVersion, "change", draft.pk))
    assert "Ban hành" in response.content.decode()

    response = admin_client.post(reverse("admin:workflows_processversion_publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == ProcessStatus.PUBLISHED
    assert response.status_code == 200


def test_new_version_action_copies_the_steps_into_a_draft(admin_client, world):
    response = admin_client.post(
        _url(ProcessVersion, "changelist"),
        {"action": "make_new_drafts", "_selected_action": [world.process.pk]},
    )

    draft = ProcessVersion.objects.get(procedure=world.procedure, number=world.process.number + 1)
    assert response.status_code == 302
    assert response["Location"] == _url(ProcessVersion, "change", draft.pk)
    assert draft.status == ProcessStatus.DRAFT
    assert [s.name for s in draft.ordered_steps()] == [s.name for s in world.process.ordered_steps()]


def _version_form(version, **changes):
    steps = version.ordered_steps()
    data = {
        "procedure": version.procedure_id,
        "agency": "",
        "note": "Đổi ghi chú",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, step in enumerate(steps):
        data.update(
            {
                f"steps-{i}-id": step.pk,
                f"steps-{i}-process": version.pk,
                f"steps-{i}-order": step.order,
                f"steps-{i}-name": step.name,
                f"steps-{i}-kind": step.kind,
                f"steps-{i}-role": step.role,
                f"steps-{i}-unit": step.unit,
                f"steps-{i}-agency": "",
                f"steps-{i}-time_limit_hours": str(step.time_limit_hours),
            }
        )
    data.update(changes)
    return data


def test_editing_a_published_version_is_refused_without_a_server_error(admin_client, world):
    version = world.process
    before = [(s.name, s.time_limit_hours) for s in version.ordered_steps()]

    response = admin_client.post(
        _url(ProcessVersion, "change", version.pk), _version_form(version, **{"steps-1-time_limit_hours": "1"})
    )

    assert response.status_code == 200
    assert "Quy trình đã ban hành không được sửa; hãy tạo phiên bản mới." in response.content.decode()
    version.refresh_from_db()
    assert version.note == ""
    assert [(s.name, s.time_limit_hours) for s in version.ordered_steps()] == before


def test_a_draft_is_edited_with_its_steps(admin_client, world):
    draft = world.process.new_draft()

    response = admin_client.post(
        _url(ProcessVersion, "change", draft.pk),
        _version_form(draft, **{"steps-1-time_limit_hours": "8", "steps-1-name": "Thẩm định hồ sơ"}),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.note == "Đổi ghi chú"
    step = draft.steps.get(order=2)
    assert (step.name, step.time_limit_hours) == ("Thẩm định hồ sơ", Decimal(8))
    page = admin_client.get(_url(ProcessVersion, "change", draft.pk)).content.decode()
    assert "20 / 24 giờ làm việc" in page


def test_process_diagram_shows_every_step(admin_client, world):
    response = admin_client.get(_url(ProcessVersion, "change", world.process.pk))

    page = response.content.decode()
    assert response.status_code == 200
    svg = _diagram(page)
    for step in world.process.ordered_steps():
        assert f"{step.order}. {step.name}" in svg
    assert "Chuyên viên xử lý" in svg
    assert "12 giờ làm việc" in svg


# -- the dossier state machine diagram ----------------------------------------------------------------
def test_state_diagram_page_draws_every_state_and_action(admin_client, world):
    changelist = admin_client.get(_url(Dossier, "changelist")).content.decode()
    url = reverse("admin:dossiers_dossier_state_diagram")
    assert url in changelist

    response = admin_client.get(url + "?status=paused")

    assert response.status_code == 200
    page = response.content.decode()
    svg = _diagram(page)
    for _value, label in Status.choices:
        assert str(label) in svg
    for label in ("Tiếp nhận", "Chuyển xử lý", "Yêu cầu bổ sung", "Nộp bổ sung", "Tạm dừng", "Tiếp tục xử lý"):
        assert label in svg
    assert "Rút hồ sơ" in svg and "Dừng xử lý" in svg and "Trả kết quả" in svg
    assert 'class="node" data-key="paused"' in svg


# -- a dossier's whole life in the admin ------------------------------------------------------------
def _act(client, dossier, action, **data):
    dossier.refresh_from_db()
    return client.post(
        reverse("admin:dossiers_dossier_action", args=[dossier.pk, action]),
        {"version": dossier.version, **data},
    )


def test_the_admin_receives_a_dossier_only_complete(admin_client, world):
    form = {
        "procedure": world.procedure.pk,
        "receiving_agency": world.agency.pk,
        "applicant_name": "Trần Thị Bình",
        "applicant_kind": "1",
        "return_channel": "counter",
    }
    response = admin_client.post(_url(Dossier, "add"), form, follow=True)
    refusal = "Chưa đủ thành phần hồ sơ bắt buộc: Tờ khai. Chưa thể tiếp nhận; hãy yêu cầu bổ sung"
    assert refusal in response.content.decode()
    assert not Dossier.objects.exists()

    admin_client.post(_url(Dossier, "add"), {**form, "documents_complete": "on"})
    dossier = Dossier.objects.get()
    assert list(dossier.documents.values_list("component", "paper_copy")) == [("to-khai", True)]


def test_a_dossier_goes_through_its_whole_life_in_the_admin(admin_client, world):
    response = admin_client.post(
        _url(Dossier, "add"),
        {
            "procedure": world.procedure.pk,
            "receiving_agency": world.agency.pk,
            "applicant_name": "Trần Thị Bình",
            "applicant_kind": "1",
            "applicant_phone": "0987654321",
            "return_channel": "counter",
            "note": "Nhận đủ giấy tờ",
            "documents_complete": "on",
        },
    )
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bình")
    change_url = _url(Dossier, "change", dossier.pk)
    assert response.status_code == 302 and response["Location"] == change_url
    assert dossier.status == Status.RECEIVED and dossier.channel == "counter"
    code = dossier.code

    steps = [
        ("start", {"assignee": "canbo.motcua"}, Status.PROCESSING),
        ("complete-step", {"assignee": "chuyenvien", "note": "Đã kiểm tra"}, Status.PROCESSING),
        ("request-supplement", {"missing_documents": "Bản sao giấy khai sinh\nẢnh 4x6"}, Status.SUPPLEMENT),
        (
            "submit-supplement",
            {"note": "Đã nộp đủ", "document_component": "cccd", "document_file": pdf_file("cccd.pdf")},
            Status.PROCESSING,
        ),
        ("complete-step", {"assignee": "lanhdao"}, Status.PROCESSING),
        ("pause", {"reason": "verification", "note": "Chờ xác minh"}, Status.PAUSED),
        ("resume", {}, Status.PROCESSING),
        ("complete-step", {}, Status.PROCESSING),
        (
            "complete-step",
            {
                "result": "approved",
                "note": "Cấp giấy",
                "document_component": "ket-qua",
                "document_file": pdf_file("giay-phep.pdf"),
            },
            Status.RESOLVED,
        ),
        ("return-result", {"channel": "counter"}, Status.RETURNED),
    ]
    for action, data, expected in steps:
        page = admin_client.get(change_url).content.decode()
        assert reverse("admin:dossiers_dossier_action", args=[dossier.pk, action]) in page, action
        response = _act(admin_client, dossier, action, **data)
        assert response.status_code == 302, (action, _messages(response))
        assert response["Location"] == change_url
        dossier.refresh_from_db()
        assert dossier.status == expected, action

    assert dossier.code == code
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    assert [e.action for e in events] == [
        Action.RECEIVE,
        Action.START,
        Action.COMPLETE_STEP,
        Action.REQUEST_SUPPLEMENT,
        Action.SUBMIT_SUPPLEMENT,
        Action.COMPLETE_STEP,
        Action.PAUSE,
        Action.RESUME,
        Action.COMPLETE_STEP,
        Action.COMPLETE_STEP,
        Action.RETURN_RESULT,
    ]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert {e.dossier.code for e in events} == {code}
    assert all(e.actor == world.admin for e in events)
    assert events[3].data["missing_documents"] == [{"name": "Bản sao giấy khai sinh"}, {"name": "Ảnh 4x6"}]
    assert dossier.steps.count() == 4
    assert dossier.steps.get(order=2).assignee == world.specialist
    assert dossier.result == "approved" and dossier.return_channel == "counter"
    uploaded = dossier.documents.order_by("id").values_list("component", "is_result")
    assert list(uploaded) == [("to-khai", False), ("cccd", False), ("ket-qua", True)]  # the paper form at receipt
    assert ClockEvent.objects.filter(dossier=dossier, step__isnull=True, kind="paused").count() == 2
    # The history shows on the (read-only) change page.
    page = admin_client.get(change_url).content.decode()
    assert "Bản sao giấy khai sinh" in page
    assert "Bạn không có thao tác nào" in page


def test_an_action_the_state_does_not_allow_shows_the_error_and_changes_nothing(admin_client, world):
    dossier = world.counter_dossier()
    before = (dossier.status, dossier.version, dossier.events.count(), ClockEvent.objects.count())

    response = _act(admin_client, dossier, "resume", note="Tiếp tục")

    assert response.status_code == 409
    errors = _messages(response)
    assert any("Không thể “Tiếp tục xử lý” khi hồ sơ đang ở trạng thái “Đã tiếp nhận”" in m for m in errors), errors
    assert "Tiếp tục" in response.content.decode()  # the form is shown again with what was typed
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.events.count(), ClockEvent.objects.count()) == before


def test_a_refused_input_keeps_the_form_and_changes_nothing(admin_client, world):
    dossier = world.dossier_in(Status.PROCESSING)
    version = dossier.version

    response = _act(admin_client, dossier, "send-back", note="")
    assert response.status_code == 400
    response = _act(admin_client, dossier, "complete-step", assignee="khong.ton.tai")
    assert response.status_code == 400
    assert "Không tìm thấy cán bộ có tên đăng nhập “khong.ton.tai”." in response.content.decode()
    response = _act(admin_client, dossier, "complete-step", assignee="canbo.khac")
    assert response.status_code == 400
    assert any("không thuộc cơ quan thực hiện" in m for m in _messages(response))

    dossier.refresh_from_db()
    assert dossier.version == version and dossier.current_step.order == 1


def test_a_stale_form_is_refused(admin_client, world):
    dossier = world.dossier_in(Status.PROCESSING)
    stale = dossier.version - 1

    response = admin_client.post(
        reverse("admin:dossiers_dossier_action", args=[dossier.pk, "pause"]),
        {"version": stale, "reason": "financial"},
    )

    assert response.status_code == 409
    assert any("vừa được người khác cập nhật" in m for m in _messages(response))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def _working_day_after(dossier, days: int) -> dt.date:
    from dossiers.services import dossier_calendar

    day = timezone.localtime(dossier.appointment_at).date() + dt.timedelta(days=days)
    while not dossier_calendar(dossier).is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def test_apology_form_sets_a_new_appointment(admin_client, world):
    dossier = world.dossier_in(Status.PROCESSING, when=timezone.now() - dt.timedelta(hours=3))  # not late yet
    old = dossier.appointment_at
    day = _working_day_after(dossier, 10)

    response = _act(admin_client, dossier, "apologize", new_appointment=day.isoformat(), note="Cần xác minh thêm")

    assert response.status_code == 302, _messages(response)
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.appointment_at).date() == day
    assert dossier.appointment_at > old
    assert dossier.events.order_by("-seq").first().action == Action.APOLOGIZE


def test_change_page_offers_only_the_allowed_actions(admin_client, world):
    dossier = world.counter_dossier(when=timezone.now() - dt.timedelta(minutes=5))  # not late: apologies allowed

    page = admin_client.get(_url(Dossier, "change", dossier.pk)).content.decode()

    def link(action):
        return reverse("admin:dossiers_dossier_action", args=[dossier.pk, action])

    assert link("start") in page and link("withdraw") in page and link("apologize") in page
    assert link("resume") not in page and link("return-result") not in page
    # Every field is read-only: no save button on a dossier.
    assert 'name="_save"' not in page


def test_history_records_cannot_be_added_changed_or_deleted(admin_client, world):
    dossier = world.counter_dossier(documents=[DocumentInput(component="to-khai"), DocumentInput(component="cccd")])
    for model in (DossierEvent, ClockEvent, DocumentVersion):
        obj = model.objects.filter(dossier=dossier).first()
        assert admin_client.get(_url(model, "add")).status_code == 403
        assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
        assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
        model_admin = admin.site.get_model_admin(model)
        request = type("R", (), {"user": world.admin})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)
    assert admin_client.post(_url(Dossier, "delete", dossier.pk), {"post": "yes"}).status_code == 403
    assert Dossier.objects.filter(pk=dossier.pk).exists()


# -- calendar and people -----------------------------------------------------------------------------
def test_national_holidays_are_loaded_for_a_year_from_the_admin(admin_client, world):
    url = reverse("admin:workflows_calendarday_load_national")
    assert url in admin_client.get(_url(CalendarDay, "changelist")).content.decode()
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"year": "2026"}, follow=True)

    assert CalendarYear.objects.filter(year=2026).exists()
    assert CalendarDay.objects.filter(date=dt.date(2026, 9, 2), kind="holiday").exists()
    assert any("Đã nạp" in m and "2026" in m for m in _messages(response))
    edited = CalendarDay.objects.filter(date__year=2026).first()
    edited.name = "Sửa bởi quản trị"
    edited.save()

    response = admin_client.post(url, {"year": "2026"}, follow=True)

    assert any("đã được nạp trước đó" in m for m in _messages(response))
    edited.refresh_from_db()
    assert edited.name == "Sửa bởi quản trị"
    page = admin_client.get(_url(CalendarDay, "changelist") + "?year=2026").content.decode()
    assert "Quốc khánh" in page


def test_calendar_year_is_read_only(admin_client, world):
    load_national_year(2025)
    year = CalendarYear.objects.get(year=2025)
    assert admin_client.get(_url(CalendarYear, "add")).status_code == 403
    assert admin_client.post(_url(CalendarYear, "change", year.pk), {"year": 1999}).status_code == 403
    year.refresh_from_db()
    assert year.year == 2025


def test_roles_per_agency_are_assigned_on_the_user_page(admin_client, world):
    user = world.applicant
    page = admin_client.get(_url(type(user), "change", user.pk)).content.decode()
    assert "memberships-TOTAL_FORMS" in page

    response = admin_client.post(
        _url(type(user), "change", user.pk),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2025-08-01",
            "date_joined_1": "08:00:00",
            "initial-date_joined_0": "2025-08-01",
            "initial-date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-agency": world.other_agency.pk,
            "memberships-0-role": StaffRole.SPECIALIST,
            "memberships-0-unit": "Phòng Quản lý xây dựng",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=user)
    assert (membership.agency, membership.role, membership.unit) == (
        world.other_agency,
        StaffRole.SPECIALIST,
        "Phòng Quản lý xây dựng",
    )


def test_procedure_admin_links_to_its_processes_and_filters(admin_client, world):
    page = admin_client.get(_url(type(world.procedure), "change", world.procedure.pk)).content.decode()
    assert "procedure__id__exact=" in page
    assert "Xem 1 phiên bản quy trình" in page
    response = admin_client.get(_url(ProcessVersion, "changelist") + f"?procedure__id__exact={world.procedure.pk}")
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [world.process]
    listing = admin_client.get(_url(type(world.procedure), "changelist") + "?online_level__exact=partial")
    assert world.procedure in listing.context["cl"].queryset


def test_an_officer_sees_only_the_actions_his_role_allows(client, world):
    officer = world.counter
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="view_dossier"))
    dossier = world.counter_dossier(when=timezone.now() - dt.timedelta(minutes=5))
    client.force_login(officer)

    page = client.get(_url(Dossier, "change", dossier.pk)).content.decode()

    def link(action):
        return reverse("admin:dossiers_dossier_action", args=[dossier.pk, action])

    assert link("start") in page and link("withdraw") in page
    assert link("apologize") not in page  # a leader's action
    response = _act(client, dossier, "apologize", new_appointment="2025-08-25", note="Xin lỗi")
    assert response.status_code == 403
    assert any("Bạn không có quyền “Xin lỗi và hẹn lại ngày trả”" in m for m in _messages(response))
    dossier.refresh_from_db()
    assert dossier.events.count() == 1
