"""Transitions per second through the service layer, beside a bare ORM transition, in the same run; and the
rate of several processes on distinct dossiers beside one.

    python bench/transitions.py                                   # PostgreSQL and SQLite, 3 runs
    python bench/transitions.py --backend postgresql --runs 5 --processes 4
    python bench/transitions.py --backend postgresql --statements   # the statements one transition sends

Each transition is a pause or a resume of a dossier in processing, through `dossiers.services`: the row
locked, the transition checked (state, conditions, the officer's role and agency), the dossier's and the
step's clock events appended, the dossier and the step saved, the history row and the portal outbox row
inserted, in one transaction, dated in working time whenever the bench runs (`_working_clock`). The yardstick
beside it is a bare ORM transition on the same tables: the row locked, the django-fsm-2 method, `save()`, and
two `create()`s (the history row and the outbox row), with none of the service's checks or clocks.

With `--processes N` (N > 1) the service is also run by N processes at once, each on dossiers of its own, and
their combined rate is printed beside one process's, measured the same way in the same run.

A run's figure is the median of its rounds; every run is a fresh process with a fresh database, and the
figures of all runs are printed with their range and median. The machine is shared, so compare the columns of
one run rather than runs with each other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import statistics
import time

from _common import SPREAD_HEADER, prepare_django, run_child, spread, world

# The service does its full work (permissions, clocks, history, outbox) at no less than this share of the bare
# ORM transition's rate, on PostgreSQL; N processes on distinct dossiers at no less than this multiple of one.
SHARE_OF_BARE_ORM = 0.6
SCALING = 1.6


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


def _rounds(transitions: int, rounds: int, *steps) -> list[list[float]]:
    """Call each of `steps` (`step(i)` for i = 0 … transitions − 1) in `rounds` rounds, the steps' rounds taking
    turns (one of the first, one of the second, …) so that what else the machine does weighs on each alike;
    answers each step's round rates (per second)."""
    per_round = transitions // rounds
    rates = [[] for _ in steps]
    for r in range(rounds):
        for step, found in zip(steps, rates, strict=True):
            began = time.perf_counter()
            for i in range(r * per_round, (r + 1) * per_round):
                step(i)
            found.append(per_round / (time.perf_counter() - began))
    return rates


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


def _service_step(officer, dossiers, clock):
    """One transition through the service on the next of `dossiers`: a pause, or a resume of a paused one."""
    from dossiers import services

    paused = {d.pk: d.status == "paused" for d in dossiers}

    def step(i):
        d = dossiers[i % len(dossiers)]
        if paused[d.pk]:
            services.resume_dossier(dossier=d, actor=officer, at=clock())
        else:
            services.pause_dossier(dossier=d, actor=officer, reason="verification", at=clock())
        paused[d.pk] = not paused[d.pk]

    return step


def _outbox_template() -> dict:
    """The latest outbox row (one the service wrote), by column, as a template."""
    from portal.models import OutboxMessage

    return OutboxMessage.objects.order_by("-id").values().first()


def _bare_orm_step(dossiers):
    """The yardstick: a bare ORM transition with django-fsm-2 and two inserts (lock and read the row, the FSM
    method, save the state, create the history row and the outbox row), on the same tables, with none of the
    service's checks or clocks. Its history rows are not sealed either (and numbered past the dossier's own):
    `verify_history` reports the dossiers it touched."""
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

    return step


