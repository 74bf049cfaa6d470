"""SMS gateways: a deployment names its own in settings SMS_GATEWAY (a dotted path to a class with
`send(to, body) -> str`); the default is simulated and keeps what it sends (admin: Tin nhắn SMS (mô phỏng))."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway did not take the message; the task retries."""


class SimulatedGateway:
    def send(self, to: str, body: str) -> str:
        from .models import SimulatedSms

        return str(SimulatedSms.objects.create(to=to, body=body).pk)


def gateway():
    return import_string(getattr(settings, "SMS_GATEWAY", "notifications.sms.SimulatedGateway"))()
