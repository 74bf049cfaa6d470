"""Health probes. /healthz/live: liveness, the process answers (nothing else is touched, so a database or Redis
outage never gets a web process restarted). /healthz/ready (also /healthz): readiness, every registered check
with its detail; 503 while a critical one fails (the database), so a balancer sends no requests here. Apps add
their own readiness checks with `register_check`."""

import time
from collections.abc import Callable

from django.db import connection
from django.http import JsonResponse

_checks: dict[str, Callable[[], tuple[bool, str]]] = {}


def register_check(name: str, check: Callable[[], tuple[bool, str]], *, critical: bool = True) -> None:
    """`check()` answers (ok, detail). A failing critical check makes the answer 503."""
    check.critical = critical
    _checks[name] = check


def _database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, connection.vendor


register_check("database", _database)


def live(request):
    return JsonResponse({"status": "ok"})


def healthz(request):
    results, healthy = {}, True
    for name, check in _checks.items():
        started = time.monotonic()
        try:
            ok, detail = check()
        except Exception as exc:  # a check that raises is a failed check, reported, never a 500
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        results[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.monotonic() - started) * 1000, 1),
            "critical": getattr(check, "critical", True),
        }
        healthy &= ok or not getattr(check, "critical", True)
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": results}, status=200 if healthy else 503)
