"""The state table of DOMAIN §2, action by action and state by state, with who may act (Art. 15 of 003)
and the conditions some transitions carry."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from dossiers import services
from dossiers.models import FINAL_STATES, Action, ClockEvent, Dossier, Result, Status
from dossiers.services import (
    ACTION_SERVICES,
    ActionForbidden,
    DocumentInput,
    DossierError,
    InvalidInput,
    TransitionNotAllowed,
)
from tests.factories import ProcedureFactory, UserFactory, at, make_process
from workflows.clock import Verdict

S = Status
OPEN = (S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAUSED)

# DOMAIN §2, read as: action → {state it is allowed from: state it leads to}. Processing is taken at its
# second step, so that sending back has a step to return to and completing a step leads to the next one.
EXPECTED = {
    Action.RECEIVE: {S.SUBMITTED: S.RECEIVED},
    Action.REFUSE: {S.SUBMITTED: S.REJECTED},
    # "request supplement at receipt … keeps it submitted"; during processing → supplement.
    Action.REQUEST_SUPPLEMENT: {S.SUBMITTED: S.SUBMITTED, S.PROCESSING: S.SUPPLEMENT},
    # From submitted only after a request at receipt (a condition, tested below).
    Action.SUBMIT_SUPPLEMENT: {S.SUPPLEMENT: S.PROCESSING},
    Action.START: {S.RECEIVED: S.PROCESSING},
    Action.ASSIGN: {S.PROCESSING: S.PROCESSING},
    Action.COMPLETE_STEP: {S.PROCESSING: S.PROCESSING},
    Action.SEND_BACK: {S.PROCESSING: S.PROCESSING},
    Action.PAUSE: {S.PROCESSING: S.PAUSED},
    Action.RESUME: {S.PAUSED: S.PROCESSING},
    # An apology re-dates the appointment of a dossier that has one and is still open; state unchanged.
    Action.APOLOGIZE: {s: s for s in (S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAUSED)},
    Action.RESOLVE: {S.PROCESSING: S.RESOLVED},
    Action.RETURN_RESULT: {S.RESOLVED: S.RETURNED},
    Action.WITHDRAW: {s: S.WITHDRAWN for s in OPEN},
    Action.STOP: {s: S.STOPPED for s in (S.PROCESSING, S.SUPPLEMENT, S.PAUSED)},
}

WHEN = at(2025, 8, 12, 9)
LATER = at(2025, 8, 12, 16)


def inputs(world, action):
    """Valid inputs for each action (besides dossier, actor and at)."""
    return {
        Action.RECEIVE: {},
        Action.REFUSE: {"note": "Không thuộc thẩm quyền giải quyết"},
        Action.START: {},
        Action.ASSIGN: {"main": world.specialist},
        Action.COMPLETE_STEP: {},
        Action.SEND_BACK: {"note": "Cần thẩm định lại"},
        Action.REQUEST_SUPPLEMENT: {"missing_documents": ["Bản sao giấy khai sinh"]},
        Action.SUBMIT_SUPPLEMENT: {},
        Action.PAUSE: {"reason": "verification"},
        Action.RESUME: {},
        Action.APOLOGIZE: {"new_appointment": dt.date(2025, 9, 10), "note": "Chờ ý kiến cơ quan liên quan"},
        Action.RESOLVE: {"result": Result.APPROVED},
        Action.RETURN_RESULT: {},
        Action.WITHDRAW: {},
        Action.STOP: {"note": "Quá hạn bổ sung hồ sơ"},
    }[action]


def dossier_in(world, state):
    dossier = world.dossier_in(state, when=WHEN)
    if state == S.PROCESSING:
        dossier = services.complete_step(dossier=dossier, actor=world.counter, at=WHEN + dt.timedelta(hours=2))
    dossier.refresh_from_db()
    return dossier


def snapshot(dossier):
    dossier = Dossier.objects.get(pk=dossier.pk)
    return (
        dossier.status,
        dossier.version,
        dossier.events.count(),
        ClockEvent.objects.filter(dossier=dossier).count(),
        dossier.current_step_id,
        dossier.appointment_at,
    )


def refused(error, dossier, call):
    """Run `call`, expect `error`, and check that nothing of the dossier changed."""
    before = snapshot(dossier)
    with pytest.raises(error) as caught:
        call()
    assert snapshot(dossier) == before
    return caught.value


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(ACTION_SERVICES)


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", list(ACTION_SERVICES))
def test_every_action_from_every_state(world, action, state):
    dossier = dossier_in(world, state)
    service = ACTION_SERVICES[action]
    call = lambda: service(dossier=dossier, actor=world.admin, at=LATER, **inputs(world, action))  # noqa: E731
    target = EXPECTED[action].get(state)
    if target is not None:
        events = dossier.events.count()
        call()
        dossier.refresh_from_db()
        assert dossier.status == target
        assert dossier.events.count() == events + 1
        last = dossier.events.order_by("-seq").first()
        assert (last.action, last.from_status, last.to_status) == (action, state, target)
        return
    error = refused(TransitionNotAllowed, dossier, call)
    assert error.status == 409
    if action == Action.SUBMIT_SUPPLEMENT and state == S.SUBMITTED:
        assert error.code == "condition_failed"  # allowed only after a request at receipt
        assert "không có yêu cầu bổ sung" in error.message
    else:
        assert error.code == "transition_not_allowed"
        assert f"“{S(state).label}”" in error.message
        assert error.extra["current_status"] == state


# -- who may act -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "action"),
    [(S.SUBMITTED, Action.RECEIVE), (S.SUBMITTED, Action.REFUSE), (S.RESOLVED, Action.RETURN_RESULT)],
)
def test_a_counter_officer_of_another_agency_cannot_act(world, state, action):
    dossier = dossier_in(world, state)
    error = refused(
        ActionForbidden,
        dossier,
        lambda: ACTION_SERVICES[action](dossier=dossier, actor=world.outsider, at=LATER, **inputs(world, action)),
    )
    assert error.status == 403
    assert dossier.code in error.message


@pytest.mark.parametrize("action", [Action.RESOLVE, Action.STOP])
def test_a_specialist_cannot_resolve_or_stop(world, action):
    dossier = dossier_in(world, S.PROCESSING)  # at the specialist's own step
    refused(
        ActionForbidden,
        dossier,
        lambda: ACTION_SERVICES[action](dossier=dossier, actor=world.specialist, at=LATER, **inputs(world, action)),
    )
    ACTION_SERVICES[action](dossier=dossier, actor=world.leader, at=LATER, **inputs(world, action))
    dossier.refresh_from_db()
    assert dossier.status == EXPECTED[action][S.PROCESSING]


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.RECEIVED, Action.START),
        (S.PROCESSING, Action.COMPLETE_STEP),
        (S.PROCESSING, Action.ASSIGN),
        (S.PROCESSING, Action.PAUSE),
        (S.PROCESSING, Action.RESOLVE),
        (S.PROCESSING, Action.STOP),
        (S.PROCESSING, Action.APOLOGIZE),
        (S.PAUSED, Action.RESUME),
    ],
)
def test_a_leader_of_another_agency_cannot_act(world, state, action):
    dossier = dossier_in(world, state)
    error = refused(
        ActionForbidden,
        dossier,
        lambda: ACTION_SERVICES[action](dossier=dossier, actor=world.outside_leader, at=LATER, **inputs(world, action)),
    )
    assert error.status == 403


def test_the_applicant_withdraws_his_own_dossier_only(world):
    dossier = world.online_dossier(when=WHEN)
    stranger = UserFactory(username="nguoi.khac")
    refused(ActionForbidden, dossier, lambda: services.withdraw_dossier(dossier=dossier, actor=stranger, at=LATER))
    services.withdraw_dossier(dossier=dossier, actor=world.applicant, note="Tôi xin rút", at=LATER)
    dossier.refresh_from_db()
    assert dossier.status == S.WITHDRAWN
    assert dossier.events.order_by("-seq").first().actor == world.applicant


def test_the_applicant_submits_a_supplement_for_his_own_dossier_only(world):
    dossier = world.online_dossier(when=WHEN)
    services.receive_dossier(dossier=dossier, actor=world.counter, at=WHEN)
    services.start_processing(dossier=dossier, actor=world.counter, at=WHEN + dt.timedelta(hours=1))
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"], at=WHEN + dt.timedelta(hours=2)
    )
    stranger = UserFactory(username="nguoi.khac")
    refused(ActionForbidden, dossier, lambda: services.submit_supplement(dossier=dossier, actor=stranger, at=LATER))
    services.submit_supplement(dossier=dossier, actor=world.applicant, at=LATER)
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING


@pytest.mark.parametrize(
    ("state", "action"),
    [(S.SUBMITTED, Action.RECEIVE), (S.PROCESSING, Action.COMPLETE_STEP), (S.PROCESSING, Action.RESOLVE)],
)
def test_the_applicant_cannot_act_as_an_officer(world, state, action):
    dossier = world.online_dossier(when=WHEN)
    if state == S.PROCESSING:
        services.receive_dossier(dossier=dossier, actor=world.counter, at=WHEN)
        services.start_processing(dossier=dossier, actor=world.counter, at=WHEN + dt.timedelta(hours=1))
    refused(
        ActionForbidden,
        dossier,
        lambda: ACTION_SERVICES[action](dossier=dossier, actor=world.applicant, at=LATER, **inputs(world, action)),
    )


def test_an_officer_acts_on_his_own_step_only(world):
    dossier = world.dossier_in(S.PROCESSING, when=WHEN)  # step 1, the counter's
    refused(ActionForbidden, dossier, lambda: services.complete_step(dossier=dossier, actor=world.specialist, at=LATER))
    dossier = services.complete_step(dossier=dossier, actor=world.counter, at=LATER)
    assert dossier.current_step.name == "Thẩm định"


# -- conditions -------------------------------------------------------------------------------------
def test_a_supplement_asked_at_receipt_keeps_it_submitted_and_blocks_receipt(world):
    dossier = world.online_dossier(when=WHEN)
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=[{"name": "Bản sao CCCD", "reason": "Bản mờ"}], at=WHEN
    )
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED
    assert dossier.awaiting_documents is True
    assert dossier.missing_documents == [{"name": "Bản sao CCCD", "reason": "Bản mờ"}]
    assert dossier.clock_running is False
    error = refused(
        TransitionNotAllowed, dossier, lambda: services.receive_dossier(dossier=dossier, actor=world.counter, at=LATER)
    )
    assert "bổ sung" in error.message
    services.submit_supplement(
        dossier=dossier,
        actor=world.applicant,
        documents=[DocumentInput(component="cccd", paper_copy=True)],
        at=WHEN + dt.timedelta(hours=3),
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.awaiting_documents, dossier.missing_documents) == (S.SUBMITTED, False, [])
    services.receive_dossier(dossier=dossier, actor=world.counter, at=LATER)
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED


def test_start_is_refused_without_a_published_process(world):
    procedure = ProcedureFactory(competent_agency=world.agency)
    dossier = world.counter_dossier(procedure=procedure, when=WHEN)
    error = refused(
        TransitionNotAllowed, dossier, lambda: services.start_processing(dossier=dossier, actor=world.counter, at=LATER)
    )
    assert error.status == 409
    assert "chưa có quy trình" in error.message


def test_a_dossier_received_before_its_process_was_published_starts_on_it(world):
    procedure = ProcedureFactory(competent_agency=world.agency)
    dossier = world.counter_dossier(procedure=procedure, when=WHEN)
    process = make_process(procedure)
    services.start_processing(dossier=dossier, actor=world.counter, at=LATER)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.process) == (S.PROCESSING, process)
    assert dossier.current_step.name == "Tiếp nhận"


def test_send_back_is_refused_on_the_first_step(world):
    dossier = world.dossier_in(S.PROCESSING, when=WHEN)
    error = refused(
        TransitionNotAllowed,
        dossier,
        lambda: services.send_back(dossier=dossier, actor=world.admin, note="Làm lại", at=LATER),
    )
    assert "bước đầu tiên" in error.message


def test_send_back_reopens_the_previous_step_for_its_handler(world):
    dossier = world.dossier_in(S.PROCESSING, when=WHEN)
    services.complete_step(
        dossier=dossier, actor=world.counter, assignee=world.specialist, at=WHEN + dt.timedelta(hours=2)
    )
    services.complete_step(dossier=dossier, actor=world.specialist, at=WHEN + dt.timedelta(hours=3))
    services.send_back(dossier=dossier, actor=world.leader, note="Thẩm định lại", at=LATER)
    dossier.refresh_from_db()
    assert (dossier.current_step.name, dossier.current_step.assignee) == ("Thẩm định", world.specialist)
    assert dossier.steps.filter(name="Phê duyệt").get().status == "sent_back"
    assert dossier.steps.filter(name="Thẩm định").count() == 2


@pytest.mark.parametrize(
    ("state", "action", "kwargs"),
    [
        (S.SUBMITTED, Action.REFUSE, {"note": ""}),
        (S.SUBMITTED, Action.REFUSE, {"note": "   "}),
        (S.PROCESSING, Action.STOP, {"note": ""}),
        (S.PROCESSING, Action.SEND_BACK, {"note": ""}),
        (S.PROCESSING, Action.APOLOGIZE, {"note": "", "new_appointment": dt.date(2025, 9, 10)}),
        (S.PROCESSING, Action.REQUEST_SUPPLEMENT, {"missing_documents": []}),
        (S.SUBMITTED, Action.REQUEST_SUPPLEMENT, {"missing_documents": []}),
        (S.PROCESSING, Action.REQUEST_SUPPLEMENT, {"missing_documents": [{"reason": "không tên"}]}),
        (S.PROCESSING, Action.PAUSE, {"reason": "vì sao đó"}),
        (S.PROCESSING, Action.RESOLVE, {"result": "maybe"}),
        (S.PROCESSING, Action.RESOLVE, {"result": Result.REFUSED, "note": ""}),
        (S.PROCESSING, Action.ASSIGN, {}),
    ],
)
def test_missing_or_wrong_input_changes_nothing(world, state, action, kwargs):
    dossier = dossier_in(world, state)
    error = refused(
        InvalidInput, dossier, lambda: ACTION_SERVICES[action](dossier=dossier, actor=world.admin, at=LATER, **kwargs)
    )
    assert error.status == 400
    assert error.message


def test_completing_the_last_step_resolves_with_a_result_and_a_verdict(world):
    dossier = world.dossier_in(S.PROCESSING, when=WHEN)
    for hour, actor in ((11, world.counter), (14, world.specialist), (15, world.leader)):
        services.complete_step(dossier=dossier, actor=actor, at=at(2025, 8, 12, hour))
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING
    assert dossier.current_step.name == "Ký"
    services.complete_step(dossier=dossier, actor=world.leader, at=at(2025, 8, 13, 10))
    dossier.refresh_from_db()
    assert dossier.status == S.RESOLVED
    assert dossier.result == Result.APPROVED
    assert dossier.resolved_at == at(2025, 8, 13, 10)
    assert dossier.current_step is None
    assert dossier.clock_running is False
    assert dossier.verdict == Verdict.EARLY  # due 15/8 9:00
    assert dossier.steps.filter(status="done").count() == 4


def test_completing_the_last_step_with_a_refusal(world):
    dossier = world.dossier_in(S.PROCESSING, when=WHEN)
    for hour, actor in ((11, world.counter), (14, world.specialist), (15, world.leader)):
        services.complete_step(dossier=dossier, actor=actor, at=at(2025, 8, 12, hour))
    services.complete_step(
        dossier=dossier, actor=world.leader, result=Result.REFUSED, note="Không đủ điều kiện", at=at(2025, 8, 15, 10)
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.result, dossier.result_note) == (S.RESOLVED, Result.REFUSED, "Không đủ điều kiện")
    assert dossier.verdict == Verdict.LATE


# -- random walks -----------------------------------------------------------------------------------
class DossierLifecycle(RuleBasedStateMachine):
    """Random valid and invalid actions on one dossier by a superuser; the invariants hold after each."""

    world = None

    @initialize(online=st.booleans())
    def file(self, online):
        self.now = at(2025, 8, 11, 8)
        w = self.world
        self.dossier = w.online_dossier(when=self.now) if online else w.counter_dossier(when=self.now)
        self.code = self.dossier.code

    def act(self, action, **kwargs):
        self.now += dt.timedelta(minutes=37)
        before = Dossier.objects.get(pk=self.dossier.pk)
        marks = snapshot(before)
        try:
            ACTION_SERVICES[action](dossier=before, actor=self.world.admin, at=self.now, **kwargs)
        except DossierError as error:
            assert snapshot(before) == marks
            assert error.status in (400, 409), error.message
            if error.status == 409 and error.code == "transition_not_allowed":
                assert before.status not in EXPECTED[action]
                assert f"“{S(before.status).label}”" in error.message
            return
        after = Dossier.objects.get(pk=self.dossier.pk)
        if action == Action.SUBMIT_SUPPLEMENT and before.status == S.SUBMITTED:
            assert after.status == S.SUBMITTED
        elif action == Action.COMPLETE_STEP:
            assert after.status in (S.PROCESSING, S.RESOLVED)
        else:
            assert after.status == EXPECTED[action][before.status]

    @rule(note=st.sampled_from(["", "Hồ sơ không hợp lệ"]))
    def refuse(self, note):
        self.act(Action.REFUSE, note=note)

    @rule()
    def receive(self):
        self.act(Action.RECEIVE)

    @rule()
    def start(self):
        self.act(Action.START)

    @rule()
    def assign(self):
        self.act(Action.ASSIGN, main=self.world.specialist)

    @rule()
    def complete_step(self):
        self.act(Action.COMPLETE_STEP)

    @rule(note=st.sampled_from(["", "Làm lại"]))
    def send_back(self, note):
        self.act(Action.SEND_BACK, note=note)

    @rule(missing=st.lists(st.sampled_from(["Tờ khai", "Bản sao CCCD"]), max_size=2))
    def request_supplement(self, missing):
        self.act(Action.REQUEST_SUPPLEMENT, missing_documents=missing)

    @rule()
    def submit_supplement(self):
        self.act(Action.SUBMIT_SUPPLEMENT)

    @rule(reason=st.sampled_from(["verification", "financial", "không rõ"]))
    def pause(self, reason):
        self.act(Action.PAUSE, reason=reason)

    @rule()
    def resume(self):
        self.act(Action.RESUME)

    @rule(days=st.integers(min_value=-2, max_value=30))
    def apologize(self, days):
        self.act(Action.APOLOGIZE, new_appointment=dt.date(2025, 8, 20) + dt.timedelta(days=days), note="Xin lỗi")

    @rule(result=st.sampled_from(["approved", "refused"]), note=st.sampled_from(["", "Không đủ điều kiện"]))
    def resolve(self, result, note):
        self.act(Action.RESOLVE, result=result, note=note)

    @rule()
    def return_result(self):
        self.act(Action.RETURN_RESULT)

    @rule()
    def withdraw(self):
        self.act(Action.WITHDRAW)

    @rule(note=st.sampled_from(["", "Quá hạn bổ sung"]))
    def stop(self, note):
        self.act(Action.STOP, note=note)

    @invariant()
    def history_has_no_gaps(self):
        seqs = list(self.dossier.events.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
        assert Dossier.objects.get(pk=self.dossier.pk).event_seq == len(seqs)

    @invariant()
    def the_code_never_changes(self):
        assert Dossier.objects.get(pk=self.dossier.pk).code == self.code

    @invariant()
    def the_clock_runs_in_received_and_processing_only(self):
        dossier = Dossier.objects.get(pk=self.dossier.pk)
        assert dossier.clock_running == (dossier.status in (S.RECEIVED, S.PROCESSING))

    @invariant()
    def a_final_state_accepts_no_action(self):
        dossier = Dossier.objects.get(pk=self.dossier.pk)
        if dossier.status in FINAL_STATES:
            assert services.allowed_actions(dossier, self.world.admin) == []


def test_random_walks_keep_the_invariants(world):
    DossierLifecycle.world = world
    run_state_machine_as_test(
        DossierLifecycle,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
