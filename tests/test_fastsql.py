"""`onestop.fastsql` writes exactly what the ORM would: its fast value preparation gives, for every column,
the value the field's own `get_db_prep_save` gives, and rows it reads are the rows the ORM reads."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from dossiers import services
from dossiers.models import Action, ApplicantKind, ClockEvent, Dossier, DossierEvent
from onestop import fastsql
from portal.models import OutboxMessage


def generic(obj, add: bool, names=None) -> list:
    fields = fastsql._insert_fields(type(obj)) if names is None else [type(obj)._meta.get_field(n) for n in names]
    return [f.get_db_prep_save(f.pre_save(obj, add), connection=connection) for f in fields]


def comparable(values: list) -> list:
    return [getattr(v, "obj", v) for v in values]  # psycopg's Jsonb wraps the Python value


VALUES = {
    "an aware datetime": timezone.now(),
    "a datetime in +07:00": dt.datetime(2026, 2, 16, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))),
}


@pytest.mark.parametrize("when", VALUES.values(), ids=VALUES.keys())
def test_insert_values_match_the_orm(world, when):
    dossier = world.dossier_in("processing")
    event = fastsql.new(
        DossierEvent,
        None,
        dossier_id=dossier.pk,
        seq=99,
        action=Action.PAUSE,  # a choices member: the driver is given its value
        from_status="processing",
        to_status="paused",
        step_id=None,
        step_name="Thẩm định",
        actor_id=world.counter.pk,
        actor_name="Cán bộ",
        at=when,
        note="",
        data={"reason": "verification", "n": [1, 2]},
    )
    clock = fastsql.new(ClockEvent, None, dossier_id=dossier.pk, kind="paused", at=when, budget_seconds=3600)
    outbox = fastsql.new(
        OutboxMessage,
        None,
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        seq=99,
        kind="progress",
        national_status=4,
        mapping_version=1,
        payload={"MaHoSo": dossier.code},
        created_at=when,
        next_attempt_at=when,
    )
    for obj in (event, clock, outbox):
        fast = fastsql._params(obj, fastsql._preparers(type(obj), connection.vendor, None), True, connection)
        assert comparable(fast) == comparable(generic(obj, True)), type(obj).__name__
    event_params = fastsql._params(event, fastsql._preparers(DossierEvent, connection.vendor, None), True, connection)
    action = event_params[[f.attname for f in fastsql._insert_fields(DossierEvent)].index("action")]
    assert type(action) is str and action == "pause"
    kind = Dossier._meta.get_field("applicant_kind")  # an IntegerChoices member: its int, as the field makes it
    fast_kind = fastsql._fast_path(kind, connection)(ApplicantKind.BUSINESS)
    assert type(fast_kind) is int and fast_kind == kind.get_db_prep_save(ApplicantKind.BUSINESS, connection) == 2
    clock_params = fastsql._params(clock, fastsql._preparers(ClockEvent, connection.vendor, None), True, connection)
    budget = clock_params[[f.attname for f in fastsql._insert_fields(ClockEvent)].index("budget_seconds")]
    assert type(budget) is float and budget == 3600.0  # an int for a FloatField goes as the float it becomes


def test_update_values_and_rows_read_match_the_orm(world):
    dossier = services.pause_dossier(dossier=world.dossier_in("processing"), actor=world.counter, reason="verification")
    names = ("status", "clock_state", "due_at", "remaining_seconds", "clock_running", "pause_reason", "version")
    fast = fastsql._params(dossier, fastsql._preparers(Dossier, connection.vendor, names), False, connection)
    assert comparable(fast) == comparable(generic(dossier, False, names))

    read = fastsql.get(Dossier, where="id = %s", params=[dossier.pk], related=("procedure", "current_step"))
    orm = Dossier.objects.select_related("procedure", "current_step").get(pk=dossier.pk)
    for field in Dossier._meta.concrete_fields:
        ours, theirs = getattr(read, field.attname), getattr(orm, field.attname)
        assert (ours, getattr(ours, "tzinfo", None)) == (theirs, getattr(theirs, "tzinfo", None)), field.name
    assert sum(isinstance(getattr(read, f.attname), dt.datetime) for f in Dossier._meta.concrete_fields) >= 3
    assert read.procedure.__dict__.keys() >= {f.attname for f in read.procedure._meta.concrete_fields}
    assert read.current_step.name == orm.current_step.name and read.procedure.name == orm.procedure.name
    assert read._state.adding is False and read._state.db == "default"


# -- pipelined blocks (PostgreSQL's pipeline mode; a plain block elsewhere) ------------------------------
def _conflicting_outbox_row(dossier: Dossier) -> OutboxMessage:
    """An outbox row holding the (code, seq) the dossier's next change will take, so that change's own
    outbox INSERT (the last write of a transition, queued without waiting) fails."""
    return OutboxMessage.objects.create(
        dossier=dossier,
        event_id=dossier.events.order_by("seq").last().pk,
        dossier_code=dossier.code,
        seq=dossier.event_seq + 1,
        kind="progress",
        national_status=4,
        mapping_version=1,
        payload={},
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_a_failing_queued_write_rolls_the_whole_transition_back(world):
    """Errors of statements sent without waiting show at the end of the block; the transaction commits
    nothing of the change, and the connection stays usable."""
    dossier = world.dossier_in("processing")
    dossier.refresh_from_db()
    before = (dossier.status, dossier.version, dossier.events.count(), dossier.clock_events.count())
    blocker = _conflicting_outbox_row(dossier)
    with pytest.raises(IntegrityError):
        services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.events.count(), dossier.clock_events.count()) == before
    assert list(OutboxMessage.objects.filter(dossier=dossier, seq=blocker.seq)) == [blocker]

    blocker.delete()
    paused = services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
    assert paused.status == "paused" and paused.events.count() == before[2] + 1


@pytest.mark.django_db(transaction=True)
def test_orm_writes_in_a_pipelined_block_see_their_row_counts(world):
    """Django reads an UPDATE's row count as soon as it sends it (`save()` inserts when it is 0): in a
    pipelined block such statements still wait for their answer."""
    dossier = world.dossier_in("processing")
    with transaction.atomic(), fastsql.pipelined():
        assert (fastsql._pending_of(connection) is not None) == (connection.vendor == "postgresql")
        locked = fastsql.get(Dossier, where="id = %s", params=[dossier.pk], lock=True)
        assert Dossier.objects.filter(pk=dossier.pk).update(applicant_phone="0912345678") == 1
        assert Dossier.objects.filter(pk=-1).update(applicant_phone="0") == 0
        step = locked.steps.get(pk=locked.current_step_id)
        step.name = "Thẩm định lại"
        step.save(update_fields=["name"])  # raises "did not affect any rows" on a count read too early
    assert Dossier.objects.get(pk=dossier.pk).applicant_phone == "0912345678"


@pytest.mark.django_db(transaction=True)
def test_deferred_ids_are_set_by_the_end_of_the_block(world):
    dossier = world.dossier_in("processing")
    events = [
        fastsql.new(ClockEvent, None, dossier_id=dossier.pk, kind="paused", at=timezone.now(), reason="a"),
        fastsql.new(ClockEvent, None, dossier_id=dossier.pk, kind="resumed", at=timezone.now(), reason="b"),
    ]
    with transaction.atomic(), fastsql.pipelined():
        fastsql.get(Dossier, where="id = %s", params=[dossier.pk], lock=True)
        fastsql.insert(events, defer_ids=True)
        # Queued on PostgreSQL (no id until the answers are read); elsewhere inserted at once.
        assert all(e.pk is None for e in events) == (connection.vendor == "postgresql")
        fastsql.update(Dossier.objects.get(pk=dossier.pk), ["applicant_phone"])
    assert all(e.pk for e in events) and not any(e._state.adding for e in events)
    assert [ClockEvent.objects.get(pk=e.pk).reason for e in events] == ["a", "b"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_block_reads_and_writes_on_one_cursor_and_the_next_block_reuses_it(world):
    """The locked read and the UPDATEs of a pipelined block go on one cursor (BEGIN and COMMIT take none), which
    the connection keeps for its next block; an UPDATE that fails on it fails the block, which commits nothing
    and closes its cursors; the next block starts afresh, and a new connection keeps none of the old one's."""
    first, second = world.dossier_in("processing"), world.dossier_in("processing")
    with fastsql.atomic():
        one = fastsql.get(Dossier, where="id = %s", params=[first.pk], lock=True)
        writer = connection.fastsql_writer
        one.applicant_phone, one.applicant_email = "0912345678", "a@example.vn"
        fastsql.update(one, ["applicant_phone"])
        fastsql.update(one, ["applicant_email"])
        assert connection.fastsql_writer is writer and not writer.closed
    assert connection.fastsql_writer is None and not writer.closed
    assert Dossier.objects.values_list("applicant_phone", "applicant_email").get(pk=first.pk) == (
        "0912345678",
        "a@example.vn",
    )

    with pytest.raises(IntegrityError), fastsql.atomic():
        two = fastsql.get(Dossier, where="id = %s", params=[second.pk], lock=True)
        assert connection.fastsql_writer is writer  # kept from the block before
        two.applicant_phone, two.code = "0987654321", first.code  # the code is unique
        fastsql.update(two, ["applicant_phone"])
        fastsql.update(two, ["code"])
    assert Dossier.objects.values_list("code", "applicant_phone").get(pk=second.pk) == (
        second.code,
        second.applicant_phone,
    )
    assert writer.closed and connection.fastsql_writer is None and not connection.in_atomic_block

    paused = services.pause_dossier(dossier=second, actor=world.counter, reason="verification")
    assert Dossier.objects.get(pk=paused.pk).status == "paused"
    kept = list(connection.fastsql_spares[1])
    assert kept and not any(c.closed for c in kept)

    connection.close()
    resumed = services.resume_dossier(dossier=paused, actor=world.counter)
    assert Dossier.objects.get(pk=resumed.pk).status == "processing"
    assert connection.fastsql_spares[0] is connection.connection
    assert not set(map(id, connection.fastsql_spares[1])) & set(map(id, kept))
    assert all(c.connection is connection.connection for c in connection.fastsql_spares[1])


