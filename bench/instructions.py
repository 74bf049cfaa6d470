"""Instructions per transition, counted by valgrind's callgrind: figures that do not move with the machine's load.

    python bench/instructions.py                                   # PostgreSQL and SQLite
    python bench/instructions.py --backend postgresql --transitions 200

bench/transitions.py measures rates and CPU time, which vary by a fifth from run to run on a shared machine.
The number of instructions a process executes for the same work does not: callgrind counts the same on a busy
machine as on an idle one. For each column of bench/transitions.py (the service; the same statements sent raw
through the driver; the bare ORM yardstick) a fresh process runs under callgrind on a copy of one prepared
database: a round of transitions to warm up (caches filled, statements prepared), then a counted round.

Counted: the client process's own instructions (Python, Django, the driver; on SQLite the database engine too).
Not counted: the PostgreSQL server, the kernel (system calls, the network), time spent waiting. The portal
kick is off in every column: its thread runs by the clock, which valgrind slows some fifty-fold. Instructions
are not time; compare versions and columns with these figures, and rates with bench/transitions.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import transitions
from _common import ROOT

COLUMNS = ("service", "raw", "bare_orm")
_QUIET = {"PORTAL_KICK": "0"}


def _prepare(backend: str, dossier_count: int) -> str:
    """The database every column copies: the bench's world, the statements checked. Answers what to copy."""
    env = transitions._prepare_django(backend, db_name="onestop_instructions", extra_env=_QUIET)
    officer, dossiers = transitions._world(dossier_count)
    transitions._check_statements(officer, dossiers[0], transitions._working_clock(dossiers[0]))
    from django.db import connection

    connection.close()
    return "onestop_instructions" if backend == "postgresql" else env["DATABASE_URL"].removeprefix("sqlite:///")


@contextlib.contextmanager
def _counting(number: int):
    """Round 0 warms up; callgrind counts round 1."""
    if number == 0:
        yield
        return
    _callgrind("on")
    try:
        yield
    finally:
        _callgrind("off")


def _callgrind(state: str) -> None:
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True, capture_output=True)


def _child(column: str, backend: str, copy_of: str, transitions_counted: int) -> None:
    """Runs under valgrind: one column, a warm-up round and a counted round of `transitions_counted` each."""
    transitions._prepare_django(backend, db_name="onestop_instructions_run", copy_of=copy_of, extra_env=_QUIET)
    from django.contrib.auth import get_user_model

    from dossiers.models import Dossier

    officer = get_user_model().objects.get(username="bench.officer")
    dossiers = list(Dossier.objects.order_by("id"))
    clock = transitions._working_clock(dossiers[0])
    transitions.AROUND_ROUND = _counting
    both = 2 * transitions_counted
    if column == "service":
        transitions._service_rounds(officer, dossiers, both, 2, clock)
    elif column == "raw":
        transitions._raw_rounds(backend, dossiers, both, 2, clock)
    else:
        transitions._bare_orm_rounds(dossiers, both, 2)


def _count(column: str, backend: str, copy_of: str, counted: int) -> int | None:
    """Instructions of the counted round of one column, in a fresh process under callgrind; None (the error
    printed) if it failed."""
    with tempfile.TemporaryDirectory(prefix="onestop-callgrind-") as out:
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}/callgrind.out",
                sys.executable,
                __file__,
                "--child",
                json.dumps([column, backend, copy_of, counted]),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or found is None:
        print(f"{backend} {column} failed:\n{run.stderr[-3000:]}", flush=True)
        return None
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--transitions", type=int, default=400, help="counted per column, after as many to warm up")
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument(
        "--columns", default=",".join(COLUMNS), help=f"which of {', '.join(COLUMNS)} to count (default: all)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*json.loads(args.child))
        return
    if args.prepare:
        print(json.dumps(_prepare(*json.loads(args.prepare))))
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind (callgrind) is not installed: apt-get install valgrind")
    columns = args.columns.split(",")
    if not set(columns) <= set(COLUMNS):
        parser.error(f"--columns takes {', '.join(COLUMNS)}")
    if args.transitions % args.dossiers:
        parser.error("--transitions must be a multiple of --dossiers (each dossier ends a round as it began)")
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    print(
        f"instructions per transition of this process (callgrind: Python, Django, the driver, on SQLite the engine; "
        f"not the PostgreSQL server nor the kernel), {args.transitions} transitions counted after as many to warm "
        "up, each column in a fresh process on a copy of one database\n",
        flush=True,
    )
    print(f"{'backend':<11} {'service':>10} {'raw driver':>11} {'ratio':>6} {'bare ORM':>10} {'ratio':>6}")
    for backend in backends:
        copy_of = _prepare_in_child(backend, args.dossiers)
        per = {}
        for column in COLUMNS:
            total = _count(column, backend, copy_of, args.transitions) if column in columns else None
            per[column] = total / args.transitions if total else None
        service, raw, bare = (per[c] for c in COLUMNS)
        cells = [f"{v / 1e6:>9.3f}M" if v else f"{'—':>10}" for v in (service, raw, bare)]
        ratio_raw = f"{service / raw:>6.2f}" if service and raw else f"{'—':>6}"
        ratio_bare = f"{service / bare:>6.2f}" if service and bare else f"{'—':>6}"
        print(f"{backend:<11} {cells[0]} {cells[1]:>11} {ratio_raw} {cells[2]} {ratio_bare}", flush=True)


def _prepare_in_child(backend: str, dossier_count: int) -> str:
    """`_prepare` in a process of its own (Django is set up once per process)."""
    run = subprocess.run(
        [sys.executable, __file__, "--prepare", json.dumps([backend, dossier_count])],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if run.returncode != 0:
        raise SystemExit(f"preparing the {backend} database failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
