"""Throttling of the public tracking look-up (DOMAIN §3: guessing codes is throttled). The API and the
tracking page share one budget per client, scope "track" (settings REST_FRAMEWORK DEFAULT_THROTTLE_RATES)."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from rest_framework.exceptions import Throttled
from rest_framework.throttling import ScopedRateThrottle

SCOPE = "track"


class _PageView:
    """Stands in for a DRF view, so the tracking page counts against the same scope."""

    throttle_scope = SCOPE


def track_wait(request) -> float | None:
    """Seconds the client must wait before another look-up, or None when it may go on now. Counts the
    look-up when allowed."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, _PageView()):
        return None
    return throttle.wait() or 1.0


def throttled_message(wait: float | None) -> str:
    seconds = max(1, math.ceil(wait or 1))
    return _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau %(n)s giây.") % {"n": seconds}


def throttled_error(wait: float | None) -> Throttled:
    """A 429 whose whole message is Vietnamese (DRF would append its own sentence when given `wait`)."""
    exc = Throttled(detail=throttled_message(wait))
    exc.wait = math.ceil(wait) if wait else None
    return exc