def _waits(trace: str) -> int:
    """How many times the client stopped sending to read the server's answers, from a libpq protocol
    trace (lines "F …" sent, "B …" received)."""
    directions = [line[0] for line in trace.splitlines() if line[:1] in ("F", "B")]
    return sum(1 for sent, got in zip(directions, directions[1:], strict=False) if sent == "F" and got == "B")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pipelined_transition_waits_for_the_server_twice_instead_of_eight_times(world, tmp_path):
    """The BEGIN with the locked read, then every write with the COMMIT (the outbox row finds the history row's
    key itself): two waits, where one statement at a time takes eight."""
    from psycopg import pq

    dossier = world.dossier_in("processing")
    for _ in range(3):  # as in service: caches filled, statements prepared (psycopg prepares on the 5th run)
        services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
        services.resume_dossier(dossier=dossier, actor=world.counter)
    connection.ensure_connection()
    pgconn = connection.connection.pgconn

    def traced(name, change) -> str:
        path = tmp_path / name
        with open(path, "w") as out:
            pgconn.trace(out.fileno())
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            try:
                change()
            finally:
                pgconn.untrace()
        return path.read_text()

    pipelined = traced(
        "pipelined", lambda: services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
    )
    assert _waits(pipelined) == 2, pipelined
    # BEGIN, the read, the five writes and the COMMIT went out, none skipped, the COMMIT last
    assert pipelined.count("\tExecute\t") == 8, pipelined
    assert '"COMMIT"' in pipelined.split("\tExecute\t")[-2], pipelined

    def one_at_a_time():  # something watching the queries turns pipelining off
        with connection.execute_wrapper(lambda execute, *args: execute(*args)):
            services.resume_dossier(dossier=dossier, actor=world.counter)

    unpipelined = traced("unpipelined", one_at_a_time)
    assert _waits(unpipelined) == 8, unpipelined


