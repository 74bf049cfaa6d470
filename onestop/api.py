"""API-wide pieces: the error shape of API.md ({"detail", "code"}) for every refusal."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .refusals import Refusal

# DRF's own refusals, in the words our users read (a view's own message is kept as it is).
_MESSAGES = {
    exceptions.NotAuthenticated: _("Bạn chưa đăng nhập: gửi token (Authorization: Token …) hoặc đăng nhập."),
    exceptions.AuthenticationFailed: _("Thông tin xác thực không đúng hoặc đã hết hiệu lực."),
    exceptions.PermissionDenied: _("Bạn không có quyền thực hiện thao tác này."),
    exceptions.NotFound: _("Không tìm thấy."),
    exceptions.MethodNotAllowed: _("Phương thức không được hỗ trợ ở địa chỉ này."),
    exceptions.UnsupportedMediaType: _("Định dạng dữ liệu gửi lên không được hỗ trợ (dùng JSON hoặc multipart)."),
    exceptions.ParseError: _("Dữ liệu gửi lên không đọc được (JSON hoặc multipart sai cú pháp)."),
}


def _first_error(errors, prefix="") -> str | None:
    """The first field error, as "field: message", to make the top-level detail say what is wrong."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            name = field if field == "non_field_errors" else f"{prefix}{field}"
            found = _first_error(value, f"{name}.")
            if found:
                return found if field != "non_field_errors" else found.split(": ", 1)[-1]
        return None
    if isinstance(errors, list):
        for item in errors:
            found = _first_error(item, prefix)
            if found:
                return found
        return None
    return f"{prefix.rstrip('.')}: {errors}" if prefix else str(errors)


def exception_handler(exc, context):
    if isinstance(exc, Refusal):
        body = {"detail": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
        body.update({k: v for k, v in exc.extra.items() if v is not None})
        status_code = exc.status
        if exc.code == "file_too_large":
            status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return Response(body, status=status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        first = _first_error(response.data)
        detail = _("Dữ liệu không hợp lệ — %(first)s") % {"first": first} if first else _("Dữ liệu không hợp lệ.")
        response.data = {"detail": str(detail), "code": "invalid", "errors": response.data}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        message = str(detail)
        default = _MESSAGES.get(type(exc))
        if default is not None and message == str(type(exc).default_detail):
            message = str(default)
        response.data = {"detail": message, "code": getattr(detail, "code", None) or exc.default_code}
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response.data["retry_after_seconds"] = int(exc.wait)
    return response
