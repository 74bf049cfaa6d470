"""Walking the sealed history (dossiers.sealing): every dossier's rows numbered 1, 2, … without a gap, each
row's seal matching its content and the seal before it, and the last one the dossier's `history_digest`.
`manage.py verify_history` reports what this finds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import sealing
from .models import Dossier, DossierEvent

# The dossier's key, then what a seal covers in its order (the code excepted: the dossier's), then the seal.
_READ = ("dossier_id", *sealing.SEALED[1:], "digest")
assert sealing.SEALED[:2] == ("code", "seq")


@dataclass(frozen=True)
class Break:
    """The first place a dossier's history does not hold: the row `seq` (or where a row is missing)."""

    code: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.code} #{self.seq}: {self.problem}"


@dataclass
class Walked:
    dossiers: int = 0
    rows: int = 0


def _first_break(code: str, event_seq: int, head: str, rows: list[tuple]) -> Break | None:
    previous = ""
    expected = 1
    for row in rows:
        seq, sealed = row[1], row[-1]
        if seq != expected:
            return Break(code, expected, _("hàng lịch sử này bị thiếu (hàng kế tiếp có số %s)") % seq)
        if sealed != sealing.digest_row(previous, (code, *row[1:-1])):
            return Break(code, expected, _("nội dung hàng lịch sử không khớp dấu niêm phong (đã bị sửa)"))
        previous = sealed
        expected += 1
    if expected - 1 != event_seq:
        return Break(
            code,
            expected,
            _("hồ sơ có %(count)s hàng lịch sử nhưng chỉ còn %(found)s")
            % {
                "count": event_seq,
                "found": expected - 1,
            },
        )
    if previous != head:
        return Break(code, expected - 1, _("lịch sử không kết thúc bằng dấu niêm phong lưu trên hồ sơ"))
    return None


def broken_histories(
    *,
    batch_size: int = 2000,
    codes: list[str] | None = None,
    walked: Walked | None = None,
    on_progress: Callable[[Walked], None] | None = None,
) -> Iterator[Break]:
    """The first break of each dossier whose history does not hold (of the dossiers `codes`, else all), in
    the dossiers' key order. Reads a batch of dossiers and then their rows in one query, so memory stays
    bounded at any size. `walked` counts the dossiers and rows read."""
    walked = walked if walked is not None else Walked()
    dossiers = Dossier.objects.order_by("pk").values_list("pk", "code", "event_seq", "history_digest")
    if codes is not None:
        dossiers = dossiers.filter(code__in=codes)
    last = 0
    while True:
        batch = list(dossiers.filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        last = batch[-1][0]
        rows_of: dict[int, list[tuple]] = {pk: [] for pk, *_ in batch}
        events = DossierEvent.objects.filter(dossier_id__gte=batch[0][0], dossier_id__lte=last)
        if codes is not None:
            events = events.filter(dossier_id__in=list(rows_of))
        for row in events.order_by("dossier_id", "seq").values_list(*_READ):
            found = rows_of.get(row[0])
            if found is not None:
                found.append(row)
        for pk, code, event_seq, head in batch:
            rows = rows_of[pk]
            walked.dossiers += 1
            walked.rows += len(rows)
            broken = _first_break(code, event_seq, head, rows)
            if broken is not None:
                yield broken
        if on_progress is not None:
            on_progress(walked)
