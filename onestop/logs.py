"""The request id of every log line: set by RequestIdMiddleware for the request a thread or task is serving,
"-" outside one."""

import contextvars
import logging

request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)  # Django's own request log, written after the middleware ran
        record.request_id = getattr(request, "request_id", None) or request_id.get()
        return True
