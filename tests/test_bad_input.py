"""Input no request should turn into a 500: JSON nested a thousand levels deep, a NUL byte in a dossier code,
a write that cannot get the embedded database's lock."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from dossiers.models import DossierEvent, Status
from tests.dossiers.api_support import action_url, client_for

ROOT = Path(__file__).resolve().parent.parent
DEEP = "[" * 1000 + "]" * 1000


def test_json_nested_a_thousand_levels_deep_is_a_400(world):
    dossier = world.online_dossier()
    client = client_for(world.counter)
    for url in ("/api/v1/dossiers/", action_url(dossier.code, "receive")):
        answer = client.post(url, DEEP, content_type="application/json")
        assert answer.status_code == 400, url
        assert answer.json()["code"] == "parse_error"
    nested = {"note": json.loads("[" * 30 + "]" * 30)}
    for _ in range(40):  # 40 levels of objects parse, and are refused all the same
        nested = {"note": nested}
    answer = client.post(action_url(dossier.code, "receive"), json.dumps(nested), content_type="application/json")
    assert answer.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_a_nul_byte_in_a_dossier_code_is_a_404(world):
    dossier = world.counter_dossier()
    code = dossier.code[:4] + "\x00" + dossier.code[4:]
    api = client_for(world.counter)
    assert api.get(f"/api/v1/dossiers/{code}/").status_code == 404
    assert api.get(f"/api/v1/dossiers/{code}/payments/").status_code == 404
    assert api.post(action_url(code, "start"), {}, format="json").status_code == 404
    assert client_for().get(f"/api/v1/track/{code}/").status_code == 404
    page = client_for()
    page.force_login(world.counter)
    assert page.get(f"/can-bo/ho-so/{code}/").status_code == 404
    assert page.get("/tra-cuu/", {"ma": code}).status_code == 400
    assert api.get("/api/v1/dossiers/", {"search": "a\x00b"}).status_code == 400


LOCKED_WRITE = """
import json, os, sqlite3, sys
import django
django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
from dossiers.models import Dossier, DossierEvent

code, path = sys.argv[1], sys.argv[2]
client = Client()
client.force_login(get_user_model().objects.get(username="canbo.motcua"))
holder = sqlite3.connect(path, isolation_level=None)
holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock the whole time
answer = client.post(f"/api/v1/dossiers/{code}/actions/start/", "{}", content_type="application/json")
holder.execute("ROLLBACK")
dossier = Dossier.objects.get(code=code)
print(json.dumps({
    "status": answer.status_code, "retry_after": answer.get("Retry-After"), "body": answer.json(),
    "dossier": dossier.status, "events": DossierEvent.objects.filter(dossier=dossier).count(),
}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_write_that_cannot_get_the_sqlite_lock_is_a_503_with_retry_after(world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite database's lock")
    dossier = world.counter_dossier()
    path = tmp_path / "copy.sqlite3"
    with sqlite3.connect(path) as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)  # the test database, as it is, in a file another process can open
    script = tmp_path / "locked_write.py"
    script.write_text(LOCKED_WRITE)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "SQLITE_TIMEOUT": "0.2",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    run = subprocess.run(
        [sys.executable, str(script), dossier.code, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["status"] == 503 and result["retry_after"] == "2"
    assert result["body"]["code"] == "busy" and "thử lại" in result["body"]["detail"]
    assert (result["dossier"], result["events"]) == ("received", DossierEvent.objects.filter(dossier=dossier).count())


def test_notes_and_reasons_have_a_length_limit_and_an_apology_a_date_limit(world):
    # Not yet late, so that an apology is allowed and its date is what is checked.
    dossier = world.dossier_in(Status.PROCESSING, when=timezone.now() - dt.timedelta(hours=3))
    api = client_for(world.leader)
    long = "x" * 2001

    paused = api.post(action_url(dossier.code, "pause"), {"reason": "verification", "note": long}, format="json")
    assert paused.status_code == 400 and "2000 ký tự" in paused.json()["detail"]
    asked = api.post(
        action_url(dossier.code, "request-supplement"),
        {"missing_documents": [{"name": "y" * 501}]},
        format="json",
    )
    assert asked.status_code == 400 and "500 ký tự" in asked.json()["detail"]

    for far in ("9999-12-31", "9999-12-31T10:00:00+07:00"):
        apology = api.post(
            action_url(dossier.code, "apologize"), {"new_appointment": far, "note": "Xin lỗi"}, format="json"
        )
        assert apology.status_code == 400, apology.content
        assert "366 ngày" in apology.json()["detail"]

    page = Client()
    page.force_login(world.leader)
    refused = page.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/pause/", {"reason": "verification", "note": long})
    assert refused.status_code == 400 and "tối đa 2000 kí tự" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert not DossierEvent.objects.filter(dossier=dossier, action__in=["pause", "apologize"]).exists()
