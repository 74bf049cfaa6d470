"""The request id of every log line: set by RequestIdMiddleware for the request a thread or task is serving,
"-" outside one. A record about a request (Django's request log) names it by method and path only: its query
string can hold what a person searched for (a name, a phone number), which logs must not carry."""

import contextvars
import logging

request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)  # Django's own request log, written after the middleware ran
        record.request_id = getattr(request, "request_id", None) or request_id.get()
        if request is not None and not isinstance(request, str):
            record.request = f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}".strip()
        return True