def test_the_statements_are_seen_by_whatever_watches_the_queries(world):
    """A debug cursor (DEBUG on, or `CaptureQueriesContext`) sees every statement of a transition, as it sees the
    ORM's; DEBUG turned on or off by `override_settings` or by an assignment counts at once."""
    from django.conf import settings
    from django.db import reset_queries
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    dossier = world.dossier_in("processing")
    assert not fastsql._watched(connection)
    with CaptureQueriesContext(connection) as captured:
        services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
    assert _written_tables(captured.captured_queries) >= {"dossiers_dossier", "dossiers_dossierevent"}
    with override_settings(DEBUG=True):
        assert fastsql._watched(connection)
        reset_queries()
        services.resume_dossier(dossier=dossier, actor=world.counter)
        assert _written_tables(connection.queries) >= {"dossiers_dossier", "dossiers_dossierevent"}
    assert not fastsql._watched(connection)
    before = settings.DEBUG
    try:
        settings.DEBUG = True
        assert fastsql._watched(connection)
    finally:
        settings.DEBUG = before
    assert not fastsql._watched(connection)


def test_a_pause_and_a_resume_read_only_the_locked_dossier_with_its_step(world):
    """Once the agency's calendar is cached, a pause and a resume each read one row: the dossier, locked, joined
    with its current step. The procedure and the agencies, which they do not use, are not read."""
    from django.test.utils import CaptureQueriesContext

    dossier = world.dossier_in("processing")
    services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
    services.resume_dossier(dossier=dossier, actor=world.counter)
    with CaptureQueriesContext(connection) as captured:
        services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
        services.resume_dossier(dossier=dossier, actor=world.counter)
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 2, reads
    assert all('"dossiers_dossierstep"' in sql for sql in reads)
    assert not any("workflows_" in sql for sql in reads), reads


