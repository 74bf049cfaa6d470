"""The bulk import of historical dossiers (`manage.py import_dossiers`): CSV (UTF-8, header row) or JSON
Lines, one dossier a row, validated row by row. A bad row is reported with its line number and reason and
the rest goes in. Rows are written in batches, each in one transaction with its history entries, facts,
summaries and the file's progress (COPY on PostgreSQL, bulk inserts elsewhere); a rerun resumes after the
last batch written, and importing a code again updates that dossier, so a rerun changes nothing.

The columns are listed in `COLUMNS` and documented in docs/reports.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import sealing
from dossiers.models import Action, Channel, Dossier, DossierEvent, Rating, RatingValue, Result, Status
from workflows.calendar import calendar_of
from workflows.clock import classify
from workflows.models import Agency, Procedure, ReturnChannel

from .bulk import upsert
from .facts import Changes, apply, contributions, local_day, write_facts
from .models import DossierFact, ImportRun, Outcome

COLUMNS = (
    "code",
    "procedure_code",
    "agency_code",
    "channel",
    "submitted_at",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "status",
    "supplements",
    "fee",
    "paid_online",
    "result_electronic",
    "rating",
)
REQUIRED = ("code", "procedure_code", "agency_code", "channel", "status")
_DATES = ("submitted_at", "received_at", "due_at", "resolved_at", "returned_at")
_ENDED = {Status.REJECTED: Outcome.REJECTED, Status.WITHDRAWN: Outcome.WITHDRAWN, Status.STOPPED: Outcome.STOPPED}
_RESULT = (Status.RESOLVED, Status.RETURNED)
_CHANNELS, _STATUSES, _RATINGS = frozenset(Channel.values), frozenset(Status.values), frozenset(RatingValue.values)
_TRUE, _FALSE = {"true", "1", "yes", "có"}, {"false", "0", "no", "không", ""}
IMPORTED_NOTE = "Nhập từ dữ liệu lịch sử"  # the history entry of an imported dossier (Vietnamese, as all history)


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class Row:
    """One valid row: the dossier's column values, its fact and its rating."""

    line: int
    code: str
    values: dict
    fact: DossierFact
    rating: str


