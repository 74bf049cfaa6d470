"""Transitions per second through the service layer, beside the same writes done raw, in one run.

    python bench/transitions.py                  # SQLite and PostgreSQL (postgres://postgres@127.0.0.1:5432)
    python bench/transitions.py --backend sqlite --transitions 20000 --rounds 5 --runs 5

Each transition is a pause or a resume of a dossier in processing, through `dossiers.services`: the row
locked, the transition checked (state, conditions, the officer's role and agency), the two clock events
appended to the ledger, the dossier and step saved, the history row and the portal outbox row inserted, in
one transaction, dated in working time whenever the bench runs (`_working_clock`). The limit printed
beside it is the same statements sent raw through the database driver (psycopg / sqlite3) with no ORM; on
PostgreSQL also the same statements from pgbench, PostgreSQL's own client in C, whose cost is next to
nothing (the server's limit; the psycopg column is the Python driver's).
The yardstick beside them, a bare ORM transition with django-fsm-2 and two inserts (the target was set at
830/725 of it). A run's figure is the median of its rounds; every run is
a fresh process with a fresh database, and the figures of all runs are printed with their range and median.
The machine is shared, so compare the columns of one run rather than runs with each other.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import time

from _common import SPREAD_HEADER, prepare_django, run_child, spread, world

TARGETS = {"postgresql": 830, "sqlite": 1500}
# Where the PostgreSQL target was set, a bare ORM transition with django-fsm-2 and two inserts ran at 725/s:
# the target is that yardstick × 830/725, so the yardstick measured in the same run scales it to this machine.
YARDSTICK = 830 / 725


def _prepare_django(backend: str, **options) -> dict:
    """`prepare_django` (`options` go to it) as the service is deployed: PostgreSQL with Redis as the broker,
    the embedded default (SQLite) with no server at all."""
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14") if backend == "postgresql" else None
    return prepare_django(backend, redis_url=redis_url, **options)


def _world(dossier_count: int):
    """A long procedure (so no dossier's clock runs out) of two steps, an officer who may work on the first,
    and dossiers in processing since yesterday."""
    return world(
        dossier_count,
        agency_code="000.00.99.H52",
        procedure_code="9.999999",
        field_code="BENCH",
        time_limit=60,
        steps=[("Thẩm định", "specialist", 400), ("Phê duyệt", "leader", 80)],
        roles=("counter", "specialist"),
        age=dt.timedelta(days=1),
    )


def _rounds(transitions: int, rounds: int, step) -> tuple[list[float], list[float]]:
    """Call `step(i)` for i = 0 … transitions − 1 in `rounds` rounds. Answers each round's rate (transitions
    per second) and this process's CPU time per transition in it, in ms (on PostgreSQL the client's share of
    the wall time, the rest being the wait for the server; SQLite works inside the process)."""
    per_round = transitions // rounds
    rates, cpu, i = [], [], 0
    for number in range(rounds):
        with AROUND_ROUND(number):
            began, cpu_began = time.perf_counter(), time.process_time()
            for _ in range(per_round):
                step(i)
                i += 1
            rates.append(per_round / (time.perf_counter() - began))
            cpu.append((time.process_time() - cpu_began) / per_round * 1000)
    return rates, cpu


# Entered around each round with its number (from 0); bench/instructions.py counts instructions in rounds.
AROUND_ROUND = contextlib.nullcontext


def _working_clock(dossier):
    """A clock that reads working time whenever the bench runs: from the start of the next working morning
    (of the dossiers' agency), advancing with the real time. A resume outside working hours (at lunch, at
    night, at the weekend) leaves the due date and the appointment where they were and so sends a shorter
    UPDATE than the raw columns; with this clock the service does the same work at any hour."""
    from django.utils import timezone

    from dossiers.services import dossier_calendar

    calendar = dossier_calendar(dossier)
    day = timezone.localdate() + dt.timedelta(days=1)
    while len(calendar.intervals(day)) < 2:  # a whole working day, so the morning is ahead
        day += dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, calendar.intervals(day)[0][0]))
    began = time.perf_counter()
    return lambda: start + dt.timedelta(seconds=time.perf_counter() - began)


def _service_rounds(officer, dossiers, transitions: int, rounds: int, clock) -> tuple[list[float], list[float]]:
    from dossiers import services

    paused = dict.fromkeys((d.pk for d in dossiers), False)

    def step(i):
        d = dossiers[i % len(dossiers)]
        if paused[d.pk]:
            services.resume_dossier(dossier=d, actor=officer, at=clock())
        else:
            services.pause_dossier(dossier=d, actor=officer, reason="verification", at=clock())
        paused[d.pk] = not paused[d.pk]

    return _rounds(transitions, rounds, step)


# The columns a pause or a resume updates, in the order the service sends them (the model's field order);
# _check_statements stops the run when the service sends others.
_STEP_COLUMNS = ("clock_state", "due_at", "remaining_seconds", "verdict", "status", "completed_at")
_PAUSE_COLUMNS = ("status", "remaining_seconds", "clock_running", "clock_state", "pause_reason", "event_seq", "version")
_RESUME_COLUMNS = (
    "status",
    "due_at",
    "appointment_at",
    "clock_running",
    "clock_state",
    "pause_reason",
    "event_seq",
    "version",
)


def _outbox_template() -> dict:
    """The latest outbox row (one the service wrote), by column, as a template."""
    from portal.models import OutboxMessage

    return OutboxMessage.objects.order_by("-id").values().first()


def _statements(vendor: str) -> dict[str, str]:
    """The texts the service sends for one transition, built by fastsql itself (the dossier's columns in
    the order it sends them), by name: lock, clock, step, pause and resume (the dossier's), event, outbox.
    On PostgreSQL the outbox row finds the history row's key by its identity (its INSERT is still queued)."""
    from dossiers.models import ClockEvent, Dossier, DossierEvent, DossierStep
    from onestop import fastsql
    from portal.models import OutboxMessage

    computed = ()
    if vendor == "postgresql":
        event_id = [f.attname for f in fastsql._insert_fields(OutboxMessage)].index("event_id")
        computed = ((event_id, fastsql._lookup_sql(DossierEvent, vendor, DossierEvent.IDENTITY)),)
    return {
        "lock": fastsql._select_sql(Dossier, vendor, ("current_step",), "id = %s", True),
        "clock": fastsql._insert_sql(ClockEvent, vendor, 2),
        "step": fastsql._update_sql(DossierStep, vendor, _STEP_COLUMNS),
        "pause": fastsql._update_sql(Dossier, vendor, _PAUSE_COLUMNS),
        "resume": fastsql._update_sql(Dossier, vendor, _RESUME_COLUMNS),
        "event": fastsql._insert_sql(DossierEvent, vendor, 1),
        "outbox": fastsql._insert_sql(OutboxMessage, vendor, 1, computed),
    }


def _with_event_lookup(columns: list[str], values: list, dossier_id, seq) -> list:
    """The outbox row's values as its PostgreSQL INSERT takes them: the history row's look-up by (dossier, seq)
    in the event_id's place."""
    at = columns.index("event_id")
    return values[:at] + [dossier_id, seq] + values[at + 1 :]


def _check_statements(officer, dossier, clock) -> None:
    """The raw and pgbench columns send the texts `_statements` builds, with the column lists written out
    above: stop, rather than print figures of other statements, when a pause and a resume through the service
    do not send every one of them (a column added to what they update, say). Leaves the dossier in processing."""
    from django.db import connection

    from dossiers import services
    from onestop import fastsql

    sent = set()
    send = fastsql._send

    def capture(conn, sql, params, cursor=None):  # where fastsql sends every statement with values
        sent.add(sql)
        return send(conn, sql, params, cursor)

    fastsql._send = capture
    try:
        services.pause_dossier(dossier=dossier, actor=officer, reason="verification", at=clock())
        services.resume_dossier(dossier=dossier, actor=officer, at=clock())
    finally:
        fastsql._send = send
    differing = [name for name, sql in _statements(connection.vendor).items() if sql not in sent]
    if differing:
        raise SystemExit(f"the service no longer sends the {', '.join(differing)} statement(s) the raw columns send")


def _raw_rounds(backend: str, dossiers, transitions: int, rounds: int, clock) -> tuple[list[float], list[float]]:
    """The statements of one transition as the service sends them (the same texts and columns, values of
    the same kinds and sizes), sent straight through the driver with no ORM: lock the row (with the current step
    joined), insert the two clock events, update the step and the dossier, insert the history row and the outbox
    row, commit; on PostgreSQL pipelined as the service pipelines them (the server is waited for twice: the BEGIN
    with the locked read, the writes with the COMMIT; the outbox row finds the history row's key itself) and sent
    in the same groups of writes to the socket."""
    from django.db import connection

    from dossiers.models import Dossier, DossierStep
    from onestop import fastsql

    statements = _statements(connection.vendor)
    dossier_t = Dossier._meta.db_table
    outbox_row = _outbox_template()
    rows = {
        d.pk: Dossier.objects.values_list("clock_state", "code").get(pk=d.pk)
        + DossierStep.objects.values_list("clock_state").get(pk=d.current_step_id)
        for d in dossiers
    }
    ids = [(d.pk, d.current_step_id) for d in dossiers]
    settings = connection.settings_dict
    connection.close()
    if backend == "postgresql":
        import psycopg

        conn = psycopg.connect(  # autocommit: the transaction's BEGIN and COMMIT are sent as the service sends them
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            autocommit=True,
        )
        jsonb = psycopg.types.json.Jsonb
    else:
        import sqlite3

        conn = sqlite3.connect(settings["NAME"], isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        jsonb = json.dumps
        statements = {name: fastsql._qmark(sql) for name, sql in statements.items()}
    lock_sql, clock_sql, step_sql, pause_sql, resume_sql, event_sql, outbox_sql = statements.values()
    cols = [c for c in outbox_row if c != "id"]  # the model's field order, as the INSERT lists them
    outbox_values = [jsonb(v) if isinstance(v, dict | list) else v for k, v in outbox_row.items() if k != "id"]
    cur = conn.cursor()
    # The INSERTs' cursors, whose keys are read once the pipeline has synced: kept from one transaction to
    # the next, as the service keeps its cursors.
    clock_cursor, event_cursor, outbox_cursor = conn.cursor(), conn.cursor(), conn.cursor()
    cur.execute(f'SELECT "id", "event_seq", "version" FROM "{dossier_t}"')
    seq_of = {pk: [seq, version] for pk, seq, version in cur.fetchall()}
    pipelined = backend == "postgresql"

    def when():
        now = clock().astimezone(dt.UTC)
        return now if backend == "postgresql" else now.replace(tzinfo=None).isoformat(" ")

    def sent():
        """Where the service sends what its block holds (after each UPDATE and the history row's INSERT)."""
        if pipelined:
            fastsql.send_held(conn)

    def transition(pk, step_id, before, after):
        """One transaction, up to its COMMIT. On PostgreSQL, as the service pipelines it: the clock, history
        and outbox INSERTs go on cursors of their own whose ids are read once the pipeline has synced, the
        outbox row's event_id is the history row's look-up by (dossier, seq), and the COMMIT goes with the
        writes."""
        dossier_clock, code, step_clock = rows[pk]
        kind = "resumed" if after == "processing" else "paused"
        reason = "verification" if after == "paused" else ""
        seq_of[pk][0] += 1
        seq_of[pk][1] += 1
        seq, version = seq_of[pk][0] + 1_000_000, seq_of[pk][1]
        at = when()
        if pipelined:
            fastsql.queue_command(conn, b"BEGIN")  # as the service queues it
        else:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(lock_sql, (pk,))
        cur.fetchone()
        clock_cur = clock_cursor if pipelined else cur
        clock_cur.execute(
            clock_sql, (pk, None, kind, at, at, None, None, reason, pk, step_id, kind, at, at, None, None, reason)
        )
        if not pipelined:
            cur.fetchall()
        cur.execute(step_sql, (jsonb(step_clock), at, 1440000.0, "", "active", None, step_id))
        sent()
        if after == "paused":
            cur.execute(pause_sql, (after, 1728000.0, False, jsonb(dossier_clock), reason, seq, version, pk))
        else:
            cur.execute(resume_sql, (after, at, at, True, jsonb(dossier_clock), reason, seq, version, pk))
        sent()
        event_cur = event_cursor if pipelined else cur
        event_cur.execute(
            event_sql,
            (pk, seq, kind[:-1], before, after, step_id, "Thẩm định", None, "bench.officer", at, "", jsonb({})),
        )
        sent()
        values = list(outbox_values)
        for name, value in (("seq", seq), ("dossier_id", pk), ("dossier_code", code)):
            values[cols.index(name)] = value
        if pipelined:
            values = _with_event_lookup(cols, values, pk, seq)
        else:
            values[cols.index("event_id")] = event_cur.fetchone()[0]
        outbox_cur = outbox_cursor if pipelined else cur
        outbox_cur.execute(outbox_sql, values)
        if pipelined:
            fastsql.queue_command(conn, b"COMMIT")
        return clock_cur, event_cur, outbox_cur

    status_of = dict.fromkeys(seq_of, "paused")

    def step(i):
        pk, step_id = ids[i % len(ids)]
        before = status_of[pk]
        after = "processing" if before == "paused" else "paused"
        if pipelined:
            fastsql.holding(conn)  # the pipeline the service's blocks open
            with conn.pipeline():
                cursors = transition(pk, step_id, before, after)
            for answered in cursors:
                answered.fetchall()
        else:
            transition(pk, step_id, before, after)[2].fetchone()
            cur.execute("COMMIT")
        status_of[pk] = after

    found = _rounds(transitions, rounds, step)
    conn.close()
    return found


class _Var(str):
    """A pgbench variable (`:id`), written into a statement as it is."""


class _Values:
    """The values of the pgbench script's statements, as pgbench variables (`-D v1=…`): pgbench sends them
    as parameters, as the service does (a literal could not hold a colon, which pgbench takes for a
    variable)."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def fill(self, sql: str, params) -> str:
        parts = sql.split("%s")
        if len(parts) != len(params) + 1:
            raise ValueError(f"{len(params)} values for {len(parts) - 1} placeholders")
        return "".join(part + self._one(value) for part, value in zip(parts, params, strict=False)) + parts[-1]

    def _one(self, value) -> str:
        if isinstance(value, _Var):
            return value
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, dt.datetime):
            text = value.isoformat()
        else:
            text = str(value)
        if not text:
            return "''"  # pgbench defines no empty variable
        name = self.names.setdefault(text, f"v{len(self.names) + 1}")
        return f":{name}"

    def options(self) -> list[str]:
        return [option for text, name in self.names.items() for option in ("-D", f"{name}={text}")]


def _pgbench_rounds(dossiers, transitions: int, rounds: int) -> list[float] | None:
    """The same statements (a pause's) from PostgreSQL's own client, pgbench (written in C, so the client costs next to
    nothing): prepared, the BEGIN with the locked read and the writes with the COMMIT sent as pipelines (two
    waits, as the service), one connection, per round `transitions / rounds` transactions on dossiers picked at random.
    Answers each round's transactions per second, or None when pgbench is not installed. The server's limit,
    where the raw column is the Python driver's."""
    import shutil
    import subprocess
    import tempfile

    from django.db import connection

    from dossiers.models import Dossier, DossierStep

    pgbench = shutil.which("pgbench")
    if pgbench is None:
        return None
    rows = sorted((d.pk, d.current_step_id) for d in dossiers)
    first, first_step = rows[0]
    if any((pk - first, step - first_step) != (i, i) for i, (pk, step) in enumerate(rows)):
        raise ValueError("pgbench picks dossiers by number: their ids and their steps' ids must run in step")
    sample = Dossier.objects.get(pk=first)
    step_clock = DossierStep.objects.values_list("clock_state", flat=True).get(pk=first_step)
    outbox = _outbox_template()
    settings = connection.settings_dict
    connection.close()
    at = dt.datetime.now(dt.UTC)
    pk, step_id, seq = _Var(":id"), _Var(":step"), _Var(":seq")
    values = _Values()
    # The code differs per dossier, as the outbox's unique (code, seq) needs; the server joins it.
    code = _Var(f"{values.fill('%s', [sample.code[:-4]])} || lpad((:id)::text, 4, '0')")
    statements = _statements("postgresql")
    outbox_values = {
        **{k: v for k, v in outbox.items() if k != "id"},
        **{"dossier_id": pk, "dossier_code": code, "seq": seq, "created_at": at, "next_attempt_at": at},
    }
    outbox_params = _with_event_lookup(list(outbox_values), list(outbox_values.values()), pk, seq)
    reason = "verification"
    writes = [
        values.fill(
            statements["clock"],
            (pk, None, "paused", at, at, None, None, reason, pk, step_id, "paused", at, at, None, None, reason),
        ),
        values.fill(statements["step"], (step_clock, at, 1440000.0, "", "active", None, step_id)),
        values.fill(statements["pause"], ("paused", 1728000.0, False, sample.clock_state, reason, seq, seq, pk)),
        values.fill(
            statements["event"],
            (pk, seq, "pause", "processing", "paused", step_id, "Thẩm định", None, "bench.officer", at, "", {}),
        ),
        values.fill(statements["outbox"], outbox_params),
        "COMMIT",
    ]
    script = "\n".join(
        [
            f"\\set n random(0, {len(rows) - 1})",
            f"\\set id {first} + :n",
            f"\\set step {first_step} + :n",
            "\\set seq random(1000000, 2000000000)",
            "\\startpipeline",
            "BEGIN;",
            values.fill(statements["lock"], (pk,)) + ";",
            "\\endpipeline",
            "\\startpipeline",
            *(w + ";" for w in writes),
            "\\endpipeline",
            "",
        ]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    command = [pgbench, "-n", "-M", "prepared", "-c", "1", "-j", "1", "-t", str(transitions // rounds), "-f", f.name]
    command += values.options()
    command += ["-h", settings["HOST"], "-p", str(settings["PORT"] or 5432), "-U", settings["USER"], settings["NAME"]]
    env = {**os.environ, **({"PGPASSWORD": settings["PASSWORD"]} if settings.get("PASSWORD") else {})}
    rates = []
    try:
        for _ in range(rounds):
            try:
                done = subprocess.run(command, capture_output=True, text=True, env=env)
            except OSError as exc:
                raise RuntimeError(f"pgbench did not start: {exc}") from None
            if done.returncode:
                raise RuntimeError(f"pgbench failed: {done.stderr[-2000:]}")
            if "tps = " not in done.stdout:
                raise RuntimeError(f"pgbench printed no rate: {done.stdout[-500:]}")
            rates.append(float(done.stdout.split("tps = ", 1)[1].split()[0]))
    finally:
        os.unlink(f.name)
    return rates


def _bare_orm_rounds(dossiers, transitions: int, rounds: int) -> tuple[list[float], list[float]]:
    """The yardstick the targets were set against: a bare ORM transition with django-fsm-2 and two inserts
    (lock and read the row, the FSM method, save the state, create the history row and the outbox row), on
    the same tables, with none of the service's checks, clocks or precompiled statements."""
    from django.db import transaction
    from django.utils import timezone

    from dossiers.models import Dossier, DossierEvent
    from portal.models import OutboxMessage

    own = ("id", "dossier_id", "dossier_code", "seq", "event_id")
    template = {k: v for k, v in _outbox_template().items() if k not in own}
    pks = [d.pk for d in dossiers]

    def step(i):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().get(pk=pks[i % len(pks)])
            before = d.status
            if before == "paused":
                d.resume()
            else:
                d.pause(reason="verification")
            d.event_seq += 1
            d.save(update_fields=["status", "pause_reason", "event_seq"])
            seq = d.event_seq + 2_000_000
            event = DossierEvent.objects.create(
                dossier=d, seq=seq, action="pause", from_status=before, to_status=d.status, at=timezone.now()
            )
            OutboxMessage.objects.create(dossier=d, dossier_code=d.code, seq=seq, event_id=event.pk, **template)

    return _rounds(transitions, rounds, step)


def run_one(backend: str, transitions: int, rounds: int, dossier_count: int) -> dict:
    _prepare_django(backend)
    officer, dossiers = _world(dossier_count)
    clock = _working_clock(dossiers[0])
    _check_statements(officer, dossiers[0], clock)
    found = {"backend": backend}
    found["service"], found["service_cpu"] = _service_rounds(officer, dossiers, transitions, rounds, clock)
    from django.db import connection

    from dossiers.models import DossierEvent

    found["history_rows"] = DossierEvent.objects.filter(action__in=["pause", "resume"]).count()
    found["bare_orm"], found["bare_orm_cpu"] = _bare_orm_rounds(dossiers, transitions, rounds)
    found["raw"], found["raw_cpu"] = _raw_rounds(backend, dossiers, transitions, rounds, clock)
    if backend == "postgresql":
        try:
            found["pgbench"] = _pgbench_rounds(dossiers, transitions, rounds)
        except (RuntimeError, ValueError) as exc:  # the run's other figures still count
            found["pgbench"], found["pgbench_error"] = None, str(exc).strip()
    connection.close()
    return found


def _child(backend: str, args) -> dict | None:
    """One run of one backend in a fresh process; None (and its error printed) if it failed."""
    options = ["--backend", backend, "--json", "--transitions", str(args.transitions), "--rounds", str(args.rounds)]
    return run_child(__file__, [*options, "--dossiers", str(args.dossiers)], f"{backend:<11}")


_CPU_LABELS = (("service", "service_cpu"), ("raw", "raw_cpu"), ("bare ORM", "bare_orm_cpu"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--transitions", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="independent runs, each in fresh processes")
    parser.add_argument("--json", action="store_true", help="one run of one backend as a JSON line (for the parent)")
    args = parser.parse_args()
    if args.json:
        if args.backend == "both":
            parser.error("--json runs one backend")
        print(json.dumps(run_one(args.backend, args.transitions, args.rounds, args.dossiers)))
        return
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    print(
        f"{args.transitions} transitions (pause/resume) over {args.dossiers} dossiers in {args.rounds} rounds, "
        f"{args.runs} runs (a fresh process and database per backend and run); a run's figure is the median "
        "of its per-round rates\n",
        flush=True,
    )
    print(
        f"{'run':<4}{'backend':<11} {'service/s':>10} {'raw limit/s':>12} {'ratio':>6} {'bare ORM/s':>11} "
        f"{'ratio':>6} {'target/s':>9}  verdict"
    )
    kinds = ("service", "raw", "bare_orm", "pgbench", "service_cpu", "raw_cpu", "bare_orm_cpu")
    figures = {b: {k: [] for k in kinds} for b in backends}
    half_met = dict.fromkeys(backends, 0)
    yardstick_met = dict.fromkeys(backends, 0)
    half_pgbench_met = dict.fromkeys(backends, 0)
    above_raw = dict.fromkeys(backends, 0)  # runs whose raw driver alone made less than the target
    for run in range(1, args.runs + 1):
        for backend in backends:
            result = _child(backend, args)
            if result is None:
                continue
            for key in kinds:
                if result.get(key):
                    figures[backend][key].append(statistics.median(result[key]))
            service, raw, bare = (figures[backend][k][-1] for k in ("service", "raw", "bare_orm"))
            target = TARGETS[backend]
            verdict = f"{'meets' if service >= target else 'BELOW'} target"
            if raw < target:
                verdict += f" (above what the raw driver alone did in this run, {raw:.0f}/s)"
                above_raw[backend] += 1
            if backend == "postgresql":
                # The target was set as half the raw limit, and as YARDSTICK × the bare ORM transition, of the
                # machine it was measured on; both limits are measured again here, in the same run.
                half_met[backend] += service >= raw / 2
                yardstick_met[backend] += service >= bare * YARDSTICK
                verdict += (
                    f"; {'meets' if service >= raw / 2 else 'BELOW'} half the raw limit ({raw / 2:.0f}/s)"
                    f"; {'meets' if service >= bare * YARDSTICK else 'BELOW'} {YARDSTICK:.2f} × bare ORM "
                    f"({bare * YARDSTICK:.0f}/s)"
                )
                if result.get("pgbench"):
                    pgbench = figures[backend]["pgbench"][-1]
                    half_pgbench_met[backend] += service >= pgbench / 2
                    verdict += (
                        f"; {'meets' if service >= pgbench / 2 else 'BELOW'} half the pgbench limit "
                        f"({pgbench / 2:.0f}/s)"
                    )
            print(
                f"{run:<4}{backend:<11} {service:>10.0f} {raw:>12.0f} {service / raw:>6.2f} {bare:>11.0f} "
                f"{service / bare:>6.2f} {target:>9}  {verdict}; history rows {result['history_rows']}"
            )
            print(
                f"{'':<4}{'':<11} rounds service: {', '.join(f'{r:.0f}' for r in result['service'])}; "
                f"raw: {', '.join(f'{r:.0f}' for r in result['raw'])}; "
                f"bare ORM: {', '.join(f'{r:.0f}' for r in result['bare_orm'])}"
                + (f"; pgbench: {', '.join(f'{r:.0f}' for r in result['pgbench'])}" if result.get("pgbench") else ""),
            )
            if result.get("pgbench_error"):
                print(f"{'':<4}{'':<11} pgbench left out: {result['pgbench_error']}")
            print(
                f"{'':<4}{'':<11} this process's CPU per transition (median of rounds): "
                + ", ".join(f"{label} {figures[backend][k][-1]:.3f} ms" for label, k in _CPU_LABELS),
                flush=True,
            )

    print(f"\nacross {args.runs} runs\n{'backend':<11} {'figure':<16} {SPREAD_HEADER}")
    for backend in backends:
        print(f"{backend:<11} {'service/s':<16} {spread(figures[backend]['service'])}")
        print(f"{'':<11} {'raw limit/s':<16} {spread(figures[backend]['raw'])}")
        print(f"{'':<11} {'bare ORM/s':<16} {spread(figures[backend]['bare_orm'])}")
        if figures[backend]["pgbench"]:
            print(f"{'':<11} {'pgbench limit/s':<16} {spread(figures[backend]['pgbench'])}")
        for label, key in _CPU_LABELS:
            print(f"{'':<11} {label + ' CPU ms':<16} {spread(figures[backend][key], '.3f')}")
    print()
    for backend in backends:
        done = figures[backend]["service"]
        if not done:
            continue
        median, target = statistics.median(done), TARGETS[backend]
        line = f"{backend:<11} median {median:.0f}/s {'meets' if median >= target else 'BELOW'} the {target}/s target"
        if above_raw[backend]:
            line += f" (the raw driver alone made less than the target in {above_raw[backend]} of {len(done)} runs)"
        if backend == "postgresql":
            line += (
                f"; meets half the raw limit of its own run in {half_met[backend]} of {len(done)} runs, "
                f"{YARDSTICK:.2f} × the bare ORM transition of its own run in {yardstick_met[backend]} of {len(done)}"
            )
            if figures[backend]["pgbench"]:
                line += f", half the pgbench limit in {half_pgbench_met[backend]} of {len(figures[backend]['pgbench'])}"
        print(line)


if __name__ == "__main__":
    main()