def _written_tables(queries) -> set[str]:
    """The tables the INSERTs and UPDATEs among `queries` (Django's query log) write."""
    import re

    found = (re.match(r'\s*(?:INSERT INTO|UPDATE) "?(\w+)', q["sql"]) for q in queries)
    return {m.group(1) for m in found if m}


def test_a_field_class_that_prepares_its_values_itself_takes_its_own_path():
    from django.db.models import CharField

    class Upper(CharField):
        def get_prep_value(self, value):
            return super().get_prep_value(value).upper()

    field = Upper(max_length=10)
    field.set_attributes_from_name("code")
    assert fastsql._fast_path(field, connection) is None  # its values go through get_db_prep_save
    plain = CharField(max_length=10)
    plain.set_attributes_from_name("code")
    assert fastsql._fast_path(plain, connection)("abc") == "abc"
    assert fastsql._fast_path(Dossier._meta.get_field("status"), connection) is not None  # FSMField: a CharField


def test_a_model_whose_init_signals_are_listened_to_is_built_through_its_init(world):
    """Rows built without `Model.__init__` only while nothing listens to `pre_init`/`post_init`."""
    from django.db.models.signals import post_init

    dossier = world.dossier_in("processing")
    seen = []

    def listen(sender, instance, **kwargs):
        seen.append((sender, instance.pk))

    post_init.connect(listen, sender=Dossier)
    try:
        read = fastsql.get(Dossier, where="id = %s", params=[dossier.pk])
        made = fastsql.new(DossierEvent, None, dossier_id=dossier.pk, seq=1)
    finally:
        post_init.disconnect(listen, sender=Dossier)
    assert (Dossier, dossier.pk) in seen
    assert all(sender is Dossier for sender, _pk in seen)  # other models still go the fast way
    assert read.pk == dossier.pk and made.dossier_id == dossier.pk
    seen.clear()
    fastsql.get(Dossier, where="id = %s", params=[dossier.pk])
    assert seen == []


@pytest.mark.django_db(transaction=True)
def test_an_error_at_commit_comes_out_of_the_block_and_nothing_is_committed(world):
    """A check the database makes only at COMMIT (a deferred foreign key) fails the block like any other
    statement: the block raises, no row of it stays, and its on_commit callbacks do not run."""
    dossier = world.dossier_in("processing")
    called = []
    with pytest.raises(IntegrityError), fastsql.atomic():
        transaction.on_commit(lambda: called.append("committed"))
        fastsql.insert([fastsql.new(ClockEvent, None, dossier_id=dossier.pk, kind="paused", at=timezone.now())])
        fastsql.insert(
            [fastsql.new(ClockEvent, None, dossier_id=dossier.pk, step_id=-1, kind="paused", at=timezone.now())],
            defer_ids=True,
        )
    assert called == [] and not ClockEvent.objects.filter(dossier=dossier, kind="paused").exists()
    assert services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification").status == "paused"


@pytest.mark.django_db(transaction=True)
def test_the_commit_waits_for_the_outermost_block(world):
    """Inside a transaction someone else opened, the block commits nothing itself: the outer one can still roll
    its writes back."""
    dossier = world.dossier_in("processing")
    before = dossier.events.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
        raise RuntimeError("the outer use case fails after the pause")
    dossier.refresh_from_db()
    assert dossier.status == "processing" and dossier.events.count() == before


