"""Notifications survive a broker that is down: with a Redis of this test's own stopped, changes still commit
with their notifications written; nothing is sent while it is away; when it is back, Celery beat's sweeper
has the workers send every one of them, once."""

import time

import pytest
from django.utils import timezone

from dossiers import services
from notifications import conf
from notifications.models import Delivery, Notification, SimulatedSms
from portal.processes import RedisServer, Stack
from tests.portal.helpers import use_broker
from tests.portal.test_integration import SYNC_ENV
from tests.test_redis_down import _database_url, _own_redis_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("portal-integration")]

NOTIFY_ENV = {**SYNC_ENV, "NOTIFICATIONS_SWEEP_SECONDS": "1", "NOTIFICATIONS_BACKOFF_BASE": "1"}


def _wait_sent(dossiers, count: int, timeout=90) -> None:
    deadline = time.monotonic() + timeout
    rows = Notification.objects.filter(dossier__in=dossiers)
    while time.monotonic() < deadline:
        if rows.filter(status=Delivery.SENT).count() == count:
            return
        time.sleep(0.5)
    pytest.fail(f"not sent: {list(rows.values_list('channel', 'status', 'attempts', 'error'))}")


@pytest.mark.django_db(transaction=True)
def test_notifications_written_while_the_broker_is_down_are_sent_once_when_it_is_back(world, tmp_path, monkeypatch):
    from django.conf import settings as live

    monkeypatch.setattr(conf, "GRACE_SECONDS", 0)  # due for the sweeper at once
    redis = RedisServer(tmp_path, port=_own_redis_port()).start()
    stack = Stack(tmp_path / "stack", database_url=_database_url(), broker_url=redis.url, env=NOTIFY_ENV, workers=1)
    try:
        stack.start()
        use_broker(redis.url)
        before = world.online_dossier(applicant_email="an@example.vn", applicant_phone="0912000001")
        services.receive_dossier(dossier=before, actor=world.counter, at=timezone.now())
        _wait_sent([before], 2)  # the kick after the commit reached a worker

        redis.stop()
        during = world.online_dossier(applicant_email="binh@example.vn", applicant_phone="0912000002")
        during = services.receive_dossier(dossier=during, actor=world.counter, at=timezone.now())
        during = services.start_processing(dossier=during, actor=world.counter)
        services.request_supplement(dossier=during, actor=world.counter, missing_documents=["Tờ khai có chữ ký"])
        written = Notification.objects.filter(dossier=during)
        assert written.count() == 4  # receipt and supplement request, by e-mail and SMS: in the database
        time.sleep(3)
        assert set(written.values_list("status", flat=True)) == {Delivery.PENDING}  # nothing went out
        assert not SimulatedSms.objects.filter(to="0912000002").exists()

        redis.start()  # empty: no kick survived; the scheduler's sweep finds the rows
        _wait_sent([during], 4)

        texts = list(SimulatedSms.objects.filter(to="0912000002").values_list("body", flat=True))
        assert len(texts) == 2  # each once
        assert any("đã được tiếp nhận" in t for t in texts) and any("Tờ khai có chữ ký" in t for t in texts)
        assert set(written.values_list("attempts", flat=True)) == {1}
        assert SimulatedSms.objects.filter(to="0912000001").count() == 1  # the earlier one not sent again
    finally:
        use_broker(live.CELERY_BROKER_URL)
        stack.stop()
        redis.stop()
