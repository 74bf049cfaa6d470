"""`onestop.fastsql` writes exactly what the ORM would: its fast value preparation gives, for every column,
the value the field's own `get_db_prep_save` gives, and rows it reads are the rows the ORM reads."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dossiers import services
from dossiers.models import Action, ClockEvent, Dossier, DossierEvent
from onestop import fastsql
from portal.models import OutboxMessage


def generic(obj, add: bool, names=None) -> list:
    fields = fastsql._insert_fields(type(obj)) if names is None else [type(obj)._meta.get_field(n) for n in names]
    return [f.get_db_prep_save(f.pre_save(obj, add), connection=connection) for f in fields]


def comparable(values: list) -> list:
    return [getattr(v, "obj", v) for v in values]  # psycopg's Jsonb wraps the Python value


VALUES = {
    "an aware datetime": timezone.now(),
    "a datetime in +07:00": dt.datetime(2026, 2, 16, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))),
}


@pytest.mark.parametrize("when", VALUES.values(), ids=VALUES.keys())
def test_insert_values_match_the_orm(world, when):
    dossier = world.dossier_in("processing")
    event = fastsql.new(
        DossierEvent,
        None,
        dossier_id=dossier.pk,
        seq=99,
        action=Action.PAUSE,  # an enum member, not a plain str: takes the field's own path
        from_status="processing",
        to_status="paused",
        step_id=None,
        step_name="Thẩm định",
        actor_id=world.counter.pk,
        actor_name="Cán bộ",
        at=when,
        note="",
        data={"reason": "verification", "n": [1, 2]},
    )
    clock = fastsql.new(ClockEvent, None, dossier_id=dossier.pk, kind="paused", at=when, budget_seconds=3600)
    outbox = fastsql.new(
        OutboxMessage,
        None,
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        seq=99,
        kind="progress",
        national_status=4,
        mapping_version=1,
        payload={"MaHoSo": dossier.code},
        created_at=when,
        next_attempt_at=when,
    )
    for obj in (event, clock, outbox):
        fast = fastsql._params(obj, fastsql._preparers(type(obj), connection.vendor, None), True, connection)
        assert comparable(fast) == comparable(generic(obj, True)), type(obj).__name__
    assert (
        fastsql._params(clock, fastsql._preparers(ClockEvent, connection.vendor, None), True, connection)[5] == 3600.0
    )  # an int for a FloatField goes as the float the field makes of it


def test_update_values_and_rows_read_match_the_orm(world):
    dossier = services.pause_dossier(dossier=world.dossier_in("processing"), actor=world.counter, reason="verification")
    names = ("status", "clock_state", "due_at", "remaining_seconds", "clock_running", "pause_reason", "version")
    fast = fastsql._params(dossier, fastsql._preparers(Dossier, connection.vendor, names), False, connection)
    assert comparable(fast) == comparable(generic(dossier, False, names))

    read = fastsql.get(Dossier, where="id = %s", params=[dossier.pk], related=("procedure", "current_step"))
    orm = Dossier.objects.select_related("procedure", "current_step").get(pk=dossier.pk)
    for field in Dossier._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert read.procedure.__dict__.keys() >= {f.attname for f in read.procedure._meta.concrete_fields}
    assert read.current_step.name == orm.current_step.name and read.procedure.name == orm.procedure.name
    assert read._state.adding is False and read._state.db == "default"
