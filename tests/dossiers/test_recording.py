"""What one transition writes, as another module or a database watcher sees it: the statements each use case
sends, only the columns it changed, the history row the outbox row refers to, Django's own save signals, each
condition asked once, and nothing at all when any part of it fails."""

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from dossiers import gates, services
from dossiers.models import ClockEvent, Dossier, DossierEvent, Status
from dossiers.signals import dossier_changed
from portal.models import OutboxMessage
from tests.factories import at

# Every count below includes the SAVEPOINT and RELEASE of the use case's own transaction (a test runs inside
# one); outside a test they are its BEGIN and COMMIT, which Django does not count.
BRACKETS = 2


@pytest.fixture
def processing(world):
    world.dossier_in(Status.PAUSED)  # the calendars and the status mapping are read and cached once
    dossier = world.counter_dossier(when=at(2025, 8, 12, 10))
    return services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 11))


def test_a_pause_sends_six_statements(world, processing, django_assert_num_queries):
    # The locked read with the current step; the dossier's and the step's clock rows in one INSERT; the step's
    # reading; the dossier's changed columns; the history row; the outbox row.
    with django_assert_num_queries(6 + BRACKETS):
        services.pause_dossier(dossier=processing, actor=world.counter, reason="verification", at=at(2025, 8, 12, 12))


def test_a_resume_sends_six_statements(world, processing, django_assert_num_queries):
    paused = services.pause_dossier(dossier=processing, actor=world.counter, reason="other", at=at(2025, 8, 12, 12))
    with django_assert_num_queries(6 + BRACKETS):
        services.resume_dossier(dossier=paused, actor=world.counter, at=at(2025, 8, 12, 13))


def test_a_note_sends_three_statements(world, processing, django_assert_num_queries):
    # Silent for the portal: the locked read, the dossier's sequence and version, the history row.
    with django_assert_num_queries(3 + BRACKETS):
        services.record_event(dossier=processing, actor=world.counter, action="note", note="Đã gọi điện")


def test_starting_and_completing_a_step_count_their_reads_of_the_process(world, django_assert_num_queries):
    world.dossier_in(Status.PAUSED)
    received = world.counter_dossier(when=at(2025, 8, 12, 10))
    # + the process version and its steps, the new step and its reading.
    with django_assert_num_queries(9 + BRACKETS):
        started = services.start_processing(dossier=received, actor=world.counter, at=at(2025, 8, 12, 11))
    # + the process version and its steps, the next step, the finished step's and the next step's readings.
    with django_assert_num_queries(10 + BRACKETS):
        services.complete_step(dossier=started, actor=world.counter, at=at(2025, 8, 12, 14))


def test_the_update_names_only_the_columns_the_use_case_changed(world, processing):
    with CaptureQueriesContext(connection) as queries:
        services.pause_dossier(dossier=processing, actor=world.counter, reason="verification", at=at(2025, 8, 12, 12))
    table = Dossier._meta.db_table
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert '"status"' in update and '"pause_reason"' in update and '"version"' in update
    for untouched in ("applicant_name", "code", "procedure_id", "received_at", "current_step_id"):
        assert f'"{untouched}"' not in update


def test_the_outbox_row_refers_to_the_history_row_of_its_change(world, processing):
    paused = services.pause_dossier(dossier=processing, actor=world.counter, reason="verification")
    event = DossierEvent.objects.get(dossier=paused, seq=paused.event_seq)
    row = OutboxMessage.objects.get(dossier_code=paused.code, seq=paused.event_seq)
    assert row.event_id == event.pk
    assert (event.action, event.from_status, event.to_status) == ("pause", "processing", "paused")
    assert event.step_id == paused.current_step_id and event.actor_name == world.counter.get_full_name()


def test_django_save_signals_see_a_transition(world, processing):
    seen = []

    def watcher(sender, instance, update_fields, **kwargs):
        seen.append((instance.code, instance.status, set(update_fields or ())))

    post_save.connect(watcher, sender=Dossier)
    try:
        services.pause_dossier(dossier=processing, actor=world.counter, reason="verification")
    finally:
        post_save.disconnect(watcher, sender=Dossier)
    assert [(code, status) for code, status, _fields in seen] == [(processing.code, Status.PAUSED)]
    assert {"status", "pause_reason", "version", "event_seq"} <= seen[0][2]


def test_a_receiver_that_fails_leaves_nothing_written(world, processing):
    before = (DossierEvent.objects.count(), ClockEvent.objects.count(), OutboxMessage.objects.count())

    def refuses(sender, **kwargs):
        raise RuntimeError("the receiving side is broken")

    dossier_changed.connect(refuses, dispatch_uid="test.refuses")
    try:
        with pytest.raises(RuntimeError):
            services.pause_dossier(dossier=processing, actor=world.counter, reason="verification")
    finally:
        dossier_changed.disconnect(dispatch_uid="test.refuses")
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING and processing.version == 2
    assert (DossierEvent.objects.count(), ClockEvent.objects.count(), OutboxMessage.objects.count()) == before


def test_each_condition_is_asked_once_per_request(world, monkeypatch):
    asked = []

    def counting_gate(dossier):
        asked.append(dossier.code)
        return None

    monkeypatch.setattr(gates, "_start_gates", [*gates._start_gates, counting_gate])
    received = world.counter_dossier()
    services.start_processing(dossier=received, actor=world.counter)
    assert asked == [received.code]  # the service's check and the transition method share one answer


def test_a_refused_start_says_why_the_gate_holds_it_asking_it_once(world, monkeypatch):
    asked = []

    def unpaid(dossier):
        asked.append(dossier.code)
        return "Chờ nộp phí"

    monkeypatch.setattr(gates, "_start_gates", [unpaid])
    received = world.counter_dossier()
    with pytest.raises(services.TransitionNotAllowed, match="Chờ nộp phí"):
        services.start_processing(dossier=received, actor=world.counter)
    assert asked == [received.code]
    assert "start" not in services.allowed_actions(Dossier.objects.get(pk=received.pk))


def _columns(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("state", [Status.RECEIVED, Status.PROCESSING, Status.PAUSED])
def test_the_locked_read_answers_what_the_orm_answers(world, state):
    # The dossier every use case locks is read by a statement compiled once; what it answers must be what the
    # ORM's own read answers, column by column (dates, JSON, decimals converted alike), with or without a step.
    from django.db import transaction

    from dossiers.services import lock_dossier

    dossier = world.dossier_in(state)
    with transaction.atomic():
        locked = lock_dossier(dossier.code)
        by_key = lock_dossier(dossier.pk)
        orm = Dossier.objects.select_related("current_step").select_for_update(of=("self",)).get(pk=dossier.pk)
    assert _columns(locked) == _columns(orm) == _columns(by_key)
    assert {type(v) for v in _columns(locked).values()} == {type(v) for v in _columns(orm).values()}
    assert locked.clock_state == orm.clock_state and isinstance(locked.clock_state, dict)
    if orm.current_step is None:
        assert locked.current_step is None and locked.current_step_id is None
    else:
        assert _columns(locked.current_step) == _columns(orm.current_step)
    assert not locked._state.adding and locked._state.db == orm._state.db
    locked.refresh_from_db()  # an ordinary instance in every other way


def test_locking_a_dossier_that_is_not_there_says_so(world):
    from django.db import transaction

    from dossiers.services import DossierNotFound, lock_dossier

    with transaction.atomic(), pytest.raises(DossierNotFound, match="KHONG-CO"):
        lock_dossier("KHONG-CO")
    with transaction.atomic(), pytest.raises(DossierNotFound):
        lock_dossier(10**9)
