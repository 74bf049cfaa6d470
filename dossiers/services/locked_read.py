"""The statement that reads and locks a dossier with its current step, built once per process and database
instead of once per transition.

Every use case starts with this read (`recording.lock_dossier`). Built by the ORM, its SQL (the dossier's 40-odd
columns and its step's, a join and a locking clause) is compiled anew each time, which costs a transition about
as much CPU as the statement costs the server. Here it is written once from the models' metadata, and each row
is turned into instances the way the ORM does it: each column's value through the converters the ORM would apply
(`get_db_converters` of the backend and of the field), then `Model.from_db`. A test compares what it answers with
what `select_related("current_step").select_for_update(of=("self",))` answers, column by column, on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connections

from ..models import Dossier, DossierStep


@dataclass(frozen=True)
class _Part:
    """One model's columns in the row: its fields, and each one's converters."""

    model: type
    fields: tuple
    attnames: list
    converters: tuple  # per column: (its expression, the converters the ORM applies to its value as read)

    def instance(self, db: str, values, connection):
        converted = list(values)
        for i, (column, converters) in self.converters:
            value = converted[i]
            for convert in converters:
                value = convert(value, column, connection)
            converted[i] = value
        return self.model.from_db(db, self.attnames, converted)


@dataclass(frozen=True)
class _Statement:
    sql: str
    dossier: _Part
    step: _Part


def _part(model, connection) -> _Part:
    fields = tuple(model._meta.concrete_fields)
    converters = []
    for i, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        if found := connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            converters.append((i, (column, tuple(found))))
    return _Part(model, fields, [f.attname for f in fields], tuple(converters))


@cache
def _statement(alias: str, by: str) -> _Statement:
    """The statement for the database `alias`, selecting the dossier by its column `by` (its key or its code)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    dossier, step = _part(Dossier, connection), _part(DossierStep, connection)
    d_table, s_table = quote(Dossier._meta.db_table), quote(DossierStep._meta.db_table)
    columns = [f"{d_table}.{quote(f.column)}" for f in dossier.fields]
    columns += [f"{s_table}.{quote(f.column)}" for f in step.fields]
    current_step = quote(Dossier._meta.get_field("current_step").column)
    where = quote((Dossier._meta.pk if by == "pk" else Dossier._meta.get_field(by)).column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {d_table} LEFT OUTER JOIN {s_table}"
        f" ON ({d_table}.{current_step} = {s_table}.{quote(DossierStep._meta.pk.column)})"
        f" WHERE {d_table}.{where} = %s"
    )
    if connection.features.has_select_for_update:
        sql += f" FOR UPDATE OF {d_table}" if connection.features.has_select_for_update_of else " FOR UPDATE"
    return _Statement(sql, dossier, step)


def read_locked(*, pk=None, code: str | None = None, using: str = "default") -> Dossier | None:
    """The dossier with key `pk` (or code `code`) and its current step, its row locked until the transaction
    ends; None when there is no such dossier. To be called inside a transaction."""
    statement = _statement(using, "pk" if code is None else "code")
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [pk if code is None else code])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(statement.dossier.fields)
    dossier = statement.dossier.instance(using, row[:width], connection)
    # Like the ORM's select_related: the step when there is one, else the relation is known to be empty.
    step = statement.step.instance(using, row[width:], connection) if row[width] is not None else None
    dossier.current_step = step
    return dossier