@pytest.mark.django_db(transaction=True)
def test_on_commit_callbacks_run_after_the_change_is_committed(world):
    """What an on_commit callback reads from another connection is the committed change, with the history row
    and the outbox row that refers to it by key."""
    dossier = world.dossier_in("processing")
    seen = []

    def look():
        other = connection.copy()  # a second connection: it sees only committed rows
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT status FROM dossiers_dossier WHERE id = %s", [dossier.pk])
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()

    with fastsql.atomic():
        transaction.on_commit(look)
        services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
    assert seen == ["paused"]
    event = dossier.events.get(action=Action.PAUSE)
    assert OutboxMessage.objects.get(dossier_id=dossier.pk, seq=event.seq).event_id == event.pk


@pytest.mark.django_db(transaction=True)
def test_a_row_refers_to_a_queued_row_by_its_identity(world):
    """`key_of` gives the key when it is known and, for a row whose INSERT is still queued, a look-up the
    database runs after it: the outbox row written for a queued history row holds that row's key."""
    from portal.services import record_change

    dossier = world.dossier_in("processing")
    with fastsql.atomic():
        locked = fastsql.get(Dossier, where="id = %s", params=[dossier.pk], lock=True)
        event = fastsql.new(
            DossierEvent, None, dossier_id=locked.pk, seq=locked.event_seq + 1000, action="pause", to_status="paused"
        )
        fastsql.insert([event], defer_ids=True)
        # Queued on PostgreSQL (a look-up); elsewhere inserted at once (its key).
        key = fastsql.key_of(event, by=DossierEvent.IDENTITY)
        assert isinstance(key, fastsql.Expression) == (connection.vendor == "postgresql")
        message = record_change(dossier=locked, event=event)
    assert OutboxMessage.objects.get(pk=message.pk).event_id == event.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["an exception", "a rollback asked for"])
def test_a_block_that_does_not_end_well_commits_nothing(world, how):
    """The block's own BEGIN and COMMIT: when its body raises, or asks for a rollback, what it wrote is rolled
    back and the connection goes on as before."""
    dossier = world.dossier_in("processing")
    before = dossier.events.count()

    def body():
        with fastsql.atomic():
            services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification")
            if how == "an exception":
                raise RuntimeError("the use case fails after its writes")
            transaction.set_rollback(True)

    if how == "an exception":
        with pytest.raises(RuntimeError):
            body()
    else:
        body()
    dossier.refresh_from_db()
    assert dossier.status == "processing" and dossier.events.count() == before
    assert services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification").status == "paused"
    with transaction.atomic():  # Django's own transactions still open and commit as before
        Dossier.objects.filter(pk=dossier.pk).update(applicant_phone="0912345678")
    assert Dossier.objects.get(pk=dossier.pk).applicant_phone == "0912345678"


@pytest.mark.postgres  # Django does not close the tests' in-memory SQLite database (it would lose it)
@pytest.mark.django_db(transaction=True)
def test_a_statement_after_the_connection_closed_in_the_transaction_is_refused(world):
    """Statements in a transaction use the connection it opened; one closed in it is not reopened: the next
    statement is refused, nothing of the transaction is committed, and the next transaction connects afresh."""
    dossier = world.dossier_in("processing")
    with pytest.raises(TransactionManagementError), fastsql.atomic():
        locked = fastsql.get(Dossier, where="id = %s", params=[dossier.pk], lock=True)
        locked.applicant_phone = "0912345678"
        fastsql.update(locked, ["applicant_phone"])
        connection.close()
        fastsql.update(locked, ["applicant_phone"])
    assert Dossier.objects.get(pk=dossier.pk).applicant_phone == dossier.applicant_phone
    assert services.pause_dossier(dossier=dossier, actor=world.counter, reason="verification").status == "paused"


def test_statements_in_a_block_use_its_connection_and_the_block_forgets_it_when_it_ends(world):
    """The open block's connection is what `connections` answers in its context; once the block has ended,
    normally or by an error, statements look theirs up again."""
    from django.db import connections
    from django.utils.connection import ConnectionDoesNotExist

    with fastsql.atomic():
        assert fastsql._OPEN.get() is connections["default"]
        assert fastsql._connection(Dossier) is connections["default"]
        with pytest.raises(ConnectionDoesNotExist):  # another alias is looked up, not given this block's
            fastsql._connection_of("other")
        with fastsql.atomic():  # a nested block: the same connection, still open when it ends
            pass
        assert fastsql._OPEN.get() is connections["default"]
    assert fastsql._OPEN.get() is None
    with pytest.raises(RuntimeError), fastsql.atomic():
        raise RuntimeError("the block fails")
    assert fastsql._OPEN.get() is None


