"""The delivery kick: one delivery asked for however many commits come while one is waiting, and a forked
process (a server's or a worker's child) sends its own."""

import os
import select
import signal
import threading
import time

import pytest

from portal import conf, kick
from portal.kick import _Kicker
from portal.tasks import deliver_outbox


def until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def deliveries(monkeypatch):
    """The deliveries asked of the broker; each waits for `release` before the kicker may ask again. Those the
    process's own kicker asks for (after the commits of earlier tests) are not counted."""
    asked, release = [], threading.Event()

    def apply_async(**options):
        if threading.current_thread() is kick._kicker.thread:
            return
        asked.append(options)
        release.wait(5)

    monkeypatch.setattr(deliver_outbox, "apply_async", apply_async)
    monkeypatch.setattr(conf, "KICK_INTERVAL", 0)
    return asked, release


def test_commits_while_a_kick_waits_ask_for_one_more_delivery(deliveries):
    asked, release = deliveries
    kicker = _Kicker()
    kicker.kick()
    until(lambda: len(asked) == 1)  # being sent, held by the broker
    for _ in range(5):
        kicker.kick()
    release.set()
    until(lambda: len(asked) == 2)
    time.sleep(0.2)
    assert len(asked) == 2
    kicker.kick()
    until(lambda: len(asked) == 3)


def test_a_forked_child_starts_a_sending_thread_of_its_own(deliveries):
    """Even when the fork came while another thread of the parent held the lock for starting one."""
    asked, release = deliveries
    release.set()
    kicker = _Kicker()
    kicker.kick()
    until(lambda: len(asked) == 1)
    parent_thread = kicker.thread
    read, write = os.pipe()
    held, done = threading.Event(), threading.Event()

    def hold_the_lock():
        with kicker.lock:
            held.set()
            done.wait(5)

    threading.Thread(target=hold_the_lock).start()
    held.wait(5)
    pid = os.fork()
    done.set()
    if pid == 0:  # the child: report what it finds, and leave without running pytest's exit handlers
        try:
            kicker.kick()
            until(lambda: len(asked) == 2)  # the parent's thread was not copied: this one is the child's
            os.write(write, b"ok")
        finally:
            os._exit(0)
    os.close(write)
    poller = select.poll()  # not select(), which refuses descriptors past 1024
    poller.register(read, select.POLLIN)
    answered = poller.poll(5000)
    if not answered:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert answered, "the child hung on a lock copied at the fork"
    assert os.read(read, 2) == b"ok"
    assert kicker.thread is parent_thread and parent_thread.is_alive()


def test_a_polled_broker_is_kicked_at_most_once_a_second(settings, monkeypatch):
    """Workers look at the embedded broker once a second: more kicks would wake no one sooner. Redis hands a
    worker each task as it comes, so it is kicked five times as often. The environment overrides both."""
    import importlib

    broker = settings.CELERY_BROKER_URL
    try:
        monkeypatch.delenv("PORTAL_KICK_INTERVAL", raising=False)
        settings.CELERY_BROKER_URL = "sqla+sqlite:///broker.sqlite3"
        assert conf.polled_broker() and importlib.reload(conf).KICK_INTERVAL == 1.0
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
        assert not conf.polled_broker() and importlib.reload(conf).KICK_INTERVAL == 0.2
        monkeypatch.setenv("PORTAL_KICK_INTERVAL", "0.5")
        assert importlib.reload(conf).KICK_INTERVAL == 0.5
    finally:
        monkeypatch.undo()
        settings.CELERY_BROKER_URL = broker
        importlib.reload(conf)  # the settings of the other tests
