"""Idempotency-Key for mutating POSTs (API.md): a repeat by the same user with the same key gets the first
answer back and changes nothing.

The record is inserted first, in the same transaction as the change it guards: a concurrent duplicate
blocks on the unique (user, key) index until the first commits, then fails to insert and replays the
stored answer instead of applying the change twice. Refusals (4xx) are not stored: they changed nothing,
so the same key may be retried once the request is corrected.
"""

from __future__ import annotations

import functools
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from dossiers.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class IdempotencyKeyInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_idempotency_key"


def _replay(record: IdempotencyRecord, request) -> Response:
    if record.method != request.method or record.path != request.path:
        raise IdempotencyKeyReused(
            _(
                "Khóa Idempotency-Key “%(key)s” đã được dùng cho yêu cầu khác (%(method)s %(path)s); "
                "hãy dùng một khóa mới cho mỗi thao tác."
            )
            % {"key": record.key, "method": record.method, "path": record.path}
        )
    if record.status_code == 0:
        # Only reachable on a database that does not block the duplicate insert (never committed empty).
        raise IdempotencyKeyReused(_("Yêu cầu với khóa này đang được xử lý; hãy thử lại sau giây lát."))
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _find(request, key: str) -> IdempotencyRecord | None:
    user = request.user if request.user.is_authenticated else None
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def idempotent(view_method):
    """Wrap a view's POST handler so that it honours the Idempotency-Key header."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = (request.headers.get(HEADER) or "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise IdempotencyKeyInvalid(_("Khóa Idempotency-Key dài quá %(n)s ký tự.") % {"n": MAX_KEY_LENGTH})
        existing = _find(request, key)
        if existing is not None:
            return _replay(existing, request)
        user = request.user if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            key=key, user=user, method=request.method, path=request.path, status_code=0, body={}
                        )
                except IntegrityError:
                    raise _AlreadyDone from None
                response = view_method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    record.status_code = response.status_code
                    record.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                    record.save(update_fields=["status_code", "body"])
                else:
                    transaction.set_rollback(True)
                return response
        except _AlreadyDone:
            return _replay(_find(request, key), request)

    return wrapper


class _AlreadyDone(Exception):
    """A concurrent request with the same key committed first."""
