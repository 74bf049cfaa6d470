"""Worklists exported to CSV (the standard library's writer) and Excel (openpyxl's write-only workbook), with
the filters of the screen applied. Rows are read in chunks and written as they come: a CSV leaves as a
stream, a workbook is written to a temporary file that is then streamed, so a long list never sits in memory."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Dossier

CHUNK = 2000


def _local(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""


def _handler(dossier: Dossier) -> str:
    step = dossier.current_step
    if step is None or step.assignee is None:
        return ""
    return step.assignee.get_full_name() or step.assignee.get_username()


COLUMNS: tuple[tuple[Callable[[], str], Callable[[Dossier], object]], ...] = (
    (lambda: _("Mã hồ sơ"), lambda d: d.code),
    (lambda: _("Chủ hồ sơ"), lambda d: d.applicant_name),
    (lambda: _("Số điện thoại"), lambda d: d.applicant_phone),
    (lambda: _("Mã TTHC"), lambda d: d.procedure.code),
    (lambda: _("Thủ tục"), lambda d: d.procedure.name),
    (lambda: _("Cơ quan giải quyết"), lambda d: d.competent_agency.name),
    (lambda: _("Trạng thái"), lambda d: d.get_status_display()),
    (lambda: _("Bước hiện tại"), lambda d: d.current_step.name if d.current_step else ""),
    (lambda: _("Người xử lý"), _handler),
    (lambda: _("Hình thức nộp"), lambda d: d.get_channel_display()),
    (lambda: _("Nộp lúc"), lambda d: _local(d.submitted_at)),
    (lambda: _("Tiếp nhận lúc"), lambda d: _local(d.received_at)),
    (lambda: _("Hạn giải quyết"), lambda d: _local(d.due_at)),
    (lambda: _("Ngày hẹn trả"), lambda d: _local(d.appointment_at)),
    (lambda: _("Quá hạn"), lambda d: _("Có") if d.is_overdue else ""),
    (lambda: _("Phí, lệ phí (đồng)"), lambda d: d.fee_amount),
)


def header() -> list[str]:
    return [str(title()) for title, _value in COLUMNS]


def rows(dossiers) -> Iterator[list]:
    """One list of cells per dossier, read `CHUNK` at a time."""
    for dossier in dossiers.iterator(chunk_size=CHUNK):
        yield [value(dossier) for _title, value in COLUMNS]


class _Echo:
    """A file whose write returns the line, for csv.writer inside a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(dossiers) -> Iterable[str]:
    """The CSV text line by line, with a byte-order mark so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header())
    for row in rows(dossiers):
        yield writer.writerow(row)


def xlsx_file(dossiers, *, title: str):
    """An open temporary file holding the workbook, at its start."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    sheet.append(header())
    for row in rows(dossiers):
        sheet.append(row)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and then closes it
    workbook.save(out)
    out.seek(0)
    return out
