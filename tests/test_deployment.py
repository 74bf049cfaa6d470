"""Production start-up: DEBUG off unless asked for, a missing secret stops every process with a message that
names it, `check --deploy` clean from environment variables alone, the Procfile's web process is gunicorn
serving the static files itself (WhiteNoise), JSON logs carrying the request id, liveness apart from readiness."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {
    "SECRET_KEY": "k" * 20 + "-production-signing-key-of-fifty-chars-or-more-" + "z" * 10,
    "PAYMENT_SECRET": "payment-key",
    "PORTAL_PASSWORD": "portal-password",
    "PORTAL_SIGNING_SECRET": "portal-signing-key",
    "EID_CLIENT_SECRET": "eid-client-secret",
    "EID_POPULATION_TOKEN": "population-token",
}
HTTPS = {
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
}


def production_env(tmp_path, **extra) -> dict:
    """The environment of a production process: the project's settings, no DEBUG, no development secret."""
    drop = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *SECRETS, *HTTPS}  # the browser tests' variable, never production's
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DJANGO_SETTINGS_MODULE="onestop.settings", ONESTOP_DATA_DIR=str(tmp_path), LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_missing_secrets_stop_the_start_up_with_a_message_naming_each(tmp_path):
    checked = manage(production_env(tmp_path), "check")
    assert checked.returncode != 0
    for name in SECRETS:
        assert f"{name} is not set" in checked.stderr
    # The web process itself refuses to start (gunicorn imports this module), not the first request.
    web = subprocess.run(
        [sys.executable, "-c", "import onestop.wsgi"],
        cwd=ROOT,
        env=production_env(tmp_path, **{k: v for k, v in SECRETS.items() if k != "PAYMENT_SECRET"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert web.returncode != 0 and "PAYMENT_SECRET is not set" in web.stderr


def test_debug_is_off_unless_asked_for_and_check_deploy_is_clean_from_the_environment(tmp_path):
    env = production_env(tmp_path, **SECRETS)
    shown = manage(env, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert shown.stdout.strip().splitlines()[-1] == "False"
    warned = manage(env, "check", "--deploy")
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in warned.stderr
    clean = manage(production_env(tmp_path, **SECRETS, **HTTPS), "check", "--deploy", "--fail-level", "WARNING")
    assert clean.returncode == 0, clean.stderr
    asked = manage(production_env(tmp_path, DEBUG="true"), "check")
    assert asked.returncode == 0, asked.stderr  # a development machine runs on development secrets


def _free_port() -> int:
    for port in range(8150, 8160):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8150-8159")


def _get(url: str, headers: dict | None = None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.xdist_group("serving")
def test_the_procfile_web_process_is_gunicorn_serving_static_files_and_json_logs(tmp_path):
    env = production_env(tmp_path, **SECRETS, LOG_LEVEL="INFO", WEB_WORKERS="1")
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    assert manage(env, "collectstatic", "--noinput", "-v", "0").returncode == 0
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "gunicorn" in web and "runserver" not in web
    env["WEB_PORT"] = port = str(_free_port())
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "-c", "exec " + web.split(":", 1)[1]], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, headers, body = _get(base + "/healthz/live")
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not answer: " + log.read_text())
        assert status == 200 and json.loads(body) == {"status": "ok"}

        status, headers, body = _get(base + "/static/dossiers/officer.js")
        assert status == 200 and b"data-submit-on-change" in body
        status, headers, body = _get(base + "/static/admin/css/base.css", {"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"  # compressed by WhiteNoise

        # A search by phone number that goes wrong: neither gunicorn's access log nor Django's keeps the number.
        status, headers, _ = _get(base + "/khong-co-trang-nay/?q=0912000111", {"X-Request-ID": "probe-0123456789"})
        assert status == 404 and headers["X-Request-ID"] == "probe-0123456789"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "probe-0123456789" not in log.read_text():
            time.sleep(0.2)
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        probed = [line for line in lines if line.get("request_id") == "probe-0123456789"]
        # Other lines of the request may carry its id too (a slow machine's warnings): the 404 is logged once.
        found = [line for line in probed if line.get("logger") == "django.request"]
        assert len(found) == 1 and found[0]["level"] == "WARNING", probed
        not_found = found[0]
        assert "time" in not_found and "/khong-co-trang-nay/" in not_found["message"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and '"GET /khong-co-trang-nay/ ' not in log.read_text():
            time.sleep(0.2)
        assert '"GET /khong-co-trang-nay/ HTTP/1.1" 404' in log.read_text()  # the access log's line
        assert "0912000111" not in log.read_text()
    finally:
        server.terminate()
        server.wait(20)


def test_liveness_does_not_touch_the_database_and_readiness_fails_without_it(db, client, monkeypatch):
    from django.db import connection

    assert client.get("/healthz/ready").status_code == 200

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        live = client.get("/healthz/live")
        ready = client.get("/healthz/ready")
        legacy = client.get("/healthz")
    assert live.status_code == 200
    assert ready.status_code == 503 and ready.json()["checks"]["database"]["ok"] is False
    assert legacy.status_code == 503