def test_a_blocks_error_comes_out_rather_than_pipeline_aborted_over_it():
    """psycopg, reading a failed statement's answer as a pipeline ends, may raise "pipeline aborted" for the
    answers after it, with the error itself as that exception's context: the block raises the error."""
    from psycopg import errors

    with pytest.raises(errors.UniqueViolation, match="duplicate key"), fastsql._FirstError():
        try:
            raise errors.UniqueViolation("duplicate key")
        finally:
            raise errors.PipelineAborted("pipeline aborted")  # noqa: B012 - as psycopg's _exit_gen does
    with pytest.raises(errors.PipelineAborted), fastsql._FirstError():  # nothing under it: left as it is
        raise errors.PipelineAborted("pipeline aborted")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_block_holds_deferred_inserts_until_it_sends_and_sends_an_update_at_once(world):
    """In a pipelined block a deferred INSERT waits in the client for the next statement sent (or for
    `send_queued`); an UPDATE goes at once, with what was held before it. Seen from another session: the
    statement the block's session last received (pg_stat_activity), while the block is still open."""
    import time

    import psycopg

    dossier = world.dossier_in("processing")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    watcher = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"], autocommit=True
    )

    def last_received() -> str:
        return watcher.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]

    def received(prefix: str) -> bool:
        deadline = time.monotonic() + 5
        while not last_received().startswith(prefix):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def history_row(seq: int) -> DossierEvent:
        return fastsql.new(
            DossierEvent, None, dossier_id=dossier.pk, seq=seq, action=Action.NOTE, at=timezone.now(), data={}
        )

    with watcher:
        with fastsql.atomic():
            locked = fastsql.get(Dossier, where="id = %s", params=[dossier.pk], lock=True)
            assert received("SELECT")
            fastsql.insert([history_row(1001)], defer_ids=True)
            time.sleep(0.3)
            assert last_received().startswith("SELECT")  # held
            fastsql.send_queued()
            assert received("INSERT")
            fastsql.insert([history_row(1002)], defer_ids=True)
            locked.summary = "Sent with the INSERT held before it"
            fastsql.update(locked, ["summary"])
            assert received("UPDATE")
        assert DossierEvent.objects.filter(dossier=dossier, seq__in=[1001, 1002]).count() == 2
        assert Dossier.objects.get(pk=dossier.pk).summary == "Sent with the INSERT held before it"


@pytest.mark.postgres
def test_a_history_row_or_clock_event_that_refers_to_nothing_is_refused_when_written(world):
    """Their references are checked as each row is written (not at COMMIT, as Django's keys are), so the checks run
    while a transition goes on; a row referring to no dossier is still refused, at its own statement."""
    dossier = world.dossier_in("processing")
    missing = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    rows = {
        "history row": lambda dossier_id: DossierEvent.objects.create(
            dossier_id=dossier_id, seq=10_000, action=Action.NOTE, at=timezone.now()
        ),
        "clock event": lambda dossier_id: ClockEvent.objects.create(
            dossier_id=dossier_id, kind="paused", at=timezone.now()
        ),
    }
    for name, write in rows.items():
        refused_at = None
        with pytest.raises(IntegrityError), transaction.atomic():
            try:
                write(missing)
            except IntegrityError:
                refused_at = "statement"
                raise
            refused_at = "commit"
        assert refused_at == "statement", name
        write(dossier.pk)  # an existing dossier: written


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_block_on_a_broken_connection_leaves_no_pipeline_behind(world):
    """psycopg refuses to open a pipeline on a connection the server has dropped: the block fails with Django's
    error and leaves the connection as it found it, with no pipeline set for whatever uses it next."""
    from django.db import OperationalError

    connection.ensure_connection()
    raw = connection.connection
    raw.pgconn.finish()  # as when the server goes away
    try:
        with pytest.raises(OperationalError), fastsql.pipelined():
            pass
        assert raw._pipeline is None
    finally:
        connection.close()
