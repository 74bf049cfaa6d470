"""The PostgreSQL backend reads timestamptz values in C and gives what Django's own backend gives."""

import datetime as dt

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_timestamptz_values_are_read_as_django_reads_them():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    query = (
        "SELECT '2026-01-28 08:30:00.123456+07'::timestamptz, '2026-12-31 23:59:59+00'::timestamptz, NULL::timestamptz"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        ours = cursor.fetchone()
    assert connection.connection.adapters.get_loader(1184, 0).__module__ == "onestop.db.postgresql.base"
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)  # Django's own loader, on this cursor only
        cursor.execute(query)
        django_s = cursor.fetchone()
    assert ours == django_s
    assert ours[0] == dt.datetime(2026, 1, 28, 1, 30, 0, 123456, tzinfo=dt.UTC)
    assert [v.tzinfo for v in ours[:2]] == [v.tzinfo for v in django_s[:2]] == [connection.timezone] * 2
