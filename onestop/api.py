"""API-wide pieces: the error shape of API.md ({"detail", "code"}) for every refusal."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dossiers.services import DossierError


def exception_handler(exc, context):
    if isinstance(exc, DossierError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
        body.update({k: v for k, v in exc.extra.items() if v is not None})
        return Response(body, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Dữ liệu không hợp lệ.", "code": "invalid", "errors": response.data}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", None) or exc.default_code}
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response.data["retry_after_seconds"] = int(exc.wait)
    return response
