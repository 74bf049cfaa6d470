"""The delivery kick: asks for a delivery task soon after a commit, cheaply and throttled, from a
background thread so that a commit never waits on the broker (nor fails with it)."""

from __future__ import annotations

import logging
import os
import threading
import time

from celery import current_app

from . import conf

logger = logging.getLogger("portal.sync")

DELIVER_TASK = "portal.deliver_outbox"


class _Kicker:
    """Commits that come while a kick is being sent are covered by the next one; there is at most one kick
    per KICK_INTERVAL, and a pause after the broker refused one."""

    BROKER_DOWN_PAUSE = 2.0

    def __init__(self):
        self._forget()
        # A forked child (a prefork worker, a server's worker process) has no sending thread, and its copy of
        # the lock may have been taken at the fork by another of the parent's threads: it starts afresh.
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self.wanted = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def _needs_thread(self) -> bool:
        """No sending thread yet, or it died."""
        return self.thread is None or not self.thread.is_alive()

    def kick(self) -> None:
        if self._needs_thread():
            with self.lock:
                if self._needs_thread():
                    self.wanted = threading.Event()
                    self.thread = threading.Thread(target=self._run, name="portal-kick", daemon=True)
                    self.thread.start()
        if not self.wanted.is_set():  # else a kick is already waiting to be sent
            self.wanted.set()

    def _run(self) -> None:
        deliver_outbox = current_app.tasks[DELIVER_TASK]  # by name: the tasks module imports this one
        wanted = self.wanted
        while True:
            wanted.wait()
            wanted.clear()
            try:
                deliver_outbox.apply_async(retry=False)
                pause = conf.KICK_INTERVAL
            except Exception as exc:  # the broker is down: the periodic sweeper delivers
                logger.warning(
                    "portal delivery not enqueued (%s: %s); the sweeper will send it", type(exc).__name__, exc
                )
                pause = self.BROKER_DOWN_PAUSE
            time.sleep(pause)


_kicker = _Kicker()


def kick_delivery() -> None:
    """Ask for a delivery soon. Returns at once and never raises."""
    _kicker.kick()
