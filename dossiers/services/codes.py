"""Dossier codes (Art. 12 of 003)."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from workflows.models import Agency

from ..models import DailySequence


def next_dossier_code(*, agency: Agency, day: dt.date) -> str:
    """`<agency identifier>-<yymmdd>-<daily sequence>` (Art. 12 of 003). One atomic upsert, so concurrent
    receipts never share a number; a rolled-back receipt may leave a gap, which is allowed."""
    table = DailySequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
