"""Reading an import file and validating it row by row: each valid row becomes one row of the batch's
staging table (`STAGE`), holding both the dossier's columns and its fact; a bad row raises `RowError` with
the reason, reported with its line number by the caller."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Channel, RatingValue, Result, Status
from workflows.calendar import calendar_of
from workflows.clock import classify
from workflows.models import Agency, Procedure, ReturnChannel

from ..facts import local_day
from ..models import Outcome

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


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


# The staging table's columns (name, kind), in the order `Validator.row` gives them: the dossier's columns,
# then its fact's (DossierFact's names). `dossier_id`, `created` and `refused` are filled in by the writer.
STAGE = (
    ("line", "integer"),
    ("code", "text"),
    ("procedure_id", "integer"),
    ("agency_id", "integer"),
    ("status", "text"),
    ("channel", "text"),
    ("return_channel", "text"),
    ("created_at", "timestamp"),
    ("submitted_at", "timestamp"),
    ("received_at", "timestamp"),
    ("resolved_at", "timestamp"),
    ("returned_at", "timestamp"),
    ("ended_at", "timestamp"),
    ("due_at", "timestamp"),
    ("verdict", "text"),
    ("result", "text"),
    ("supplement_requests", "integer"),
    ("fee_amount", "bigint"),
    ("rating", "text"),
    ("rated_at", "timestamp"),
    ("online", "boolean"),
    ("received_on", "date"),
    ("resolved_on", "date"),
    ("returned_on", "date"),
    ("ended_on", "date"),
    ("outcome", "text"),
    ("has_fee", "boolean"),
    ("paid_online", "boolean"),
    ("fully_online", "boolean"),
    ("processing_seconds", "double precision"),
    ("rated_on", "date"),
    ("satisfied", "boolean"),
)


@dataclass(slots=True)
class Row:
    """One valid row: its line, its code and its values in `STAGE` order."""

    line: int
    code: str
    values: tuple


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
        self.procedures = dict(Procedure.objects.values_list("code", "pk"))
        self.agencies = dict(Agency.objects.values_list("code", "pk"))
        self.now = timezone.now()
        # Read here, before the rows: the rows may be validated in a thread of their own.
        self.calendars = {pk: calendar_of(pk) for pk in self.agencies.values()}

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
            line, code, procedure, agency, channel, status, dates, supplements, fee, paid_online, electronic, rating
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
            calendar = self.calendars.get(agency)
            if calendar is None:
                calendar = self.calendars[agency] = calendar_of(agency)
            verdict = classify(end_at=resolved, due_at=due, supplement_requests=supplements, calendar=calendar)
        online = channel == Channel.ONLINE
        fully_online = bool(online and resolved and electronic and (fee == 0 or paid_online))
        values = (
            line,
            code,
            procedure,
            agency,
            status,
            channel,
            ReturnChannel.ONLINE if online and electronic else ReturnChannel.COUNTER,
            dates["submitted_at"] or received or self.now,
            dates["submitted_at"],
            received,
            resolved,
            returned,
            ended,
            due,
            verdict,
            Result.APPROVED if resolved else "",
            min(supplements, 32767),
            fee,
            rating,
            returned if rating else None,
            # the fact
            online,
            local_day(received),
            local_day(resolved),
            local_day(returned),
            local_day(ended) if outcome else None,
            outcome,
            fee > 0,
            paid_online and fee > 0,
            fully_online,
            max(0.0, (resolved - received).total_seconds()) if resolved and received else None,
            local_day(returned) if rating else None,
            (rating != RatingValue.NOT_SATISFIED) if rating else None,
        )
        return Row(line, code, values)
