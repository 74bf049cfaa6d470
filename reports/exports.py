"""A report as a table in the layout of seed 001's tables (STT, agency, online services and those with
dossiers, dossiers arising and those online, with their rates), followed by every other count and rate;
as CSV and as an Excel workbook (openpyxl)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .indicators import DERIVED, MEASURES, RATES

# Seed 001's columns, in its order: (key in counts or rates, header).
_SEED_001 = (
    ("counts", "services_online"),
    ("counts", "services_online_with_dossiers"),
    ("rates", "services_with_dossiers_rate"),
    ("counts", "received"),
    ("counts", "received_online"),
    ("rates", "online_rate"),
)


def _columns() -> list[tuple[str, str, str]]:
    labels = {m.name: str(m.label) for m in MEASURES} | {k: str(v) for k, v in DERIVED.items()}
    rate_labels = {r.name: f"{r.label} ({r.unit})" for r in RATES}
    rate_labels["online_time_reduction"] = _("Thời gian xử lý trực tuyến ngắn hơn trực tiếp (%)")
    columns = [(kind, name, labels[name] if kind == "counts" else rate_labels[name]) for kind, name in _SEED_001]
    chosen = {name for _kind, name in _SEED_001}
    columns += [("counts", name, label) for name, label in labels.items() if name not in chosen]
    columns += [("rates", name, label) for name, label in rate_labels.items() if name not in chosen]
    return columns


def table(data: dict) -> tuple[list[str], list[list], list[str]]:
    """(header, rows, kinds) of a report's groups, ranked by online rate as seed 001 ranks its agencies;
    the province's total last. A rate is a percentage; a missing one is empty."""
    columns = _columns()
    header = [_("STT"), _("Tên cơ quan, đơn vị"), *(label for _kind, _name, label in columns), _("Mã")]
    groups = sorted(data["groups"], key=lambda g: -(g["rates"].get("online_rate") or -1))
    rows = []
    for number, group in enumerate(groups, 1):
        rows.append([number, group["name"], *(group[kind].get(name) for kind, name, _l in columns), group["code"]])
    total = data["total"]
    rows.append(["", total["name"], *(total[kind].get(name) for kind, name, _l in columns), total["code"]])
    kinds = ["", "", *(kind if name in _PERCENT else "number" for kind, name, _l in columns), ""]
    return header, rows, kinds


_PERCENT = {r.name for r in RATES if r.unit == "%"} | {"online_time_reduction"}


def as_csv(data: dict) -> bytes:
    header, rows, kinds = table(data)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Kỳ báo cáo"), data["period"]["label"], data["period"]["from"], data["period"]["to"]])
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                "" if value is None else (f"{value:.2f}%" if kind == "rates" else value)
                for value, kind in zip(row, kinds, strict=True)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read the Vietnamese as UTF-8


def as_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, rows, kinds = table(data)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Chỉ số")[:31]
    sheet.append([_("Kỳ báo cáo"), data["period"]["label"], data["period"]["from"], data["period"]["to"]])
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(
            [
                value / 100 if kind == "rates" and value is not None else value
                for value, kind in zip(row, kinds, strict=True)
            ]
        )
        for cell, kind in zip(sheet[sheet.max_row], kinds, strict=True):
            if kind == "rates":
                cell.number_format = "0.00%"
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
