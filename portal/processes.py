"""Start and stop the processes of the sync — the simulated portal, Celery workers and beat, a private
redis-server — as real subprocesses. Used by the integration tests and bench/sync.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


class RedisServer:
    """A redis-server of our own (no persistence), so that it may be stopped and started again."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.port = port or free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self._answers, 30, "redis-server")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def restart(self, down_seconds: float = 0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


class Stack:
    """The simulated portal, `workers` Celery worker processes (solo pool: the worker's pid is the one
    that calls the portal) and Celery beat, all on the given database and broker."""

    def __init__(self, workdir: Path, *, database_url: str, broker_url: str, env: dict | None = None, workers=2):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.sim_port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "PORTAL_URL": self.portal_url,
            "ONESTOP_DATA_DIR": str(self.workdir),
            "DB_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.worker_count = workers
        self.sim: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self._names = 0

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        with open(self.workdir / f"{name}.log", "ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- the portal ----------------------------------------------------------------------------------
    def start_portal(self, *extra: str) -> None:
        self.sim = self._spawn(
            "portal",
            [sys.executable, "manage.py", "portal_sim", "--port", str(self.sim_port), "--db",
             str(self.workdir / "portal.sqlite3"), "--seed", "11", *extra],
        )  # fmt: skip
        _wait(lambda: self._portal_up(), 60, "the simulated portal")  # a loaded machine starts Django slowly

    def _portal_up(self) -> bool:
        try:
            self.admin("GET", "/admin/stats")
            return True
        except OSError:
            return False

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.portal_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def faults(self, **faults) -> dict:
        return self.admin("POST", "/admin/faults", faults)

    def stats(self) -> dict:
        return self.admin("GET", "/admin/stats")

    def export(self) -> list[list]:
        return self.admin("GET", "/admin/export")["messages"]

    def reset_portal(self) -> None:
        self.admin("POST", "/admin/reset", {})

    # -- Celery ---------------------------------------------------------------------------------------
    def start_worker(self) -> str:
        self._names += 1
        name = f"worker{self._names}"
        self.workers[name] = self._spawn(
            name,
            [sys.executable, "-m", "celery", "-A", "onestop", "worker", "--pool", "solo", "-l", "info",
             "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        )  # fmt: skip
        return name

    def wait_workers_ready(self, timeout: float = 60) -> None:
        for name, proc in self.workers.items():
            if proc.poll() is None:
                _wait(lambda n=name: " ready." in self.log(n), timeout, f"{name} to be ready", 0.2)

    def start_beat(self) -> None:
        self.beat = self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "onestop", "beat", "-l", "info", "--max-interval", "1",
             "-s", str(self.workdir / "celerybeat-schedule")],
        )  # fmt: skip

    def start(self) -> Stack:
        self.start_portal()
        self.start_celery()
        return self

    def start_celery(self) -> None:
        for _ in range(self.worker_count):
            self.start_worker()
        self.start_beat()
        self.wait_workers_ready()

    def stop_celery(self) -> None:
        """Stop the workers and beat (another stack is to deliver from the same database)."""
        self._stop([*self.workers.values(), self.beat])
        self.workers.clear()
        self.beat = None

    def worker_pids(self) -> dict[int, str]:
        return {p.pid: n for n, p in self.workers.items() if p.poll() is None}

    def kill_worker(self, name: str) -> None:
        """SIGKILL: no clean-up, no acknowledgement, the batch in flight is abandoned."""
        proc = self.workers[name]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> None:
        self._stop([*self.workers.values(), self.beat, self.sim])
        self.workers.clear()
        self.beat = self.sim = None

    @staticmethod
    def _stop(procs) -> None:
        procs = [p for p in procs if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