@dataclass
class Outcomes:
    lines: int = 0
    imported: int = 0
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    skipped_lines: int = 0


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    """(line number, the row as a dict of strings) for each row; a line that is no row gives its message."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except ValueError:
                    yield number, _("không phải một đối tượng JSON")
                    continue
                if not isinstance(data, dict):
                    yield number, _("không phải một đối tượng JSON")
                    continue
                yield (
                    number,
                    {
                        k: "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
                        for k, v in data.items()
                    },
                )
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            raise RowError(_("Tệp thiếu cột: %s") % ", ".join(missing))
        for data in reader:
            yield reader.line_num, data


class Validator:
    """Turns a row of strings into a `Row`, or says why it cannot."""

    def __init__(self):
        self.procedures = {code: (pk,) for code, pk in Procedure.objects.values_list("code", "pk")}
        self.agencies = dict(Agency.objects.values_list("code", "pk"))
        self.now = timezone.now()

    def _date(self, data: dict, name: str) -> dt.datetime | None:
        text = (data.get(name) or "").strip()
        if not text:
            return None
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            message = _("%(column)s không phải ngày giờ ISO 8601: %(value)s") % {"column": name, "value": text}
            raise RowError(message) from None
        if value.tzinfo is None:
            raise RowError(_("%(column)s thiếu múi giờ (ví dụ +07:00): %(value)s") % {"column": name, "value": text})
        return value

    def _count(self, data: dict, name: str) -> int:
        text = (data.get(name) or "0").strip() or "0"
        if not text.isdigit():
            raise RowError(_("%(column)s phải là số nguyên không âm: %(value)s") % {"column": name, "value": text})
        return int(text)

    def _flag(self, data: dict, name: str) -> bool:
        text = (data.get(name) or "").strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise RowError(_("%(column)s phải là true hoặc false: %(value)s") % {"column": name, "value": text})

    def row(self, line: int, data: dict) -> Row:
        for name in REQUIRED:
            if not (data.get(name) or "").strip():
                raise RowError(_("thiếu %s") % name)
        code = data["code"].strip()
        if len(code) > 60:
            raise RowError(_("mã hồ sơ dài quá 60 ký tự"))
        procedure = self.procedures.get(data["procedure_code"].strip())
        if procedure is None:
            raise RowError(_("không có thủ tục mã %s trong danh mục") % data["procedure_code"].strip())
        agency = self.agencies.get(data["agency_code"].strip())
        if agency is None:
            raise RowError(_("không có cơ quan mã %s") % data["agency_code"].strip())
        channel = data["channel"].strip()
        if channel not in _CHANNELS:
            raise RowError(_("hình thức nộp phải là online, counter hoặc post: %s") % channel)
        status = data["status"].strip()
        if status not in _STATUSES:
            raise RowError(_("trạng thái không hợp lệ: %s") % status)
        dates = {name: self._date(data, name) for name in _DATES}
        supplements, fee = self._count(data, "supplements"), self._count(data, "fee")
        paid_online, electronic = self._flag(data, "paid_online"), self._flag(data, "result_electronic")
        rating = (data.get("rating") or "").strip()
        if rating and rating not in _RATINGS:
            raise RowError(_("đánh giá phải là very_satisfied, satisfied hoặc not_satisfied: %s") % rating)
        self._check_dates(status, dates, rating)
        return self._made(
            line, code, procedure[0], agency, channel, status, dates, supplements, fee, paid_online, electronic, rating
        )

    def _check_dates(self, status: str, dates: dict, rating: str) -> None:
        if status != Status.SUBMITTED and status != Status.REJECTED and dates["received_at"] is None:
            raise RowError(_("trạng thái %s cần received_at") % status)
        if status in _RESULT and dates["resolved_at"] is None:
            raise RowError(_("trạng thái %s cần resolved_at") % status)
        if status == Status.RETURNED and dates["returned_at"] is None:
            raise RowError(_("trạng thái returned cần returned_at"))
        if status not in _RESULT and dates["resolved_at"] is not None:
            raise RowError(_("hồ sơ trạng thái %s không có resolved_at") % status)
        if rating and status != Status.RETURNED:
            raise RowError(_("chỉ hồ sơ đã trả kết quả mới có đánh giá"))
        order = [dates[n] for n in ("submitted_at", "received_at", "resolved_at", "returned_at") if dates[n]]
        if any(later < earlier for earlier, later in zip(order, order[1:], strict=False)):
            raise RowError(_("các thời điểm phải theo thứ tự nộp ≤ tiếp nhận ≤ giải quyết ≤ trả kết quả"))

    def _made(
        self, line, code, procedure, agency, channel, status, dates, supplements, fee, paid_online, electronic, rating
    ) -> Row:
        received, resolved, returned, due = (
            dates["received_at"],
            dates["resolved_at"],
            dates["returned_at"],
            dates["due_at"],
        )
        outcome = _ENDED.get(status, "")
        # A dossier that ended without a result ended when it was handed back, else at its last date.
        ended = (returned or received or dates["submitted_at"]) if outcome else returned
        if outcome:
            returned = None  # the time it ended, not a result handed back
        verdict = ""
        if resolved is not None and due is not None:
            verdict = classify(
                end_at=resolved, due_at=due, supplement_requests=supplements, calendar=calendar_of(agency)
            )
        online = channel == Channel.ONLINE
        fully_online = bool(online and resolved and electronic and (fee == 0 or paid_online))
        values = {
            "code": code,
            "procedure_id": procedure,
            "receiving_agency_id": agency,
            "competent_agency_id": agency,
            "status": status,
            "channel": channel,
            "return_channel": ReturnChannel.ONLINE if online and electronic else ReturnChannel.COUNTER,
            "created_at": dates["submitted_at"] or received or self.now,
            "submitted_at": dates["submitted_at"],
            "received_at": received,
            "resolved_at": resolved,
            "returned_at": returned,
            "ended_at": ended,
            "due_at": due,
            "appointment_at": due,
            "verdict": verdict,
            "result": Result.APPROVED if resolved else "",
            "supplement_requests": min(supplements, 32767),
            "fee_amount": fee,
            "event_seq": 1,
            "version": 1,
        }
        fact = SimpleNamespace(
            dossier_id=None,
            agency_id=agency,
            procedure_id=procedure,
            online=online,
            received_on=local_day(received),
            resolved_on=local_day(resolved),
            returned_on=local_day(returned),
            ended_on=local_day(ended) if outcome else None,
            outcome=outcome,
            verdict=verdict,
            has_fee=fee > 0,
            paid_online=paid_online and fee > 0,
            fully_online=fully_online,
            processing_seconds=max(0.0, (resolved - received).total_seconds()) if resolved and received else None,
            submission_seconds=None,
            rated_on=local_day(returned) if rating else None,
            satisfied=(rating != RatingValue.NOT_SATISFIED) if rating else None,
            imported=True,
        )
        return Row(line, code, values, fact, rating)


# -- writing a batch ---------------------------------------------------------------------------------
_DOSSIER_ATTNAMES = [f.attname for f in Dossier._meta.concrete_fields if not f.primary_key]
_UPDATED = [
    "procedure_id",
    "receiving_agency_id",
    "competent_agency_id",
    "status",
    "channel",
    "return_channel",
    "submitted_at",
    "received_at",
    "resolved_at",
    "returned_at",
    "ended_at",
    "due_at",
    "appointment_at",
    "verdict",
    "result",
    "supplement_requests",
    "fee_amount",
]
_EVENT_ATTNAMES = [f.attname for f in DossierEvent._meta.concrete_fields if not f.primary_key]


# An import updates only the dossiers an import wrote (their fact says so), never one handled in the system.
_IMPORTED_ONLY = (
    f"EXISTS (SELECT 1 FROM {DossierFact._meta.db_table} f "
    f"WHERE f.dossier_id = {Dossier._meta.db_table}.id AND f.imported)"
)


def _ordered(values: dict, names) -> list:
    return [values[name] for name in names]


class Writer:
    def __init__(self, path: Path):
        self.name = path.name
        self.defaults = {f.attname: f.get_default() for f in Dossier._meta.concrete_fields if not f.primary_key}
        self.defaults["applicant_name"] = ""
        self.event_defaults = {
            f.attname: f.get_default() for f in DossierEvent._meta.concrete_fields if not f.primary_key
        }

    def write(self, rows: list[Row]) -> tuple[int, list[Row]]:
        """Write one batch (inside the caller's transaction); returns how many dossiers were new, and the rows
        refused because their code belongs to a dossier handled in this system (never written over)."""
        codes = [r.code for r in rows]
        defaults = self.defaults
        # Each new dossier's one history row, sealed before the dossier is written: the dossier keeps its seal.
        event = {**self.event_defaults, "seq": 1, "action": Action.NOTE, "from_status": "", "at": timezone.now()}
        event["note"] = IMPORTED_NOTE
        notes = {
            r.code: {
                **event,
                "code": r.code,
                "to_status": r.values["status"],
                "data": {"imported": {"file": self.name, "line": r.line}},
            }
            for r in rows
        }
        heads = sealing.seal(notes.values())
        values = (_ordered({**defaults, **r.values, "history_digest": heads[r.code]}, _DOSSIER_ATTNAMES) for r in rows)
        if connection.vendor == "postgresql":
            written = upsert(
                Dossier,
                _DOSSIER_ATTNAMES,
                values,
                conflict=["code"],
                update=_UPDATED,
                update_where=_IMPORTED_ONLY,
                returning="id, code, xmax = 0",
            )
            ids = {code: pk for pk, code, _new in written}
            existing = {code: pk for pk, code, new in written if not new}
        else:
            existing = dict(Dossier.objects.filter(code__in=codes).values_list("code", "pk"))
            live = _live_codes(existing)
            upsert(Dossier, _DOSSIER_ATTNAMES, values, conflict=["code"], update=_UPDATED, update_where=_IMPORTED_ONLY)
            existing = {code: pk for code, pk in existing.items() if code not in live}
            ids = {code: pk for code, pk in Dossier.objects.filter(code__in=codes).values_list("code", "pk")}
            ids = {code: pk for code, pk in ids.items() if code not in live}
        refused = [r for r in rows if r.code not in ids]
        rows = [r for r in rows if r.code in ids]
        before = DossierFact.objects.in_bulk(list(existing.values())) if existing else {}
        new = [r for r in rows if r.code not in existing]
        events = ({**notes[r.code], "dossier_id": ids[r.code]} for r in new)
        upsert(
            DossierEvent,
            _EVENT_ATTNAMES,
            (_ordered(e, _EVENT_ATTNAMES) for e in events),
            conflict=["dossier_id", "seq"],
        )
        changes: Changes = defaultdict(dict)
        for r in rows:
            r.fact.dossier_id = ids[r.code]
            contributions(r.fact, 1, changes)
            contributions(before.get(r.fact.dossier_id), -1, changes)
        write_facts([r.fact for r in rows])
        apply({key: row for key, row in changes.items() if any(row.values())})
        unrated = [ids[r.code] for r in rows if not r.rating and r.code in existing]
        if unrated:  # the file is the only record of an imported dossier's rating
            Rating.objects.filter(dossier_id__in=unrated).delete()
        rated = [(ids[r.code], r.rating, "", r.values["returned_at"]) for r in rows if r.rating]
        if rated:
            upsert(
                Rating,
                ("dossier_id", "value", "comment", "rated_at"),
                rated,
                conflict=["dossier_id"],
                update=["value", "rated_at"],
            )
        return len(new), refused


def import_file(
    path: Path,
    *,
    batch_size: int = 10_000,
    restart: bool = False,
    on_error: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Outcomes:
    """Import a file; resumes after the last batch a previous run wrote unless `restart`."""
    outcomes = Outcomes()
    run, _created = ImportRun.objects.get_or_create(fingerprint=fingerprint(path), defaults={"path": str(path)})
    if restart:
        run.lines_done = run.imported = run.errors = 0
        run.finished_at = None
    skip = run.lines_done
    validator, writer = Validator(), Writer(path)

    batch: list[Row] = []
    last_line = 0

    def flush():
        nonlocal batch
        with transaction.atomic():
            created, refused = writer.write(batch) if batch else (0, [])
            for r in refused:
                report(r.line, _("mã %s là của một hồ sơ đang được xử lý trong hệ thống, không nhập đè") % r.code)
            run.lines_done = last_line
            run.imported += len(batch) - len(refused)
            run.errors += len(errors_in_batch)
            run.save()
        outcomes.imported += len(batch) - len(refused)
        outcomes.created += created
        errors_in_batch.clear()
        batch = []

    errors_in_batch: list = []

    def report(line, message):
        outcomes.errors.append((line, message))
        errors_in_batch.append(line)
        if on_error:
            on_error(line, message)

    seen: set[str] = set()
    for line, data in read_rows(path):
        outcomes.lines += 1
        if on_progress:
            on_progress(line)
        if line <= skip:
            outcomes.skipped_lines += 1
            continue
        last_line = line
        if isinstance(data, str):
            report(line, data)
            continue
        try:
            row = validator.row(line, data)
        except RowError as error:
            report(line, str(error))
            continue
        if row.code in seen:
            flush()  # the later row of a code repeated in the file wins, as a rerun would make it
            seen.clear()
        seen.add(row.code)
        batch.append(row)
        if len(batch) >= batch_size:
            flush()
            seen.clear()
    flush()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return outcomes


def _live_codes(existing: dict[str, int]) -> set[str]:
    """Codes of dossiers handled in this system (not imported): an import never writes over them."""
    found = {pk: code for code, pk in existing.items()}
    if not found:
        return set()
    imported = set(DossierFact.objects.filter(pk__in=list(found), imported=True).values_list("pk", flat=True))
    return {code for pk, code in found.items() if pk not in imported}


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