def _statements(officer, dossier, clock) -> list[str]:
    """The statements a pause and then a resume send, as Django logs them (BEGIN and COMMIT are the driver's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossiers import services

    listed = []
    for action in ("pause", "resume"):
        with CaptureQueriesContext(connection) as queries:
            if action == "pause":
                services.pause_dossier(dossier=dossier, actor=officer, reason="verification", at=clock())
            else:
                services.resume_dossier(dossier=dossier, actor=officer, at=clock())
        listed.append(f"-- {action}: {len(queries.captured_queries)} statements")
        listed += [_shortened(q["sql"]) for q in queries.captured_queries]
    return listed


def _shortened(sql: str) -> str:
    """A statement with its column lists and values cut to their first items, to be read in a table."""
    head, sep, rest = sql.partition(" FROM ")
    if head.startswith("SELECT") and len(head) > 80:
        head = head[:60] + " …"
    text = head + sep + rest
    return text if len(text) <= 160 else text[:157] + "…"


def _worker(backend_env, pks, officer_pk, transitions, ready, out):
    """One of the processes of a parallel round: the service on dossiers `pks`, started with the others."""
    os.environ.update(backend_env)
    from django.db import connections

    connections.close_all()
    from django.contrib.auth import get_user_model

    from dossiers.models import Dossier

    officer = get_user_model().objects.get(pk=officer_pk)
    dossiers = list(Dossier.objects.filter(pk__in=pks).order_by("pk"))
    step = _service_step(officer, dossiers, _working_clock(dossiers[0]))
    step(0)  # warm: connection, caches, prepared statements
    step(1)
    ready.wait()
    began = time.perf_counter()
    for i in range(2, transitions + 2):
        step(i)
    out.put((began, time.perf_counter(), transitions))
    connections.close_all()


def _parallel_rate(env, officer, dossiers, processes: int, transitions: int) -> float:
    """Transitions per second of `processes` processes at once, each on its own share of `dossiers`, each
    making `transitions`: all of them over the time from the first one's start to the last one's end."""
    from django.db import connections

    connections.close_all()  # a forked process must not share the parent's connection
    context = multiprocessing.get_context("fork")
    ready, out = context.Barrier(processes), context.Queue()
    shares = [[d.pk for d in dossiers[i::processes]] for i in range(processes)]
    workers = [
        context.Process(target=_worker, args=(env, share, officer.pk, transitions, ready, out)) for share in shares
    ]
    for w in workers:
        w.start()
    done = [out.get() for _ in workers]
    for w in workers:
        w.join()
        if w.exitcode:
            raise RuntimeError(f"a worker process failed ({w.exitcode})")
    return sum(n for *_, n in done) / (max(end for _, end, _ in done) - min(began for began, *_ in done))


def run_one(backend: str, transitions: int, rounds: int, dossier_count: int, processes: int, statements: bool) -> dict:
    # A database of this run's own, so that runs of other benchmarks on the same server do not drop it.
    env = _prepare_django(backend, db_name=f"onestop_bench_transitions_{os.getpid()}")
    officer, dossiers = _world(dossier_count)
    clock = _working_clock(dossiers[0])
    found = {"backend": backend}
    if statements:
        found["statements"] = _statements(officer, dossiers[0], clock)
    # The service and the bare ORM transition on dossiers of their own, their rounds taking turns.
    from dossiers.models import DossierEvent

    half = len(dossiers) // 2
    service = _service_step(officer, dossiers[:half], clock)
    for i in range(2 * half):  # warm (connection, caches, prepared statements), and an outbox row to copy
        service(i)
    service_rows = DossierEvent.objects.filter(action__in=["pause", "resume"], seq__lt=2_000_000)
    before = service_rows.count()  # (the bare ORM numbers its rows from 2,000,000)
    found["service"], found["bare_orm"] = _rounds(
        transitions, rounds, lambda i: service(i + 2 * half), _bare_orm_step(dossiers[half:])
    )
    found["history_rows"] = service_rows.count() - before
    if processes > 1:
        per_process = transitions // rounds
        found["one_process"] = [_parallel_rate(env, officer, dossiers, 1, per_process) for _ in range(rounds)]
        found["processes"] = [_parallel_rate(env, officer, dossiers, processes, per_process) for _ in range(rounds)]
    from django.db import connection

    connection.close()
    if backend == "postgresql":
        _drop(connection.settings_dict["NAME"])
    return found


def _drop(name: str) -> None:
    import psycopg
    from _common import PG_ADMIN_URL

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--transitions", type=int, default=5_000, help="per figure, split into the rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="independent runs, each in a fresh process")
    parser.add_argument("--processes", type=int, default=1, help="also run the service in N processes at once")
    parser.add_argument("--statements", action="store_true", help="print the statements of one pause and resume")
    parser.add_argument("--json", action="store_true", help="one run of one backend as a JSON line (for the parent)")
    args = parser.parse_args()
    if args.json:
        if args.backend == "both":
            parser.error("--json runs one backend")
        found = run_one(args.backend, args.transitions, args.rounds, args.dossiers, args.processes, args.statements)
        print(json.dumps(found))
        return
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    print(
        f"{args.transitions} transitions (pause/resume) per figure over {args.dossiers} dossiers in {args.rounds} "
        f"rounds, {args.runs} runs (a fresh process and database per backend and run); a run's figure is the "
        f"median of its rounds; {os.cpu_count()} CPUs\n",
        flush=True,
    )
    scaling = args.processes > 1
    header = f"{'run':<4}{'backend':<11} {'service/s':>10} {'bare ORM/s':>11} {'share':>6}"
    if scaling:
        header += f" {'1 process/s':>12} {f'{args.processes} processes/s':>15} {'×':>5}"
    print(header)
    kinds = ("service", "bare_orm", "share", "one_process", "processes", "scaling")
    figures = {b: {k: [] for k in kinds} for b in backends}
    statements_printed = not args.statements
    for run in range(1, args.runs + 1):
        for backend in backends:
            options = ["--backend", backend, "--json", "--transitions", str(args.transitions)]
            options += ["--rounds", str(args.rounds), "--dossiers", str(args.dossiers)]
            options += ["--processes", str(args.processes)] + (["--statements"] if not statements_printed else [])
            result = run_child(__file__, options, f"{backend:<11}")
            if result is None:
                continue
            if result.get("statements"):
                print(f"\nthe statements of one transition ({backend}):")
                print("\n".join(f"    {s}" for s in result["statements"]) + "\n")
                statements_printed = True
            mine = figures[backend]
            service, bare = statistics.median(result["service"]), statistics.median(result["bare_orm"])
            mine["service"].append(service)
            mine["bare_orm"].append(bare)
            mine["share"].append(service / bare)
            line = f"{run:<4}{backend:<11} {service:>10.0f} {bare:>11.0f} {service / bare:>6.2f}"
            if scaling:
                one, many = statistics.median(result["one_process"]), statistics.median(result["processes"])
                mine["one_process"].append(one)
                mine["processes"].append(many)
                mine["scaling"].append(many / one)
                line += f" {one:>12.0f} {many:>15.0f} {many / one:>5.2f}"
            print(line + f"   history rows {result['history_rows']}", flush=True)

    print(f"\nacross {args.runs} runs\n{'backend':<11} {'figure':<18} {SPREAD_HEADER}")
    labels = [("service/s", "service", ".0f"), ("bare ORM/s", "bare_orm", ".0f"), ("share", "share", ".2f")]
    if scaling:
        labels += [
            ("1 process/s", "one_process", ".0f"),
            (f"{args.processes} processes/s", "processes", ".0f"),
            ("×", "scaling", ".2f"),
        ]
    for backend in backends:
        for n, (label, key, fmt) in enumerate(labels):
            print(f"{backend if n == 0 else '':<11} {label:<18} {spread(figures[backend][key], fmt)}")
    print()
    for backend in backends:
        if not figures[backend]["share"]:
            continue
        share = statistics.median(figures[backend]["share"])
        line = (
            f"{backend:<11} the service at {share:.2f} of the bare ORM's rate (median of runs; the PostgreSQL "
            f"target is {SHARE_OF_BARE_ORM})"
        )
        if scaling:
            times = statistics.median(figures[backend]["scaling"])
            line += f"; {args.processes} processes at {times:.2f}× one (the PostgreSQL target is {SCALING}×)"
        print(line)


if __name__ == "__main__":
    main()
