"""compose.yaml: valid for Docker Compose (its own `config` check, with the plugin or the standalone
docker-compose that .ci/run installs), every service with a health check and a restart policy, and no secret
with a default: each must come from the environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = {"web", "worker", "beat", "migrate", "portal-sim", "payment-sim", "eid-sim"}


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_accepts_the_file_and_refuses_it_without_the_secrets(tmp_path):
    compose = _compose_command()
    if compose is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed (.ci/run installs docker-compose)")
    run = subprocess.run(
        [*compose, "--env-file", "deploy/example.env", "config", "-q"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    empty = tmp_path / "empty.env"
    empty.write_text("")
    names = {line.split("=", 1)[0] for line in (ROOT / "deploy/example.env").read_text().splitlines() if "=" in line}
    env = {k: v for k, v in os.environ.items() if k not in names}
    bare = subprocess.run(
        [*compose, "--env-file", str(empty), "config", "-q"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert bare.returncode != 0 and "set " in bare.stderr + bare.stdout  # "… set SECRET_KEY" and the like


def test_every_service_has_a_health_check_and_a_restart_policy():
    spec = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = spec["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate", "portal-sim", "payment-sim", "eid-sim"} <= set(services)
    app = spec["x-app"]
    for name, service in services.items():
        merged = {**app, **service} if name in APP_SERVICES else service
        if name == "migrate":  # runs once before the others start
            assert merged["restart"] == "no" and merged["healthcheck"] == {"disable": True}
            continue
        assert merged["restart"] in {"always", "unless-stopped"}, name
        assert merged["healthcheck"]["test"], name
    for simulator in ("portal-sim", "payment-sim", "eid-sim"):
        assert services[simulator]["profiles"] == ["simulators"], simulator
    assert "gunicorn" in services["web"]["command"]
    environment = app["environment"]
    for secret in ("SECRET_KEY", "PAYMENT_SECRET", "PORTAL_PASSWORD", "PORTAL_SIGNING_SECRET"):
        assert environment[secret] == f"${{{secret}:?set {secret}}}"  # required, never defaulted


def test_the_e_identity_simulator_is_a_service_the_web_finds_by_default():
    spec = yaml.safe_load((ROOT / "compose.yaml").read_text())
    eid = spec["services"]["eid-sim"]
    assert eid["command"][:3] == ["python", "manage.py", "eid_sim"]
    port = eid["command"][eid["command"].index("--port") + 1]
    assert "0.0.0.0" in eid["command"] and eid["ports"] == [f"${{EID_SIM_BIND:-127.0.0.1:{port}}}:{port}"]
    assert "/healthz" in " ".join(eid["healthcheck"]["test"])
    assert spec["x-app"]["environment"]["EID_URL"] == f"${{EID_URL:-http://eid-sim:{port}}}"


def test_the_settings_read_the_e_identity_that_compose_passes():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onestop.settings"}
    env.update(EID_URL="http://eid-sim:8092", EID_CLIENT_ID="tinh-son-la")
    run = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EID_URL, settings.EID_CLIENT_ID)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.stdout.split() == ["http://eid-sim:8092", "tinh-son-la"], run.stderr
