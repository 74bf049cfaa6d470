"""Precompiled SQL for the few statements every dossier transition runs.

The ORM spends far longer building a statement than the database spends running it; a transition runs
six of them (between its BEGIN and COMMIT). These helpers build each statement's text once per model and
column set, and convert values with the fields' own `get_db_prep_save` and database converters, so rows read
and written here are exactly what the ORM would read and write. They skip model `save()`/`delete()` and their
signals: use them only for rows whose models define no behaviour there beyond what the caller does itself.

On PostgreSQL, `atomic()` sends a transaction's statements without waiting for each answer (psycopg's
pipeline mode), its BEGIN with the first of them and its COMMIT with the last: a transition then waits for
the server twice instead of eight times (the BEGIN with the locked read, the writes with the COMMIT), and
sends them to the socket in a few groups rather than one write (and two polls) each. A row whose INSERT is queued is
referred to by `key_of` (a look-up the database runs) rather than by a key the client would have to wait for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def _connection(model):
    return _connection_of(_alias(model))


# The connection of the innermost `atomic()` block open in this context. Looking a connection up in
# `connections` costs a microsecond (asgiref's context-local storage, behind a lock); a block's statements
# find theirs here. A context variable, as the storage it caches: what `connections` answers in this context.
_OPEN: ContextVar = ContextVar("fastsql_open_block", default=None)


def _connection_of(alias: str):
    conn = _OPEN.get()
    return conn if conn is not None and conn.alias == alias else connections[alias]


@cache
def _alias(model) -> str:
    return router.db_for_write(model)  # the routers are read once from the settings, as Django does


def _watched(conn) -> bool:
    """Whether something watches the queries (a debug cursor, `CaptureQueriesContext`, execute wrappers
    other than `pipelined`'s own). The first two are `conn.queries_logged`, read here at a tenth of its cost."""
    return (
        conn.force_debug_cursor
        or _debug()
        or (bool(conn.execute_wrappers) and any(not getattr(w, "fastsql", False) for w in conn.execute_wrappers))
    )


# Where the lazy settings keep each setting they have read, until it changes (`override_settings`, an assignment).
_READ_SETTINGS = settings.__dict__


def _debug() -> bool:
    """`settings.DEBUG`, from where the settings keep it once read (a dict look-up, where the lazy object's own
    attribute access costs ten times as much); from the settings themselves when they do not keep it."""
    try:
        return _READ_SETTINGS["DEBUG"]
    except KeyError:
        return settings.DEBUG


def _run(conn, sql: str, params, fetch: str | None = None):
    """Execute one statement and fetch its rows ("one", "all" or None).

    When nothing watches the queries, the statement goes to the backend's own cursor without Django's
    cursor wrapper, and on SQLite already in the driver's placeholder style (the wrapper would rewrite it
    with a regular expression on every call). Errors still come out as Django's database errors, and a
    broken transaction is still refused. In a `pipelined` block, a statement whose rows are not fetched
    is only queued."""
    if _watched(conn):
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if fetch == "one" else cursor.fetchall() if fetch == "all" else None
    pending = _pending_of(conn)
    if pending is not None:  # the block's own cursor; a fetch waits for every statement queued before it
        cursor = _send(conn, sql, params, cursor=_writer(conn))
        if fetch is None:
            return None
        with conn.wrap_database_errors:
            found = cursor.fetchone() if fetch == "one" else cursor.fetchall()
        if pending:
            _resolve(conn)
        return found
    cursor = _send(conn, sql, params)
    try:
        with conn.wrap_database_errors:
            found = cursor.fetchone() if fetch == "one" else cursor.fetchall() if fetch == "all" else None
    finally:
        cursor.close()
    return found


def _send(conn, sql: str, params, cursor=None):
    """Execute one statement and answer the cursor it ran on, rows not fetched: `cursor`, else a new cursor of
    the backend's own (closed if the statement fails)."""
    if not conn.in_atomic_block:  # a transaction connected when it began (closed in it: refused just below)
        conn.ensure_connection()
    conn.validate_no_broken_transaction()
    with conn.wrap_database_errors:
        sqlite = conn.vendor == "sqlite"
        if sqlite:
            sql = _qmark(sql)
        if cursor is not None:
            cursor.execute(sql, params)
            return cursor
        # create_cursor: what Django's own cursor wraps (time zone loaders included)
        cursor = conn.connection.cursor() if sqlite else conn.create_cursor()
        try:
            cursor.execute(sql, params)
        except BaseException:
            cursor.close()
            raise
    return cursor


# -- pipelining (PostgreSQL) ------------------------------------------------------------------------
def _pipelines(conn) -> bool:
    """Whether a `pipelined` block opened now would pipeline: PostgreSQL, nothing watching the queries, no
    block already open."""
    return conn.vendor == "postgresql" and not _watched(conn) and _pending_of(conn) is None


def _pending_of(conn) -> list | None:
    """The [(cursor, objs)] of the `pipelined` block open on `conn` (a connection belongs to one thread, as
    Django's do), None outside one."""
    return getattr(conn, "fastsql_pending", None)


def _writer(conn):
    """The `pipelined` block's cursor for every statement but the INSERTs whose keys it reads at its end (its
    locked read, its UPDATEs): one for the block. Errors come out when statements are answered, whatever the
    cursor."""
    writer = conn.fastsql_writer
    if writer is None:
        writer = conn.fastsql_writer = _cursor(conn)
    return writer


# Cursors a connection keeps for its next `pipelined` blocks: a new psycopg cursor copies the connection's
# adapters and (through Django) checks its time zone loader; a kept one has done so.
_SPARE_CURSORS = 8


def _spares(conn) -> list:
    """The cursors `conn` keeps for its blocks, of its current driver connection (a replaced one's are dropped)."""
    kept = getattr(conn, "fastsql_spares", None)
    if kept is None or kept[0] is not conn.connection:
        kept = conn.fastsql_spares = (conn.connection, [])
    return kept[1]


def _cursor(conn):
    """A cursor for the `pipelined` block open on `conn`: one the connection kept, else a new one of the
    backend's own (time zone loaders included); the block gives it back when it ends."""
    spares = _spares(conn)
    cursor = spares.pop() if spares else conn.create_cursor()
    conn.fastsql_taken.append(cursor)
    return cursor


def _give_back(conn, cursors: list, keep: bool) -> None:
    """Keep the block's cursors for the next blocks on the same connection (a few), close the rest."""
    spares = _spares(conn) if keep else []
    for cursor in cursors:
        if keep and len(spares) < _SPARE_CURSORS and not cursor.closed:
            spares.append(cursor)
        else:
            cursor.close()


def _resolve(conn) -> None:
    """Give the rows inserted with `defer_ids` their primary keys (their answers have arrived)."""
    pending = conn.fastsql_pending
    while pending:
        cursor, objs = pending.pop(0)
        with conn.wrap_database_errors:
            ids = [row[0] for row in cursor.fetchall()]
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk


@cache
def _holding_pipeline():
    """The class of the pipelines `pipelined` opens (psycopg is only needed on PostgreSQL)."""
    from psycopg import Pipeline
    from psycopg.generators import send

    class HoldingPipeline(Pipeline):
        """psycopg's pipeline, but statements wait in the client until the block sends them: when it fetches rows,
        when it ends, at an UPDATE, or when asked (`send_queued`). psycopg's own sends each statement as it is
        queued: a write to the socket and two polls per statement, and a wake-up of the server for each. A
        transition's eight statements go out in five groups (the locked read with the BEGIN, the clock events with
        the step's UPDATE, the dossier's UPDATE, the history row, the outbox row with the COMMIT), and the server
        still works on its UPDATEs and its history row while the client prepares what follows."""

        def _communicate_gen(self):
            queue = self.command_queue
            while queue:
                queue.popleft()()  # into libpq's output buffer
            return
            yield

        def _sync_gen(self):  # a statement through Django's cursor: what the block holds goes with it
            self._enqueue_sync()
            yield from self._communicate_gen()
            yield from send(self.pgconn)
            yield from self._fetch_gen(flush=False)

    return HoldingPipeline


def holding(raw) -> None:
    """Make the next pipeline opened on a psycopg connection (`raw.pipeline()`, which enters the one the connection
    has, else a new one of its own) a `HoldingPipeline`. For fastsql's blocks and for a bench sending the same
    statements without Django."""
    if raw._pipeline is None:
        raw._pipeline = _holding_pipeline()(raw)


def send_held(raw) -> None:
    """Send what a psycopg connection's `HoldingPipeline` holds (the answers are read later)."""
    if raw.pgconn.flush():  # not all of it went: psycopg's loop, which reads answers while it waits to send
        from psycopg.generators import send

        raw.wait(send(raw.pgconn))


def send_queued(using: str = DEFAULT_DB_ALIAS) -> None:
    """Send the statements the open `pipelined` block holds, so that the server works on them while the block goes
    on (nothing to do outside a block, or on other databases)."""
    _push(_connection_of(using))


def _push(conn) -> None:
    if _pending_of(conn) is not None:
        with conn.wrap_database_errors:
            send_held(conn.connection)


class _FirstError:
    """Raises a pipelined block's first error rather than psycopg's "pipeline aborted" over it.

    When the answer to a failed statement arrives only as the block ends, psycopg may read it and then, while
    fetching the answers after it (in a `finally`), raise PipelineAborted for those: the error itself, that
    a caller would handle (a unique key's IntegrityError, say), is left as that exception's context. Which of
    the two comes out depends on when the answers arrive."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            return False
        from psycopg.errors import Error, PipelineAborted  # psycopg is only needed on PostgreSQL

        first = error.__context__
        if issubclass(kind, PipelineAborted) and isinstance(first, Error) and not isinstance(first, PipelineAborted):
            raise first
        return False


@contextmanager
def pipelined(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, statements are sent without waiting for their answers until rows are fetched
    (psycopg's pipeline mode); the block ends once every answer has arrived, raising the first error any
    statement met. Use it inside `transaction.atomic()`, so that an error anywhere rolls the whole block
    back: an error shows at the next fetch or at the end of the block, not at the statement that caused
    it. Statements through Django's cursors still wait for their answers; server-side cursors
    (`QuerySet.iterator()`) cannot be opened in the block. On other databases, when something watches the
    queries, or when already pipelined: a plain block."""
    conn = _connection_of(using)
    if not _pipelines(conn):
        yield
        return
    conn.ensure_connection()
    conn.fastsql_pending, conn.fastsql_taken, conn.fastsql_writer = [], [], None
    answered_all = False
    raw = conn.connection
    holding(raw)
    try:
        with conn.wrap_database_errors, _FirstError(), raw.pipeline() as pipeline:

            def answered(execute, sql, params, many, context):
                """Statements through Django's cursors wait for their answer, as outside the block: Django
                reads a write's row count as soon as it has sent it."""
                result = execute(sql, params, many, context)
                with conn.wrap_database_errors:
                    pipeline.sync()
                return result

            answered.fastsql = True
            with conn.execute_wrapper(answered):
                yield
        _resolve(conn)
        answered_all = True
    finally:
        if raw._pipeline is not None and not raw._pipeline.level:  # psycopg refused to enter it (a broken connection)
            raw._pipeline = None
        taken = conn.fastsql_taken
        conn.fastsql_pending = conn.fastsql_taken = conn.fastsql_writer = None
        _give_back(conn, taken, keep=answered_all)


@contextmanager
def atomic(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """`transaction.atomic()` whose statements are `pipelined`. When it opens the transaction on PostgreSQL, it
    sends the BEGIN and the COMMIT itself, in the pipeline: the BEGIN is answered with the block's first read
    (psycopg would wait for its own), the COMMIT with the block's last writes (Django's own then finds the
    transaction committed and sends nothing). An error of any statement, the COMMIT's included, comes out of the
    block and nothing of it is committed; the `on_commit` callbacks run after the COMMIT was answered, as with
    Django's own."""
    conn = connections[using]
    token = _OPEN.set(conn)
    try:
        yield from _atomic_block(conn, using)
    finally:
        _OPEN.reset(token)


def _atomic_block(conn, using: str) -> Iterator[None]:
    opens = not conn.in_atomic_block
    with transaction.atomic(using=using):
        if conn.vendor != "postgresql":  # nothing to pipeline: Django's own block
            yield
        elif not (opens and _pipelines(conn)):  # inside an open block, or watched: its statements as they come
            with pipelined(using):
                yield
        else:
            with _begun_here(conn), pipelined(using):
                _queue(conn, "BEGIN")
                yield
                if not conn.needs_rollback:
                    _queue(conn, "COMMIT")


@contextmanager
def _begun_here(conn) -> Iterator[None]:
    """psycopg sends no BEGIN of its own in the block (it is in autocommit mode for psycopg, not for Django):
    the block sends it. Whatever happens, the block leaves no transaction open (what was not committed is
    rolled back) and psycopg as Django set it. A connection closed in the block is left to Django, which
    discards it."""
    raw = conn.connection
    raw.autocommit = True
    try:
        yield
    finally:
        _end_begun(conn, raw)


def _end_begun(conn, raw) -> None:
    """Roll back what the block left uncommitted and give psycopg back to Django's transaction mode."""
    from psycopg.pq import TransactionStatus  # psycopg is only needed on PostgreSQL

    if raw.closed:
        return
    try:
        if raw.pgconn.transaction_status != TransactionStatus.IDLE:
            with conn.wrap_database_errors:
                raw.rollback()
    finally:
        with conn.wrap_database_errors:
            raw.autocommit = False


def _queue(conn, command: str) -> None:
    """Queue a command without rows or parameters (BEGIN, COMMIT) in the block's pipeline: it goes with the next
    statement and its answer is awaited with the next fetch or at the end of the block."""
    with conn.wrap_database_errors:
        queue_command(conn.connection, command)


def queue_command(raw, command: str | bytes) -> None:
    """Queue `command` on a psycopg connection in pipeline mode as psycopg queues its own (`_exec_command`, which
    its `commit()` uses): no cursor, no parsing. For fastsql's blocks and for a bench sending the same
    statements without Django."""
    raw.wait(raw._exec_command(command))


@cache
def _qmark(sql: str) -> str:
    return sql.replace("%s", "?")


class Expression:
    """A column's value the database computes when the statement runs: SQL with %s placeholders, and their
    values."""

    __slots__ = ("sql", "params")

    def __init__(self, sql: str, params: Sequence = ()):
        self.sql, self.params = sql, list(params)


def key_of(obj: Model, *, by: Sequence[str]) -> object:
    """The primary key of `obj`, as a value of another row's column: the key itself once known; for a row
    whose INSERT is still queued (`defer_ids`), a look-up by its unique columns `by` (attribute names) that
    the database runs after that INSERT, in the same transaction, so the client need not wait for the key."""
    if obj.pk is not None:
        return obj.pk
    model, by = type(obj), tuple(by)
    conn = _connection(model)
    fields = [model._meta.get_field(name) for name in by]
    params = [f.get_db_prep_save(getattr(obj, f.attname), connection=conn) for f in fields]
    return Expression(_lookup_sql(model, conn.vendor, by), params)


@cache
def _lookup_sql(model, vendor: str, by: tuple[str, ...]) -> str:
    """The scalar subquery `key_of` gives: the key of the row of `model` whose columns `by` have the values."""
    qn = _connection(model).ops.quote_name
    meta = model._meta
    where = " AND ".join(f"{qn(meta.get_field(name).column)} = %s" for name in by)
    return f"(SELECT {qn(meta.pk.column)} FROM {qn(meta.db_table)} WHERE {where})"


def _insert_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@cache
def _insert_sql(model, vendor: str, rows: int, computed: tuple[tuple[int, str], ...] = ()) -> str:
    """The INSERT of `rows` rows; `computed` gives the SQL of the values (by position among all the rows'
    values) that are `Expression`s."""
    conn = _connection(model)
    qn = conn.ops.quote_name
    fields = _insert_fields(model)
    values = ["%s"] * (len(fields) * rows)
    for position, sql in computed:
        values[position] = sql
    width = len(fields)
    groups = ", ".join("(" + ", ".join(values[i : i + width]) + ")" for i in range(0, len(values), width))
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {groups} RETURNING {qn(model._meta.pk.column)}"
    )


def _inline(params: list) -> tuple[tuple[tuple[int, str], ...], list]:
    """The positions and SQL of the `Expression`s among `params`, and the parameters with theirs in place."""
    computed, flat = [], []
    for i, value in enumerate(params):
        if type(value) is Expression:
            computed.append((i, value.sql))
            flat += value.params
        else:
            flat.append(value)
    return tuple(computed), flat


# Values of these types go to the driver unchanged for these fields: it is what the fields' own
# `get_db_prep_save` would return for them, without the calls. Anything else takes the fields' path.
_AS_IS = {
    CharField: (str,),
    TextField: (str,),
    IntegerField: (int,),
    BooleanField: (bool,),
}
_SLOW = object()


# Where a field turns a Python value into the driver's: a field class that overrides none of them
# prepares values as its base class does.
_PREPARING = ("pre_save", "get_prep_value", "get_db_prep_value", "get_db_prep_save")


def _prepares_as(field, cls) -> bool:
    kind = type(field)
    return isinstance(field, cls) and all(getattr(kind, name) is getattr(cls, name) for name in _PREPARING)


def _plain_types(field) -> tuple[type, ...] | None:
    if isinstance(field, ForeignKey):
        target = field.target_field
        return (int,) if isinstance(target, IntegerField) else _plain_types(target)
    for cls, types in _AS_IS.items():
        if _prepares_as(field, cls):
            return types
    return None


def _fast_path(field, conn):
    """A function giving the driver's value for the common Python values of `field` exactly as the
    field's `get_db_prep_save` would, and `_SLOW` for the rest; None if the field has no fast path."""
    if _prepares_as(field, FloatField):
        # FloatField.get_prep_value gives float(value): an int goes as the float it would become
        return lambda v: v if v is None or type(v) is float else float(v) if type(v) is int else _SLOW
    types = _plain_types(field)
    if types is not None:
        return _as_is(types)
    if type(field) is DateTimeField and not (field.auto_now or field.auto_now_add) and conn.vendor in _AWARE:
        return _AWARE[conn.vendor](conn)
    if type(field) is JSONField:
        ops, encoder = conn.ops, field.encoder
        return lambda v: v if v is None else ops.adapt_json_value(v, encoder) if type(v) in (dict, list) else _SLOW
    return None


def _as_is(types: tuple[type, ...]):
    """The fast path of a field whose values of `types` go to the driver as they are."""

    def prepare(v):
        if v is None or type(v) in types:
            return v
        if isinstance(v, Enum) and type(v._value_) in types:
            # A choices member (`Status.PAUSED`), which the field hands the driver as it is: the driver stores
            # its value, a plain str or int. Given the value, it looks up no adapters for the enum's class.
            return v._value_
        return _SLOW

    return prepare


def _aware_sqlite(conn):
    tz = conn.timezone  # what `adapt_datetimefield_value` makes aware values naive in

    def prepare(v):
        if v is None:
            return None
        if type(v) is dt.datetime and v.tzinfo is not None:
            # str(v.astimezone(tz).replace(tzinfo=None)), as Django writes it: combine() drops the zone in a
            # tenth of the time replace() takes, and str() is isoformat(" ").
            local = v.astimezone(tz)
            return _combine(local, local.time()).isoformat(" ")
        return _SLOW

    return prepare


_combine = dt.datetime.combine


def _aware_postgresql(conn):
    return lambda v: v if v is None or (type(v) is dt.datetime and v.tzinfo is not None) else _SLOW


_AWARE = {"sqlite": _aware_sqlite, "postgresql": _aware_postgresql}


@cache
def _preparers(model, vendor: str, names: tuple[str, ...] | None):
    """(attname, fast path or None, field) for the columns of an INSERT (names None) or an UPDATE of
    `names`."""
    conn = _connection(model)
    fields = _insert_fields(model) if names is None else [model._meta.get_field(n) for n in names]
    return tuple((f.attname, _fast_path(f, conn), f) for f in fields)


def _params(obj, preparers, add: bool, conn) -> list:
    params = []
    values = obj.__dict__
    for attname, fast, field in preparers:
        if fast is not None and attname in values:
            value = fast(values[attname])
            if value is not _SLOW:
                params.append(value)
                continue
        value = field.pre_save(obj, add)
        params.append(value if type(value) is Expression else field.get_db_prep_save(value, connection=conn))
    return params


def insert(objs: Sequence[Model], *, defer_ids: bool = False) -> None:
    """INSERT new rows of one model in one statement and set their primary keys. With `defer_ids`, in a
    `pipelined` block, the statement is only queued and the keys are set when its answer arrives (at
    the latest when the block ends): for rows nothing in the block refers to by key. It goes to the server with
    the next statement sent (`send_queued` sends it at once)."""
    if not objs:
        return
    model = type(objs[0])
    conn = _connection(model)
    preparers = _preparers(model, conn.vendor, None)
    params = []
    for obj in objs:
        params += _params(obj, preparers, True, conn)
    computed = ()
    if Expression in map(type, params):
        computed, params = _inline(params)
    sql = _insert_sql(model, conn.vendor, len(objs), computed)
    pending = _pending_of(conn) if defer_ids else None
    if pending is not None and not _watched(conn):
        pending.append((_send(conn, sql, params, cursor=_cursor(conn)), list(objs)))
    else:
        for obj, row in zip(objs, _run(conn, sql, params, "all"), strict=True):
            obj.pk = row[0]
    for obj in objs:
        obj._state.adding = False
        obj._state.db = conn.alias


@cache
def _update_sql(model, vendor: str, names: tuple[str, ...]) -> str:
    qn = _connection(model).ops.quote_name
    sets = ", ".join(f"{qn(model._meta.get_field(n).column)} = %s" for n in names)
    return f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"


def update(obj: Model, names: Sequence[str]) -> None:
    """UPDATE the named columns of one row."""
    if not names:
        return
    model = type(obj)
    conn = _connection(model)
    names = tuple(names)
    sql = _update_sql(model, conn.vendor, names)
    params = _params(obj, _preparers(model, conn.vendor, names), False, conn)
    params.append(obj.pk)
    _run(conn, sql, params)
    _push(conn)  # in a `pipelined` block, at once: the server finds and locks the row while the block goes on


@cache
def _reader(model, vendor: str) -> tuple[tuple[int, tuple, object], ...]:
    """(position, converters, column) of the columns of `model` whose raw values need converting (the
    others are taken as the driver gives them), to build instances from raw rows."""
    conn = _connection(model)
    found = []
    for i, f in enumerate(model._meta.concrete_fields):
        col = f.get_col(model._meta.db_table)
        converters = conn.ops.get_db_converters(col) + f.get_db_converters(conn)
        if converters:
            found.append((i, tuple(_faster(c, conn) for c in converters), col))
    return tuple(found)


def _faster(converter, conn):
    """`converter`, or one giving the same values faster. For SQLite's datetime converter: a naive datetime (what
    the driver parses a stored value into) is made aware in the connection's time zone, as Django's `make_aware`
    does, without reading the settings for each value; anything else goes to Django's."""
    if conn.vendor != "sqlite" or converter != conn.ops.convert_datetimefield_value or conn.timezone is None:
        return converter
    tz = conn.timezone

    def convert(value, expression, connection):
        if type(value) is dt.datetime and value.tzinfo is None:
            return _combine(value, value.time(), tz)  # value.replace(tzinfo=tz), in a sixth of its time
        return converter(value, expression, connection)

    return convert


@cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def _plain_init(model) -> bool:
    """Whether an instance may be built without `Model.__init__`: nothing listens to its init signals
    (`__init__` would only assign each field's attribute, which is what `_instance` does)."""
    if not (pre_init.receivers or post_init.receivers):  # none for any model: the common case, answered at once
        return True
    return not (pre_init.has_listeners(model) or post_init.has_listeners(model))


def _instance(model, alias: str | None, values: dict):
    obj = model.__new__(model)
    obj._state = state = ModelState()
    state.adding = alias is None
    state.db = alias
    obj.__dict__.update(values)
    return obj


def _build(model, conn, values):
    converted = list(values)
    for i, converters, col in _reader(model, conn.vendor):
        value = converted[i]
        for converter in converters:
            value = converter(value, col, conn)
        converted[i] = value
    if _plain_init(model):
        return _instance(model, conn.alias, dict(zip(_attnames(model), converted, strict=True)))
    return model.from_db(conn.alias, list(_attnames(model)), converted)


@cache
def _defaults(model) -> tuple[tuple[str, object, bool], ...]:
    """(attname, default, whether the default is a callable) per concrete field."""
    found = []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            found.append((f.attname, f.default, True))
        else:
            found.append((f.attname, f.get_default(), False))
    return tuple(found)


def new(model, related: dict | None = None, /, **values):
    """A new, unsaved instance of `model`, as `model(**kwargs)` builds it, faster: `values` by attribute
    name (`dossier_id`, not `dossier`), defaults for the rest, and `related` objects put in the relation
    cache so reading them costs no query."""
    if not _plain_init(model):
        obj = model(**values)
    else:
        filled = {}
        for attname, default, call in _defaults(model):
            if attname in values:
                filled[attname] = values[attname]
            else:
                filled[attname] = default() if call else default
        obj = _instance(model, None, filled)
    if related:
        obj._state.fields_cache.update(related)
    return obj


@cache
def _select_sql(model, vendor: str, related: tuple[str, ...], where: str, lock: bool) -> str:
    conn = _connection(model)
    qn = conn.ops.quote_name
    meta = model._meta
    columns = [f"t0.{qn(f.column)}" for f in meta.concrete_fields]
    joins = []
    for i, name in enumerate(related, 1):
        field = meta.get_field(name)
        target = field.related_model
        columns += [f"t{i}.{qn(f.column)}" for f in target._meta.concrete_fields]
        kind = "LEFT JOIN" if field.null else "INNER JOIN"
        joins.append(
            f"{kind} {qn(target._meta.db_table)} t{i} ON t{i}.{qn(target._meta.pk.column)} = t0.{qn(field.column)}"
        )
    sql = f"SELECT {', '.join(columns)} FROM {qn(meta.db_table)} t0 {' '.join(joins)} WHERE t0.{where}"
    if lock and conn.features.has_select_for_update:
        sql += " FOR UPDATE OF t0" if conn.features.has_select_for_update_of else " FOR UPDATE"
    return sql


def get(model, *, where: str, params: Sequence, related: Sequence[str] = (), lock: bool = False):
    """One instance of `model` (or None) with its forward relations `related` loaded, optionally with
    its row locked (FOR UPDATE OF the row itself). `where` is a condition on columns of `model`, with
    %s placeholders, e.g. "id = %s"."""
    conn = _connection(model)
    sql = _select_sql(model, conn.vendor, tuple(related), where, lock)
    row = _run(conn, sql, list(params), "one")
    if row is None:
        return None
    width = len(model._meta.concrete_fields)
    obj = _build(model, conn, row[:width])
    offset = width
    for name in related:
        target = model._meta.get_field(name).related_model
        size = len(target._meta.concrete_fields)
        values = row[offset : offset + size]
        offset += size
        obj._state.fields_cache[name] = None if values[0] is None else _build(target, conn, values)
    return obj
