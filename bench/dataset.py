"""A PostgreSQL database with N dossiers, written with COPY: the data the scale benchmarks run against.

    python bench/dataset.py --dossiers 1000000                       # database onestop_dataset, with history
    python bench/dataset.py --dossiers 10000000 --no-history --database onestop_10m
    python bench/dataset.py --dossiers 100000 --url postgres://postgres@127.0.0.1:5432/onestop_x --keep

From Python::

    from dataset import load
    counts = load("postgres://postgres@127.0.0.1:5432/onestop_x", dossiers=1_000_000, history=True)

The database is created afresh (unless `keep`), migrated, and given the Sơn La catalogue, processes and people of
`seed_demo` (without its demo dossiers unless asked). The dossiers are then written straight into their tables:
spread over the catalogue's procedures and their agencies, over the last `years` years of working days and hours,
over every state (the old ones mostly returned, early, on time or late; the recent ones open at every step, some
overdue), with applicants named with their diacritics, phone numbers and ID numbers (citizens' 12-digit numbers,
businesses' tax codes). Every open dossier in processing has its steps so far (the current one assigned to an
officer of its role and agency); with `history`, every dossier has its steps, its history rows and its clock
ledger (the dossier's and each step's). The day's code sequences are set past the loaded codes, so dossiers
created afterwards get new codes.

The secondary indexes of the loaded tables are dropped while the rows go in and built again afterwards, and the
foreign keys are not checked row by row (`session_replication_role = replica`, which also skips any other trigger
of those tables): the generator writes consistent rows. A column the generator does not know (added by a later
migration) gets NULL, or the empty value of its type when it is NOT NULL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DAY = 86400
# Working days' length in the default agency hours (DOMAIN §3: 7:00–11:30, 13:30–17:00).
WORKING_DAY_SECONDS = 8 * 3600


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FAMILY = _words(
    "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lò Lò Cầm Quàng Hà "
    "Tòng Lường Điêu Mùa Sùng Giàng Vì Đinh Trịnh Mai Cao Tạ Lương Hứa Triệu"
)
MIDDLE = _words("Văn Văn Thị Thị Hữu Đức Minh Thu Ngọc Thanh Xuân Quang Kim Hồng Bảo Anh Công Thế Mạnh A")
GIVEN = _words(
    "Lan Minh Bình Hùng Hoa Mai Tuấn Hương Dũng Thảo Phương Sơn Hải Hạnh Long Nga Quân Trang Vân Yến "
    "Khánh Linh Thắng Hiếu Nam Phúc Lộc Tâm Thủy Tùng Cường Diệp Én Páo Sính Xuân Chi Đông Giang Hằng "
    "Kiên Loan Nhung Oanh"
)
BUSINESS_KIND = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Hộ kinh doanh", "Doanh nghiệp tư nhân")
BUSINESS_WORD = _words(
    "Tây Bắc Sơn La Mộc Châu Hoàng Long Thảo Nguyên Phú Yên Chiềng Sinh Ánh Dương Đại Thành Bình An Hưng "
    "Thịnh Nông sản Xây dựng Thương mại Du lịch Vận tải Chè Cà phê Bò sữa Xoài"
)
PLACES = (
    "phường Tô Hiệu",
    "phường Chiềng An",
    "phường Chiềng Cơi",
    "phường Chiềng Sinh",
    "xã Mường Bú",
    "xã Thuận Châu",
    "phường Mộc Châu",
    "phường Thảo Nguyên",
    "xã Yên Châu",
    "xã Mai Sơn",
    "xã Sông Mã",
    "xã Vân Hồ",
)
STREETS = _words(
    "Tô Hiệu,Chu Văn Thịnh,Trường Chinh,Lò Văn Giá,Nguyễn Lương Bằng,Tô Ngọc Vân,Hoàng Quốc Việt,Điện Biên", ","
)
PHONE_PREFIXES = ("091", "094", "098", "097", "096", "086", "088", "081", "032", "033", "034", "035", "036", "039")

OPEN_MIX = (  # the states of the dossiers still within their limit, with their weights
    ("received", 9),
    ("processing", 58),
    ("supplement", 8),
    ("paused", 4),
    ("resolved", 12),
    ("returned", 9),
)
OLD_MIX = (  # the states of the dossiers past their limit and a month more
    ("returned", 915),
    ("withdrawn", 20),
    ("rejected", 20),
    ("stopped", 10),
    ("processing", 20),  # forgotten, long overdue
    ("paused", 5),
    ("supplement", 5),
    ("resolved", 5),
)
FINAL = {"returned", "withdrawn", "rejected", "stopped"}


@dataclass
class Catalogue:
    """What the dossiers are spread over, read from the seeded database."""

    procedures: list[dict]
    steps: dict[int, list[dict]]  # process version id -> its steps in order
    communes: list[int]
    centre: int
    agency_codes: dict[int, str]
    members: dict[tuple[int, str], list[tuple[str, str]]]  # (agency, role) -> [(user id, full name)]
    counter_anyone: list[tuple[str, str]] = field(default_factory=list)
    by_agency: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def _run_manage(database_url: str, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ONESTOP_DATA_DIR": tempfile.mkdtemp(prefix="onestop-dataset-"),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT, env=env)


def _create_database(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def read_catalogue(conn) -> Catalogue:
    agencies = {row[0]: row for row in conn.execute("SELECT id, code, tier FROM workflows_agency WHERE is_active")}
    procedures = [
        {
            "id": pid,
            "code": code,
            "competent": competent,
            "limit_seconds": float(limit) * (3600 if unit == "hours" else WORKING_DAY_SECONDS),
            "fee": fee,
            "online": online,
            "process": process,
            "name": _text(name[:200]),
        }
        for pid, code, competent, limit, unit, fee, online, process, name in conn.execute(
            "SELECT p.id, p.code, p.competent_agency_id, p.time_limit, p.time_unit, p.fee_amount, p.online_level,"
            " v.id, p.name FROM workflows_procedure p JOIN workflows_processversion v ON v.procedure_id = p.id"
            " AND v.status = 'published' AND v.agency_id IS NULL WHERE p.is_active ORDER BY p.id"
        )
    ]
    steps: dict[int, list[dict]] = {}
    for process, sid, order, name, role, agency, hours in conn.execute(
        'SELECT process_id, id, "order", name, role, agency_id, time_limit_hours FROM workflows_processstep'
        ' ORDER BY process_id, "order"'
    ):
        steps.setdefault(process, []).append(
            {
                "id": sid,
                "order": order,
                "name": _text(name),
                "role": role,
                "agency": agency,
                "seconds": float(hours) * 3600,
            }
        )
    members: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for user, agency, role, full in conn.execute(
        "SELECT u.id, m.agency_id, m.role, trim(u.first_name || ' ' || u.last_name)"
        " FROM workflows_membership m JOIN auth_user u ON u.id = m.user_id ORDER BY u.id"
    ):
        members.setdefault((agency, role), []).append((str(user), _text(full)))
    communes = [a for a, (_, _, tier) in agencies.items() if tier == "commune"]
    centre = next(a for a, (_, _, tier) in agencies.items() if tier == "centre")
    counter_anyone = [m for (_, role), found in members.items() if role == "counter" for m in found]
    procedures = [p for p in procedures if p["process"] in steps]
    if not procedures or not communes:
        raise SystemExit("the catalogue has no published process or no commune: was seed_demo run?")
    return Catalogue(
        procedures=procedures,
        steps=steps,
        communes=communes,
        centre=centre,
        agency_codes={a: code for a, (_, code, _) in agencies.items()},
        members=members,
        counter_anyone=counter_anyone,
        by_agency={a: [m for (agency, _), found in members.items() if agency == a for m in found] for a in agencies},
    )


# -- COPY text format -------------------------------------------------------------------------------------------
NULL = "\\N"


OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh has kept +07:00 since 1975
_DAYS: dict[int, str] = {}
_TIMES = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+07" for s in range(DAY)]


def _ts(epoch: float) -> str:
    """The instant as PostgreSQL reads a timestamptz, in local time (formatted by hand: a million a second)."""
    day, second = divmod(int(epoch) + OFFSET, DAY)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = dt.date.fromordinal(day + 719163).isoformat()
    return date + _TIMES[second]


def _weekday(epoch: float) -> int:
    return ((int(epoch) + OFFSET) // DAY + 3) % 7  # 1 January 1970 was a Thursday


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Table:
    """The COPY of one table: the generator's columns that the table has, in the generator's order, and the
    values of the columns it does not know."""

    EMPTY = {"boolean": "f", "jsonb": "{}", "json": "{}"}

    def __init__(self, conn, name: str, known: tuple[str, ...]):
        self.name = name
        rows = conn.execute(
            "SELECT column_name, is_nullable, data_type, is_generated FROM information_schema.columns"
            " WHERE table_name = %s AND table_schema = current_schema() ORDER BY ordinal_position",
            [name],
        ).fetchall()
        if not rows:
            raise SystemExit(f"no table {name}: is the database migrated?")
        present = {column for column, *_ in rows}
        self.positions = [i for i, column in enumerate(known) if column in present]
        self.columns = [known[i] for i in self.positions]
        self.all_known = len(self.positions) == len(known)
        self.extra_columns = []
        extra_values = []
        for column, nullable, data_type, generated in rows:
            if column in known or generated == "ALWAYS" or column == "id":
                continue
            self.extra_columns.append(column)
            if nullable == "YES":
                extra_values.append(NULL)
            elif "int" in data_type or data_type in ("numeric", "double precision", "real"):
                extra_values.append("0")
            else:
                extra_values.append(self.EMPTY.get(data_type, ""))
        self.suffix = "".join("\t" + v for v in extra_values) + "\n"
        self.lines: list[str] = []
        self.count = 0

    def add(self, values) -> None:
        if not self.all_known:
            values = [values[i] for i in self.positions]
        self.lines.append("\t".join(values) + self.suffix)
        self.count += 1

    def statement(self) -> str:
        columns = ", ".join(f'"{c}"' for c in (*self.columns, *self.extra_columns))
        return f"COPY {self.name} ({columns}) FROM STDIN"


DOSSIER_COLUMNS = _words(
    "id code procedure_id process_id receiving_agency_id competent_agency_id status channel "
    "applicant_user_id applicant_name applicant_kind applicant_id_number applicant_phone applicant_email "
    "applicant_address summary return_channel created_at submitted_at received_at received_by_id "
    "resolved_at returned_at ended_at due_at appointment_at remaining_seconds clock_running verdict "
    "clock_state current_step_id result result_note awaiting_documents missing_documents "
    "supplement_requests pause_reason fee_amount submission_seconds event_seq version search_text history_digest"
)
STEP_COLUMNS = _words(
    "id dossier_id process_step_id order name role agency_id status assignee_id started_at completed_at "
    "due_at remaining_seconds verdict clock_state"
)
EVENT_COLUMNS = _words(
    "id dossier_id seq action from_status to_status step_id step_name actor_id actor_name at note data digest"
)
CLOCK_COLUMNS = _words("id dossier_id step_id kind at recorded_at budget_seconds new_due_at reason")


if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
try:  # the search column's folding, the one the models use
    from workflows.text import fold as _normalise
except ImportError:  # a version without one

    def _normalise(text: str) -> str:
        return ""


try:  # history rows sealed as the application seals them (dossiers.sealing: standard library only)
    from dossiers.sealing import digest as _digest
except ImportError:  # a version without seals

    def _digest(previous: str, values: dict) -> str:
        return ""


_UTC = dt.UTC


def _search_text(*parts: str) -> str:
    return _normalise(" ".join(parts))  # as Dossier.search_key: phone and ID numbers are digits already


def _working(epoch: float) -> float:
    """The instant moved into working hours of a working day (Monday to Friday, 7:30–16:30)."""
    weekday = _weekday(epoch)
    if weekday >= 5:
        epoch += (7 - weekday) * DAY
    second = (int(epoch) + OFFSET) % DAY
    if not (7 * 3600 <= second < 17 * 3600):
        epoch += 7 * 3600 + int(epoch) % (9 * 3600) - second
    return epoch


def _add_working(epoch: float, seconds: float) -> float:
    """An approximation of adding working seconds: 8 working hours a working day, weekends skipped."""
    days, rest = divmod(seconds, WORKING_DAY_SECONDS)
    weeks, days = divmod(int(days), 5)
    out = epoch + weeks * 7 * DAY + days * DAY + rest
    weekday = _weekday(out)
    if weekday >= 5:
        out += (7 - weekday) * DAY
    return out


class Generator:
    """Rows of `count` dossiers, in id order, with their steps, history and clock ledger."""

    def __init__(self, catalogue: Catalogue, *, count: int, years: float, history: bool, now: float, seed: int):
        self.cat = catalogue
        self.count = count
        self.history = history
        self.now = now
        self.rand = random.Random(seed)
        self.span = years * 365 * DAY
        self.first = now - self.span
        self.day_numbers: dict[tuple[int, str], int] = {}
        self.ids = {"dossier": 0, "step": 0, "event": 0, "clock": 0}

    def _next(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def _person(self) -> tuple[int, str, str, str]:
        r = self.rand
        if r.random() < 0.12:
            name = f"{r.choice(BUSINESS_KIND)} {r.choice(BUSINESS_WORD)} {r.choice(BUSINESS_WORD)}"
            return 2, name, f"55{r.randrange(10**7, 10**8)}", f"0212{r.randrange(10**6, 10**7)}"
        name = f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"
        born = r.randrange(45, 105) % 100
        century_sex = r.choice("0123") if born > 5 else r.choice("23")
        id_number = f"014{century_sex}{born:02d}{r.randrange(10**6):06d}"
        return 1, name, id_number, f"{r.choice(PHONE_PREFIXES)}{r.randrange(10**7):07d}"

    def _officer(self, agency: int, role: str) -> tuple[str, str]:
        """One of the agency's officers with the role; else any of its officers; else a counter officer."""
        found = self.cat.members.get((agency, role)) or self.cat.by_agency.get(agency) or self.cat.counter_anyone
        return self.rand.choice(found)

    def dossier(self, tables: dict[str, Table]) -> None:
        r = self.rand
        cat = self.cat
        proc = r.choice(cat.procedures)
        steps = cat.steps[proc["process"]]
        if proc["competent"] is None:
            competent = receiving = r.choice(cat.communes)
        else:
            competent, receiving = proc["competent"], cat.centre
        # Created later and later: more dossiers a year as the province goes online.
        created = min(_working(self.first + self.span * (r.random() ** 0.8)), self.now - r.randrange(3600, 5 * DAY))
        age = self.now - created
        limit = proc["limit_seconds"]
        calendar_limit = limit / WORKING_DAY_SECONDS * 1.4 * DAY
        mix = OLD_MIX if age > calendar_limit + 30 * DAY else OPEN_MIX
        status = r.choices([s for s, _ in mix], [w for _, w in mix])[0]
        online = proc["online"] != "none" and r.random() < (0.55 if proc["online"] == "full" else 0.3)
        if status == "rejected" or (online and age < 2 * DAY and r.random() < 0.5):
            status = "rejected" if status == "rejected" else "submitted"
        kind, name, id_number, phone = self._person()
        day = _ts(created)[2:10].replace("-", "")
        key = (receiving, day)
        number = self.day_numbers[key] = self.day_numbers.get(key, 0) + 1
        code = f"{cat.agency_codes[receiving]}-{day}-{number:04d}"
        dossier_id = self._next("dossier")
        counter_id, counter_name = self._officer(receiving, "counter")

        received = None if status in ("submitted", "rejected") else created + r.randrange(600, 3600)
        due = appointment = None
        if received is not None:
            due = _add_working(received, limit)
            appointment = due
        events: list[tuple] = []  # (action, from, to, step index or None, at, actor)
        clock: list[tuple] = []  # (step index or None, kind, at, budget)
        current = None
        done_steps = 0
        resolved = returned = ended = None
        verdict = result = pause_reason = ""
        running = False
        remaining = NULL
        awaiting = "f"
        if online:
            events.append(("submit", "", "submitted", None, created, None))
        if status == "rejected":
            ended = created + r.randrange(1800, 2 * DAY)
            events.append(("refuse", "submitted", "rejected", None, ended, (counter_id, counter_name)))
        elif status == "submitted":
            awaiting = "t" if r.random() < 0.2 else "f"
        else:
            events.append(("receive", "submitted" if online else "", "received", None, received, None))
            clock.append((None, "started", received, limit))
            if status != "received":
                # How far it went: the final and resolved ones through every step, the others part way.
                through = len(steps) if status in ("resolved", "returned") else r.randrange(1, len(steps) + 1)
                if status in ("withdrawn", "stopped"):
                    through = r.randrange(1, len(steps) + 1)
                # The time it took: early, on time or late against the limit.
                slack = r.choices((0.45, 0.9, 1.35), (60, 30, 10))[0]
                finish = received + (due - received) * slack * r.uniform(0.7, 1.0)
                if finish > self.now:
                    finish = self.now - r.randrange(60, DAY)
                span = max(finish - received, 600)
                start = received + r.uniform(0.01, 0.05) * span
                events.append(("start", "received", "processing", 0, start, (counter_id, counter_name)))
                at = start
                per_step = (finish - start) / max(len(steps), 1)
                for index in range(through):
                    step_end = at + per_step * r.uniform(0.6, 1.0)
                    last = index == through - 1
                    open_step = last and status in ("processing", "supplement", "paused")
                    if open_step:
                        current = index
                    else:
                        done_steps += 1
                        to = "resolved" if index == len(steps) - 1 else "processing"
                        events.append(("complete-step", "processing", to, index, step_end, None))
                    clock.append((index, "started", at, steps[index]["seconds"]))
                    if not open_step:
                        clock.append((index, "stopped", step_end, None))
                    at = step_end
                if status in ("resolved", "returned"):
                    resolved = at
                    result = "approved" if r.random() < 0.97 else "refused"
                    verdict = "early" if resolved < due - 3600 else ("on_time" if resolved <= due else "late")
                    clock.append((None, "stopped", resolved, None))
                    if status == "returned":
                        returned = ended = min(resolved + r.randrange(3600, 5 * DAY), self.now - 60)
                        events.append(("return-result", "resolved", "returned", None, returned, None))
                elif status == "paused":
                    pause_reason = r.choice(("financial", "inter_agency", "verification", "other"))
                    events.append(("pause", "processing", "paused", current, at, None))
                    clock.append((None, "paused", at, None))
                elif status == "supplement":
                    events.append(("request-supplement", "processing", "supplement", current, at, None))
                    clock.append((None, "paused", at, None))
                elif status in ("withdrawn", "stopped"):
                    ended = at
                    action = "withdraw" if status == "withdrawn" else "stop"
                    events.append((action, "processing", status, None, at, None))
                    clock.append((None, "stopped", at, None))
            if status in ("received", "processing"):
                running = True
            if status in ("paused", "supplement"):
                remaining = f"{max(due - self.now, 0) * 0.3:.0f}"

        step_ids: list[str] = []
        needs_steps = self.history or current is not None
        step_rows = []
        if needs_steps and received is not None:
            count = done_steps + (1 if current is not None else 0)
            step_at = [at for index, kind_, at, _ in clock if index is not None and kind_ == "started"]
            step_end = [at for index, kind_, at, _ in clock if index is not None and kind_ == "stopped"]
            for index in range(count):
                step = steps[index]
                agency = step["agency"] or competent
                assignee, _ = self._officer(agency, step["role"])
                step_id = self._next("step")
                step_ids.append(str(step_id))
                is_current = index == current
                begun = step_at[index]
                finished = NULL if is_current else _ts(step_end[index])
                step_due = _add_working(begun, step["seconds"])
                step_verdict = "" if is_current else "early" if step_end[index] < step_due else "late"
                step_rows.append(
                    (
                        str(step_id),
                        str(dossier_id),
                        str(step["id"]),
                        str(step["order"]),
                        step["name"],
                        step["role"],
                        str(agency),
                        "active" if is_current else "done",
                        assignee,
                        _ts(begun),
                        finished,
                        _ts(step_due),
                        NULL,
                        step_verdict,
                        "{}",
                    )
                )
        for row in step_rows:
            tables["step"].add(row)

        seq = 0
        head = ""  # the seal of the dossier's last history row
        if self.history:
            for action, before, after, index, at, actor in events:
                seq += 1
                step_id = step_ids[index] if index is not None and index < len(step_ids) else NULL
                step_name = steps[index]["name"] if index is not None else ""
                if actor is None:
                    if index is not None:
                        actor = self._officer(steps[index]["agency"] or competent, steps[index]["role"])
                    elif action == "submit":
                        actor = (NULL, name)
                    else:
                        actor = (counter_id, counter_name)
                head = _digest(
                    head,
                    {
                        "code": code,
                        "seq": seq,
                        "action": action,
                        "from_status": before,
                        "to_status": after,
                        "step_id": None if step_id == NULL else int(step_id),
                        "step_name": step_name,
                        "actor_id": None if actor[0] == NULL else int(actor[0]),
                        "actor_name": actor[1],
                        "at": dt.datetime.fromtimestamp(int(at), _UTC),  # as _ts writes it: whole seconds
                        "note": "",
                        "data": {},
                    },
                )
                tables["event"].add(
                    (
                        str(self._next("event")),
                        str(dossier_id),
                        str(seq),
                        action,
                        before,
                        after,
                        step_id,
                        step_name,
                        actor[0],
                        actor[1],
                        _ts(at),
                        "",
                        "{}",
                        head,
                    )
                )
            for index, kind_, at, budget in clock:
                step_id = step_ids[index] if index is not None and index < len(step_ids) else NULL
                tables["clock"].add(
                    (
                        str(self._next("clock")),
                        str(dossier_id),
                        step_id,
                        kind_,
                        _ts(at),
                        _ts(at),
                        NULL if budget is None else f"{budget:.0f}",
                        NULL,
                        "",
                    )
                )
        else:
            seq = len(events)

        current_step = step_ids[current] if current is not None and current < len(step_ids) else NULL
        place = r.choice(PLACES)
        address = f"Số {r.randrange(1, 300)} đường {r.choice(STREETS)}, {place}, tỉnh Sơn La"
        summary = proc["name"]
        email = f"hoso{dossier_id}@example.vn" if r.random() < 0.3 else ""
        tables["dossier"].add(
            (
                str(dossier_id),
                code,
                str(proc["id"]),
                str(proc["process"]) if received is not None else NULL,
                str(receiving),
                str(competent),
                status,
                "online" if online else "counter",
                NULL,
                name,
                str(kind),
                id_number,
                phone,
                email,
                address,
                summary,
                "counter",
                _ts(created),
                _ts(created) if online else NULL,
                NULL if received is None else _ts(received),
                NULL if received is None else counter_id,
                NULL if resolved is None else _ts(resolved),
                NULL if returned is None else _ts(returned),
                NULL if ended is None else _ts(ended),
                NULL if due is None else _ts(due),
                NULL if appointment is None else _ts(appointment),
                remaining,
                "t" if running else "f",
                verdict,
                "{}",
                current_step,
                result,
                "",
                awaiting,
                "[]",
                "0",
                pause_reason,
                str(proc["fee"]),
                str(r.randrange(120, 1800)) if online else NULL,
                str(seq),
                str(seq),
                _search_text(code, name, phone, id_number, summary),
                head,
            )
        )


