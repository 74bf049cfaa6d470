"""Validation an admin can trust: agency identifier codes in the national format (QCVN 102), a result-transfer step
only last at publishing, steps inserted or moved without renumbering by hand, and the officers of a step picked
from its agency's staff rather than typed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers.models import HandlerRole, Status, StepAssignment
from tests.factories import ProcedureFactory, make_process, officer
from tests.test_admin import _url, _version_form
from workflows.models import Agency, ProcessStatus, ProcessStep, ProcessVersion, StaffRole, StepKind


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def _agency_form(code: str) -> dict:
    return {
        "code": code,
        "name": "Ủy ban nhân dân xã Mường Bú",
        "tier": "commune",
        "is_active": "on",
        "morning_start": "07:00",
        "morning_end": "11:30",
        "afternoon_start": "13:30",
        "afternoon_end": "17:00",
    }


@pytest.mark.parametrize("code", ["H52-0040", "000.00.40", "00.00.40.H52", "000.00.40.52H", "000.0A.40.H52"])
def test_an_agency_code_outside_the_national_format_is_refused(admin_client, code):
    response = admin_client.post(_url(Agency, "add"), _agency_form(code))

    assert response.status_code == 200
    assert "không đúng định dạng QCVN 102" in response.content.decode()
    assert not Agency.objects.filter(name="Ủy ban nhân dân xã Mường Bú").exists()


def test_an_agency_code_in_the_national_format_is_saved_in_capitals(admin_client):
    response = admin_client.post(_url(Agency, "add"), _agency_form(" 000.00.40.h52 "))

    assert response.status_code == 302
    assert Agency.objects.get(name="Ủy ban nhân dân xã Mường Bú").code == "000.00.40.H52"


def test_a_result_transfer_step_that_is_not_last_is_refused_at_publishing(admin_client, world):
    procedure = ProcedureFactory(competent_agency=world.agency)
    draft = make_process(procedure, publish=False)
    ProcessStep.objects.filter(process=draft, order=2).update(kind=StepKind.TRANSFER, name="Chuyển kết quả")

    with pytest.raises(ValidationError) as refused:
        draft.publish()
    assert "Bước chuyển kết quả “Chuyển kết quả” (đang là bước 2) phải là bước cuối cùng." in str(refused.value)

    response = admin_client.post(reverse("admin:workflows_processversion_publish", args=[draft.pk]), follow=True)
    assert "phải là bước cuối cùng" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProcessStatus.DRAFT

    ProcessStep.objects.filter(process=draft, order=2).update(kind=StepKind.APPRAISE, name="Thẩm định")
    ProcessStep.objects.filter(process=draft, order=4).update(kind=StepKind.TRANSFER)
    draft.publish()
    assert draft.status == ProcessStatus.PUBLISHED


def _names(version) -> list[tuple[int, str]]:
    return [(s.order, s.name) for s in version.ordered_steps()]


def test_a_step_inserted_at_a_position_moves_the_others_down(admin_client, world):
    draft = world.process.new_draft()
    data = _version_form(draft)
    data.update(
        {
            "steps-TOTAL_FORMS": "5",
            "steps-4-process": draft.pk,
            "steps-4-order": "2",
            "steps-4-name": "Xác minh thực địa",
            "steps-4-kind": "other",
            "steps-4-role": "specialist",
            "steps-4-time_limit_hours": "4",
            "steps-1-time_limit_hours": "8",  # Thẩm định gives the new step four of its hours
        }
    )

    response = admin_client.post(_url(ProcessVersion, "change", draft.pk), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert _names(draft) == [(1, "Tiếp nhận"), (2, "Xác minh thực địa"), (3, "Thẩm định"), (4, "Phê duyệt"), (5, "Ký")]
    assert draft.total_hours() == Decimal(24)


def test_a_step_moved_to_another_position_and_a_step_left_without_one_go_where_asked(admin_client, world):
    draft = world.process.new_draft()
    data = _version_form(draft, **{"steps-3-order": "1"})  # "Ký" first, for the sake of the test
    data.update(
        {
            "steps-TOTAL_FORMS": "5",
            "steps-4-process": draft.pk,
            "steps-4-order": "",
            "steps-4-name": "Trả kết quả",
            "steps-4-kind": "transfer",
            "steps-4-role": "counter",
            "steps-4-time_limit_hours": "1",
        }
    )

    response = admin_client.post(_url(ProcessVersion, "change", draft.pk), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert _names(draft) == [(1, "Ký"), (2, "Tiếp nhận"), (3, "Thẩm định"), (4, "Phê duyệt"), (5, "Trả kết quả")]


def test_co_handlers_and_followers_are_picked_from_the_step_agencys_staff(client, world):
    dossier = world.dossier_in(Status.PROCESSING)
    officer(world.agency, StaffRole.SPECIALIST, "chuyenvien2")
    client.force_login(world.leader)

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    form = page.split('id="tt-assign"', 1)[1].split("</details>", 1)[0]
    assert 'type="checkbox" name="co_handlers" value="chuyenvien2"' in form
    assert 'type="checkbox" name="followers" value="chuyenvien"' in form
    assert 'value="canbo.khac"' not in form  # an officer of another agency is not offered
    assert "tên đăng nhập, mỗi dòng" not in form

    refused = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/assign/", {"co_handlers": ["canbo.khac"], "version": dossier.version}
    )
    assert refused.status_code == 400
    assert not StepAssignment.objects.filter(user=world.outsider).exists()

    done = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/assign/",
        {"co_handlers": ["chuyenvien2"], "followers": ["chuyenvien"], "version": dossier.version},
    )
    assert done.status_code == 302
    roles = dict(StepAssignment.objects.filter(step=dossier.current_step).values_list("user__username", "role"))
    assert roles["chuyenvien2"] == HandlerRole.CO and roles["chuyenvien"] == HandlerRole.FOLLOWER
