"""What the benchmarks share: a fresh database with Django set up on it, the world they run in, and the
summary of a figure over several runs."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def prepare_django(
    backend: str,
    *,
    db_name: str = "onestop_bench",
    redis_url: str | None = None,
    extra_env: dict | None = None,
    copy_of: str | None = None,
) -> dict:
    """A fresh database (PostgreSQL `db_name` recreated, or a new SQLite file), the environment the settings
    read (production settings: no per-query debug bookkeeping; Redis only when `redis_url` is given), Django
    set up and migrated. With `copy_of` (a PostgreSQL database name or an SQLite file that an earlier call
    prepared), the database is a copy of that one and is not migrated again. Answers the variables it set, for
    processes started with the same settings."""
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db_name}")
            conn.execute(f"CREATE DATABASE {db_name}" + (f" TEMPLATE {copy_of}" if copy_of else ""))
        database_url = f"{PG_ADMIN_URL}/{db_name}"
    else:
        path = Path(tempfile.mkdtemp(prefix="onestop-bench-")) / f"{db_name}.sqlite3"
        if copy_of:
            shutil.copyfile(copy_of, path)
        database_url = f"sqlite:///{path}"
    env = {
        "DATABASE_URL": database_url,
        "ONESTOP_DATA_DIR": tempfile.mkdtemp(prefix="onestop-bench-data-"),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "onestop.settings"),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        **(extra_env or {}),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    if not copy_of:
        call_command("migrate", verbosity=0)
    return env


def world(
    dossier_count: int,
    *,
    agency_code: str,
    procedure_code: str,
    field_code: str,
    label: str = "",
    time_limit: int,
    steps: Sequence[tuple[str, str, int]],
    roles: Sequence[str],
    fee_amount: int = 0,
    return_channels: Sequence[str] = (),
    officer_name: str = "",
    applicant_name: str = "Nguyễn Văn Bình",
    age=None,
):
    """An agency, an officer with `roles` in it, a procedure with a published process of `steps` (name, role,
    time limit in hours; long enough that no dossier's clock runs out) and `dossier_count` dossiers in
    processing, received and started `age` ago (a timedelta; now when None). `label` ends the names of the
    agency, field and procedure; `applicant_name` may hold `{i}`, the dossier's number. Answers the officer
    and the dossiers."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dossiers import services
    from workflows.models import Agency, Field, Membership, Procedure, ProcessStep, ProcessVersion

    agency = Agency.objects.create(code=agency_code, name=f"Sở thử tải{label}", tier="department")
    field = Field.objects.create(code=field_code, name=f"Thử tải{label}")
    procedure = Procedure.objects.create(
        code=procedure_code,
        name=f"Thủ tục thử tải{label}",
        field=field,
        agency_level="province",
        competent_agency=agency,
        time_limit=Decimal(time_limit),
        fee_amount=fee_amount,
        return_channels=list(return_channels),
    )
    process = ProcessVersion.objects.create(procedure=procedure)
    for order, (name, role, hours) in enumerate(steps, start=1):
        ProcessStep.objects.create(process=process, order=order, name=name, role=role, time_limit_hours=Decimal(hours))
    process.publish()
    officer = get_user_model().objects.create_user("bench.officer", first_name=officer_name)
    for role in roles:
        Membership.objects.create(user=officer, agency=agency, role=role)
    start = timezone.now() - (age or dt.timedelta(0))
    dossiers = []
    for i in range(dossier_count):
        d = services.create_dossier(
            actor=officer,
            procedure=procedure,
            channel="counter",
            receiving_agency=agency,
            applicant_name=applicant_name.format(i=i),
            at=start,
        )
        dossiers.append(services.start_processing(dossier=d, actor=officer, at=start))
    return officer, dossiers


def run_child(script: str, args: list[str], label: str = "") -> dict | None:
    """Run `script` in a fresh Python process with `args` and answer the JSON object on the last line it
    printed; None (with the tail of its error output printed after `label`) if it failed."""
    out = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        print(f"{label} failed:\n{out.stderr[-3000:]}", flush=True)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


SPREAD_HEADER = f"{'min–max':<15} {'median':>8}   every run"


def spread(values: Sequence[float], fmt: str = ".0f") -> str:
    """Min–max and the median across the runs, then every run's value, in the columns of SPREAD_HEADER."""
    if not values:
        return "no run finished"
    low_high = f"{min(values):{fmt}}–{max(values):{fmt}}"
    return f"{low_high:<15} {statistics.median(values):>8{fmt}}   {', '.join(f'{v:{fmt}}' for v in values)}"