def _secondary_indexes(conn, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of `tables` that no constraint owns."""
    return conn.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [tables],
    ).fetchall()


def load(
    database_url: str,
    *,
    dossiers: int = 100_000,
    history: bool = True,
    years: float = 2.5,
    seed: int = 21,
    keep: bool = False,
    demo_dossiers: bool = False,
    batch: int = 20_000,
    verbose: bool = False,
) -> dict:
    """Create (unless `keep`), migrate and seed the database at `database_url`, then add `dossiers` dossiers
    (with their history and clock ledger when `history`). Answers the row counts written and the seconds taken."""
    import psycopg

    began = time.perf_counter()
    if not keep:
        _create_database(database_url)
    _run_manage(database_url, "migrate", "--verbosity", "0")
    _run_manage(database_url, "seed_demo", "--quiet", *([] if demo_dossiers else ["--no-dossiers"]))
    seeded = time.perf_counter()

    names = {
        "dossier": ("dossiers_dossier", DOSSIER_COLUMNS),
        "step": ("dossiers_dossierstep", STEP_COLUMNS),
        "event": ("dossiers_dossierevent", EVENT_COLUMNS),
        "clock": ("dossiers_clockevent", CLOCK_COLUMNS),
    }
    with psycopg.connect(database_url) as conn:
        catalogue = read_catalogue(conn)
        generator = Generator(catalogue, count=dossiers, years=years, history=history, now=time.time() - 600, seed=seed)
        for kind, (table, _) in names.items():
            generator.ids[kind] = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        for (agency, day), last in conn.execute(
            "SELECT agency_id, to_char(day, 'YYMMDD'), last FROM dossiers_dailysequence"
        ):
            generator.day_numbers[(agency, day)] = last
        tables = {kind: Table(conn, table, tuple(columns)) for kind, (table, columns) in names.items()}
        table_names = [table for table, _ in names.values()]
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = _secondary_indexes(conn, table_names)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        with conn.cursor() as cursor:
            # One COPY at a time per connection: each batch goes table by table.
            done = 0
            while done < dossiers:
                for _ in range(min(batch, dossiers - done)):
                    generator.dossier(tables)
                done = min(done + batch, dossiers)
                for table in tables.values():
                    if table.lines:
                        with cursor.copy(table.statement()) as copy:
                            copy.write("".join(table.lines))
                        table.lines.clear()
                if verbose:
                    print(f"  {done:,} dossiers ({time.perf_counter() - seeded:.0f} s)", flush=True)
        loaded = time.perf_counter()
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("SET session_replication_role = origin")
        for (agency, day), last in generator.day_numbers.items():
            conn.execute(
                "INSERT INTO dossiers_dailysequence (agency_id, day, last) VALUES (%s, to_date(%s, 'YYMMDD'), %s)"
                " ON CONFLICT (agency_id, day) DO UPDATE SET last = EXCLUDED.last",
                [agency, day, last],
            )
        for table in table_names:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(database_url, autocommit=True) as conn:
        for table in table_names:
            conn.execute(f"VACUUM ANALYZE {table}")
    finished = time.perf_counter()
    return {
        "dossiers": tables["dossier"].count,
        "steps": tables["step"].count,
        "events": tables["event"].count,
        "clock_events": tables["clock"].count,
        "seconds_seed": round(seeded - began, 1),
        "seconds_copy": round(loaded - seeded, 1),
        "seconds_index_analyze": round(finished - loaded, 1),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--database", default="onestop_dataset", help="database name on BENCH_PG_URL's server")
    parser.add_argument("--url", help="full database URL (instead of --database)")
    parser.add_argument("--no-history", action="store_true", help="no history or clock rows (steps of open ones)")
    parser.add_argument("--years", type=float, default=2.5, help="the dossiers' creation dates span this many years")
    parser.add_argument("--keep", action="store_true", help="add to an existing database instead of recreating it")
    parser.add_argument("--demo-dossiers", action="store_true", help="also the demo dossiers of seed_demo")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    url = args.url or f"{PG_ADMIN_URL}/{args.database}"
    counts = load(
        url,
        dossiers=args.dossiers,
        history=not args.no_history,
        years=args.years,
        seed=args.seed,
        keep=args.keep,
        demo_dossiers=args.demo_dossiers,
        verbose=True,
    )
    print(" ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
