"""Django's PostgreSQL backend, reading `timestamptz` values with psycopg's C parser.

Django reads them with a subclass of psycopg's pure-Python loader (to set its own time zone object), and a
dossier's locked read has eleven of them (eight of the dossier's, three of its step's). This backend parses
with the C loader of psycopg's binary package and sets the same time zone object, so values are identical.
Without the binary package it is Django's backend unchanged.
"""

from __future__ import annotations

import datetime as dt

from django.db.backends.postgresql import base
from psycopg.adapt import Loader

try:
    from psycopg_binary._psycopg import TimestamptzLoader as _CTimestamptzLoader
except ImportError:  # pure-Python psycopg
    _CTimestamptzLoader = None


_combine = dt.datetime.combine


def _loader_for(tz):
    class TimestamptzLoader(Loader):
        timezone = tz  # what Django's create_cursor compares with the connection's

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = _CTimestamptzLoader(oid, context).load

        def load(self, data):
            value = self._parse(data)
            return _combine(value, value.time(), tz)  # value.replace(tzinfo=tz), in a sixth of its time

    return TimestamptzLoader


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if _CTimestamptzLoader is not None:
            connection.adapters.register_loader("timestamptz", _loader_for(self.timezone))
        return connection
