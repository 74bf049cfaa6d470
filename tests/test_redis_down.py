"""Redis down does not stop the counter: with a Redis of this test's own stopped mid-run, new dossiers,
transitions (through the services and the API) and tracking look-ups go on, the working calendar read from the
database; the outbox rows wait; when Redis is back the workers deliver them all, in order."""

import socket
import time

import pytest
from django.utils import timezone

from dossiers import services
from dossiers.models import Status
from portal.models import OutboxMessage, OutboxState
from portal.processes import RedisServer, Stack, use_broker
from tests.dossiers.api_support import action_url, client_for
from tests.portal.test_integration import SYNC_ENV, expected_history, portal_store
from workflows import calendar

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("portal-integration")]


def _own_redis_port() -> int:
    for port in range(6391, 6400):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 6391-6399 for a Redis of our own")


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_all_delivered(timeout=90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutboxMessage.objects.exclude(state=OutboxState.DELIVERED).exists():
            return
        time.sleep(0.5)
    pytest.fail(f"not delivered: {list(OutboxMessage.objects.values_list('state', 'last_error')[:5])}")


@pytest.mark.django_db(transaction=True)
def test_the_counter_goes_on_while_redis_is_down_and_the_sync_resumes_after(world, tmp_path, settings, monkeypatch):
    from django.conf import settings as live

    redis = RedisServer(tmp_path, port=_own_redis_port()).start()
    settings.CACHES = {
        "default": {**live.CACHES["default"], "BACKEND": "onestop.cache.ResilientRedisCache", "LOCATION": redis.url}
    }
    monkeypatch.setattr(calendar, "_RECHECK_SECONDS", 0)  # every transition asks the cache for the calendars
    stack = Stack(tmp_path / "stack", database_url=_database_url(), broker_url=redis.url, env=SYNC_ENV)
    try:
        stack.start()
        use_broker(redis.url)
        before = world.counter_dossier(when=timezone.now())
        before = services.start_processing(dossier=before, actor=world.counter)
        _wait_all_delivered()
        stored = stack.stats()["stored"]

        redis.stop()
        calendar.invalidate_calendars()  # an edit of the days off while Redis is away is not an error either
        during = world.counter_dossier(when=timezone.now())
        during = services.start_processing(dossier=during, actor=world.counter)
        before = services.request_supplement(dossier=before, actor=world.leader, missing_documents=["Bản sao"])
        answer = client_for(world.counter).post(action_url(before.code, "submit-supplement"), {}, format="json")
        assert answer.status_code == 200, answer.content
        assert client_for().get(f"/api/v1/track/{during.code}/").status_code == 200  # its throttle too
        during.refresh_from_db()
        assert during.status == Status.PROCESSING and during.due_at is not None
        time.sleep(3)
        assert stack.stats()["stored"] == stored  # nothing reached the portal: the rows wait in the outbox
        assert OutboxMessage.objects.filter(state=OutboxState.PENDING).count() == 4  # received, started, two supplement

        redis.start()  # empty: no task survived; the scheduler's sweep finds the rows
        _wait_all_delivered()
        codes = {before.code, during.code}
        assert portal_store(stack, codes) == expected_history(codes)  # every status once, in order
    finally:
        use_broker(live.CELERY_BROKER_URL)
        stack.stop()
        redis.stop()
