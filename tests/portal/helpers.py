"""Status mapping versions for the portal tests."""

from portal.mapping import invalidate_mapping
from portal.models import MappingVersion, StatusMapping

LAST_ACTIVE = "Không thể ngừng áp dụng phiên bản 1: đây là phiên bản duy nhất đang áp dụng của bảng ánh xạ trạng thái."


def retire_every_version() -> None:
    """Leave no version active, as a bulk update from a shell can (the model refuses it one by one)."""
    MappingVersion.objects.update(is_active=False)
    invalidate_mapping()


def copy_of_version_1(number: int = 2, *, without=(), codes=None, silent_actions=("note",)) -> MappingVersion:
    """A new active version with version 1's rows, but those of the states in `without`, with the national
    codes in `codes` ({(status, pause reason): code}) instead of version 1's, not reporting `silent_actions`."""
    codes = codes or {}
    version = MappingVersion.objects.create(number=number, silent_actions=list(silent_actions))
    for row in StatusMapping.objects.filter(version__number=1).exclude(status__in=without):
        StatusMapping.objects.create(
            version=version,
            status=row.status,
            pause_reason=row.pause_reason,
            national_code=codes.get((row.status, row.pause_reason), row.national_code),
        )
    return version


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker (the after-commit kicks go there). Celery has no
    public way to drop the pools of the broker it used before; a test may reach for them."""
    from kombu import pools

    from onestop.celery import app

    if app.conf.broker_url == url:
        return
    app.conf.broker_url = url
    app.conf.broker_transport_options = {}
    pools.reset()  # closes and forgets the pools of the previous broker
    app._pool = None
    app.amqp._producer_pool = None
