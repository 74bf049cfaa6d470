"""POST /api/v1/dossiers/{code}/actions/{action}/: each action through the API, its refusals, optimistic
concurrency (If-Match / expected_version) and Idempotency-Key."""

import datetime as dt

import pytest
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, DossierEvent, IdempotencyRecord, StepAssignment
from tests.concurrency import race
from tests.dossiers.api_support import action_url, client_for, create_body
from workflows.calendar import calendar_for


def post(user, code, action, body=None, **extra):
    return client_for(user).post(action_url(code, action), body or {}, format="json", **extra)


def events(dossier) -> list[str]:
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values_list("action", flat=True))


def test_receive_an_online_dossier(world):
    dossier = world.online_dossier()

    response = post(world.counter, dossier.code, "receive", {"note": "Đủ giấy tờ"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["appointment_at"] is not None
    assert body["version"] == dossier.version + 1
    assert events(dossier) == ["submit", "receive"]


def test_an_online_dossier_lacking_a_required_component_is_received_only_once_it_is_given(world):
    dossier = world.online_dossier(documents=[])

    refused = post(world.counter, dossier.code, "receive", {"note": "Đủ giấy tờ"})

    assert refused.status_code == 400
    assert "Chưa đủ thành phần hồ sơ bắt buộc: Tờ khai" in refused.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and events(dossier) == ["submit"]

    # the applicant hands the form in at the counter: the officer files it with the receipt
    given = {"documents": [{"component": "to-khai", "name": "Tờ khai", "paper_copy": True}]}
    received = post(world.counter, dossier.code, "receive", given)

    assert received.status_code == 200, received.json()
    assert received.json()["status"] == "received"
    assert events(dossier) == ["submit", "receive"]


def test_action_not_allowed_in_the_state_is_409_naming_state_and_allowed_actions(world):
    dossier = world.online_dossier()

    response = post(world.counter, dossier.code, "resolve", {"result": "approved"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["current_status"] == "submitted"
    assert "Mới đăng ký" in body["detail"]
    assert "receive" in body["allowed_actions"]
    assert events(dossier) == ["submit"]


def test_unknown_action_is_404_listing_the_valid_ones(world):
    dossier = world.counter_dossier()

    response = post(world.counter, dossier.code, "approve-everything")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_action"
    assert "request-supplement" in response.json()["detail"]


def test_officer_of_the_agency_without_the_role_is_403(world):
    dossier = world.online_dossier()

    response = post(world.specialist, dossier.code, "receive")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Dossier.objects.get(pk=dossier.pk).status == "submitted"


def test_officer_outside_the_dossier_agencies_gets_404(world):
    dossier = world.online_dossier()

    response = post(world.outsider, dossier.code, "receive")

    assert response.status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == "submitted"


def test_refuse_requires_a_note(world):
    dossier = world.online_dossier()

    missing = post(world.counter, dossier.code, "refuse", {})
    done = post(world.counter, dossier.code, "refuse", {"note": "Không thuộc thẩm quyền"})

    assert missing.status_code == 400
    assert "note" in missing.json()["errors"]
    assert done.status_code == 200
    assert done.json()["status"] == "rejected"


def test_start_with_an_assignee_by_username(world):
    dossier = world.counter_dossier()

    response = post(world.counter, dossier.code, "start", {"assignee": "canbo.motcua"})

    assert response.status_code == 200, response.json()
    assert response.json()["current_step"]["assignee"] == "canbo.motcua"


def test_unknown_assignee_is_400_naming_him(world):
    dossier = world.counter_dossier()

    response = post(world.counter, dossier.code, "start", {"assignee": "ma"})

    assert response.status_code == 400
    assert response.json()["errors"]["assignee"] == ["Không có cán bộ có tên đăng nhập “ma”."]


def test_assign_main_co_handlers_and_followers(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)

    response = post(
        world.leader,
        dossier.code,
        "assign",
        {"main": "canbo.motcua", "co_handlers": ["chuyenvien"], "followers": ["lanhdao"]},
    )

    assert response.status_code == 200, response.json()
    roles = dict(StepAssignment.objects.filter(step=dossier.current_step).values_list("user__username", "role"))
    assert roles == {"canbo.motcua": "main", "chuyenvien": "co", "lanhdao": "follower"}


def test_request_supplement_needs_the_complete_list(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)

    empty = post(world.counter, dossier.code, "request-supplement", {"missing_documents": []})
    done = post(
        world.counter,
        dossier.code,
        "request-supplement",
        {"missing_documents": ["Bản sao giấy khai sinh", {"component": "cccd", "name": "Căn cước", "reason": "Mờ"}]},
    )

    assert empty.status_code == 400
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["status"] == "supplement"
    assert body["clock_running"] is False
    assert [m["name"] for m in body["flags"]["missing_documents"]] == ["Bản sao giấy khai sinh", "Căn cước"]


def test_pause_needs_a_known_reason(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)

    bad = post(world.counter, dossier.code, "pause", {"reason": "lunch"})
    good = post(world.counter, dossier.code, "pause", {"reason": "inter_agency"})

    assert bad.status_code == 400
    assert "reason" in bad.json()["errors"]
    assert good.json()["status"] == "paused"
    assert good.json()["flags"]["pause_reason"] == "inter_agency"


def _next_working_day(dossier, after: dt.datetime) -> dt.date:
    calendar = calendar_for(dossier.competent_agency)
    day = timezone.localtime(after).date() + dt.timedelta(days=7)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def test_apologize_with_a_date_or_a_datetime_and_a_bad_format(world):
    dossier = world.counter_dossier(when=timezone.now() - dt.timedelta(minutes=5))  # not late: apologies come before
    day = _next_working_day(dossier, dossier.appointment_at)

    bad = post(world.leader, dossier.code, "apologize", {"new_appointment": "12/09/2025", "note": "Chờ xác minh"})
    no_note = post(world.leader, dossier.code, "apologize", {"new_appointment": day.isoformat()})
    good = post(world.leader, dossier.code, "apologize", {"new_appointment": day.isoformat(), "note": "Chờ xác minh"})

    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.json()["errors"]["new_appointment"][0]
    assert no_note.status_code == 400
    assert good.status_code == 200, good.json()
    assert timezone.localtime(dt.datetime.fromisoformat(good.json()["appointment_at"])).date() == day
    later_day = _next_working_day(dossier, timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    later = dt.datetime.combine(later_day, dt.time(10, 0)).isoformat()  # naive: local time
    again = post(world.leader, dossier.code, "apologize", {"new_appointment": later, "note": "Lần hai"})
    assert again.status_code == 200, again.json()
    moved = timezone.localtime(dt.datetime.fromisoformat(again.json()["appointment_at"]))
    assert (moved.date(), moved.hour) == (later_day, 10)
    earlier = post(world.leader, dossier.code, "apologize", {"new_appointment": day.isoformat(), "note": "Lùi"})
    assert earlier.status_code == 400
    assert "phải sau ngày hẹn hiện tại" in earlier.json()["detail"]


def test_resolve_and_return_result(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)

    bad = post(world.leader, dossier.code, "resolve", {"result": "maybe"})
    resolved = post(world.leader, dossier.code, "resolve", {"result": "approved"})
    returned = post(world.counter, dossier.code, "return-result", {"channel": "post"})

    assert bad.status_code == 400
    assert resolved.json()["status"] == "resolved"
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_channel"] == "post"


def test_return_result_with_an_unknown_channel_is_400(world):
    dossier = world.dossier_in("resolved")

    response = post(world.counter, dossier.code, "return-result", {"channel": "pigeon"})

    assert response.status_code == 400
    assert "pigeon" in response.json()["detail"]


def test_applicant_withdraws_his_online_dossier(world):
    dossier = world.online_dossier()

    response = post(world.applicant, dossier.code, "withdraw", {"note": "Không cần nữa"})

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["allowed_actions"] == []


def test_stop_needs_a_legal_reason(world):
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)

    assert post(world.leader, dossier.code, "stop", {}).status_code == 400
    response = post(world.leader, dossier.code, "stop", {"note": "Quá hạn bổ sung theo quy định"})
    assert response.json()["status"] == "stopped"


# -- optimistic concurrency -------------------------------------------------------------------------
def test_if_match_with_the_current_version_applies(world):
    dossier = world.counter_dossier()

    response = post(world.counter, dossier.code, "start", HTTP_IF_MATCH=f'"{dossier.version}"')

    assert response.status_code == 200


def test_if_match_mismatch_is_409_and_changes_nothing(world):
    dossier = world.counter_dossier()

    response = post(world.counter, dossier.code, "start", HTTP_IF_MATCH=str(dossier.version - 1))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["current_version"] == dossier.version
    assert "vừa được người khác cập nhật" in body["detail"]
    assert Dossier.objects.get(pk=dossier.pk).status == "received"


def test_expected_version_in_the_body(world):
    dossier = world.counter_dossier()

    stale = post(world.counter, dossier.code, "start", {"expected_version": dossier.version + 5})
    fresh = post(world.counter, dossier.code, "start", {"expected_version": dossier.version})

    assert stale.status_code == 409
    assert fresh.status_code == 200


def test_a_repeated_complete_step_naming_its_step_does_not_complete_the_next_one(world):
    dossier = world.counter_dossier()
    services.start_processing(dossier=dossier, actor=world.counter, assignee=world.counter)
    seen = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/").json()["current_step"]

    first = post(world.counter, dossier.code, "complete-step", {"step": seen["id"], "assignee": "chuyenvien"})
    again = post(world.counter, dossier.code, "complete-step", {"step": seen["id"], "assignee": "chuyenvien"})

    assert first.status_code == 200, first.json()
    assert first.json()["current_step"]["name"] == "Thẩm định"
    assert first.json()["current_step"]["id"] != seen["id"]
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "Thẩm định" in again.json()["detail"]
    assert again.json()["current_step"] == first.json()["current_step"]["id"]
    assert events(dossier).count("complete-step") == 1


def test_send_back_and_assign_check_the_step_too(world):
    dossier = world.counter_dossier()
    first_step = services.start_processing(dossier=dossier, actor=world.counter, assignee=world.counter).current_step_id
    services.complete_step(dossier=dossier, actor=world.counter, assignee=world.specialist)

    back = post(world.specialist, dossier.code, "send-back", {"step": first_step, "note": "Thiếu chữ ký"})
    assign = post(world.leader, dossier.code, "assign", {"step": first_step, "main": "chuyenvien"})

    assert back.status_code == 409, back.json()
    assert assign.status_code == 409, assign.json()
    assert events(dossier).count("send-back") == events(dossier).count("assign") == 0


def test_malformed_if_match_is_400(world):
    dossier = world.counter_dossier()

    response = post(world.counter, dossier.code, "start", HTTP_IF_MATCH="yesterday")

    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


# -- idempotency ------------------------------------------------------------------------------------
def test_repeated_action_with_the_same_key_returns_the_first_answer_and_changes_nothing(world):
    dossier = world.counter_dossier()
    services.start_processing(dossier=dossier, actor=world.counter, assignee=world.counter)

    first = post(world.counter, dossier.code, "complete-step", {"assignee": "chuyenvien"}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(world.counter, dossier.code, "complete-step", {"assignee": "chuyenvien"}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["current_step"]["name"] == "Thẩm định"
    assert events(dossier).count("complete-step") == 1
    assert IdempotencyRecord.objects.get(key="k-1").status_code == 200


def test_repeated_create_with_the_same_key_makes_one_dossier(world):
    client = client_for(world.counter)

    first = client.post("/api/v1/dossiers/", create_body(world), format="json", HTTP_IDEMPOTENCY_KEY="tao-1")
    again = client.post("/api/v1/dossiers/", create_body(world), format="json", HTTP_IDEMPOTENCY_KEY="tao-1")

    assert first.status_code == again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1


def test_same_key_for_another_path_is_422(world):
    a, b = world.counter_dossier(), world.counter_dossier()
    post(world.counter, a.code, "start", HTTP_IDEMPOTENCY_KEY="k-2")

    response = post(world.counter, b.code, "start", HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert b.code not in response.json()["detail"] and a.code in response.json()["detail"]
    assert Dossier.objects.get(pk=b.pk).status == "received"


def test_keys_belong_to_their_user(world):
    a = world.counter_dossier()
    post(world.counter, a.code, "start", HTTP_IDEMPOTENCY_KEY="k-3")

    other_user_same_key = post(world.leader, a.code, "pause", {"reason": "verification"}, HTTP_IDEMPOTENCY_KEY="k-3")

    assert other_user_same_key.status_code == 200
    assert other_user_same_key.json()["status"] == "paused"


def test_a_refused_request_is_not_stored_and_may_be_retried_with_its_key(world):
    dossier = world.online_dossier()

    refused = post(world.counter, dossier.code, "refuse", {}, HTTP_IDEMPOTENCY_KEY="k-4")
    retried = post(world.counter, dossier.code, "refuse", {"note": "Sai thẩm quyền"}, HTTP_IDEMPOTENCY_KEY="k-4")

    assert refused.status_code == 400
    assert retried.status_code == 200
    assert retried.json()["status"] == "rejected"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_apply_once(world):
    """Requests with one key at the same moment: one applies, the others replay its answer."""
    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)

    def call():
        return post(world.counter, dossier.code, "complete-step", {}, HTTP_IDEMPOTENCY_KEY="same")

    responses = race(*[call] * 4)

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert [r.status_code for r in responses] == [200] * 4
    assert len({r.json()["version"] for r in responses}) == 1
    assert events(dossier).count("complete-step") == 1
