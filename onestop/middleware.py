"""Request-wide middleware: the request id of the logs, refusals of input no view should see, and the answer
when the embedded SQLite database stays locked."""

from __future__ import annotations

import logging
import re
import uuid
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.db import OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .logs import request_id

logger = logging.getLogger("onestop.requests")

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Each request gets an id (the proxy's X-Request-ID when it looks like one, else a new one), put on every
    log line written while it is served and sent back in the answer's X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class BadInputMiddleware:
    """A NUL byte cannot be in any dossier code, name or key (PostgreSQL's text refuses it): a path holding one
    names nothing (404) and a query string holding one is a bad request (400), before any view reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404(_("Không tìm thấy."))
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            message = _("Tham số truy vấn chứa ký tự không hợp lệ.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid"}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _database_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


class DatabaseBusyMiddleware:
    """The embedded SQLite database allows one writer at a time; a transaction that waited its whole timeout
    for the lock was rolled back, and the request is answered 503 with Retry-After so that it can be sent
    again, rather than 500."""

    RETRY_AFTER_SECONDS = 2

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _database_locked(exception):
            return None
        logger.warning("database locked: %s %s answered 503", request.method, request.path)
        message = _("Hệ thống đang bận, vui lòng thử lại sau ít giây.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "code": "busy"}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with the two services a form here sends the
    browser on to added to form-action: the national payment platform (paying a fee online) and the national
    e-identity (signing in). Their addresses are read per request, as the apps read them."""

    def get_policy_parts(self, request, response, report_only=False):
        from citizen import conf as eid
        from payments import conf as payment

        parts = super().get_policy_parts(request, response, report_only)
        targets = [_origin(payment.platform_url()), _origin(eid.eid_url())]
        parts.update = {**(parts.update or {}), "form-action": targets}
        return parts
