"""`manage.py backup` and the documented restore: a backup taken while the system runs is restored into a
fresh PostgreSQL database and a fresh uploads directory; the dossiers, their history and their documents come
back whole (each file's SHA-256 as recorded when it was uploaded), the history's seals verified there."""

import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from dossiers.models import DocumentVersion, DossierEvent

ROOT = Path(__file__).resolve().parent.parent

RESTORED_CHECK = """
import hashlib, io, json
import django
django.setup()
from django.core.management import call_command
from dossiers.models import DocumentVersion, DossierEvent
files = {}
for doc in DocumentVersion.objects.exclude(file=""):
    with doc.file.open("rb") as f:
        files[str(doc.pk)] = hashlib.sha256(f.read()).hexdigest() == doc.sha256
out = io.StringIO()
call_command("verify_history", stdout=out)  # raises, and the script exits non-zero, on a broken chain
from django.db import DatabaseError, connection, transaction
try:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossierevent SET note = 'x'")
    refused = False
except DatabaseError:
    refused = True
print(json.dumps({"events": DossierEvent.objects.count(), "files": files, "verified": out.getvalue(),
                  "update_refused": refused}))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_history_and_documents(world, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    dossier = world.online_dossier()
    world.counter_dossier()
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    folder = Path(out.getvalue().strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media.tar.gz"}

    # The restore of docs/deploy.md: a new database, pg_restore, the uploads unpacked.
    db = connection.settings_dict
    restored = f"{db['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, password=db.get("PASSWORD") or None, **params) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--host", params["host"], "--port", str(params["port"]),
             "--username", params["user"], "--dbname", restored, str(folder / "database.dump")],
            check=True, capture_output=True, env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
        )  # fmt: skip
        media = tmp_path / "restored-media"
        media.mkdir()
        with tarfile.open(folder / "media.tar.gz") as tar:
            tar.extractall(media, filter="data")
        auth = params["user"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}@{params['host']}:{params['port']}/{restored}",
            "MEDIA_ROOT": str(media),
            "PYTHONPATH": str(ROOT),
        }
        script = tmp_path / "check_restored.py"
        script.write_text(RESTORED_CHECK)
        run = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        found = json.loads(run.stdout.strip().splitlines()[-1])
        assert found["events"] == DossierEvent.objects.count() > 0
        # The history's seals hold in the restored database, and its triggers came back with it.
        assert f"{found['events']} hàng lịch sử" in found["verified"] and "nguyên vẹn" in found["verified"]
        assert found["update_refused"]
        uploaded = DocumentVersion.objects.filter(dossier=dossier).exclude(file="")
        assert uploaded.exists()
        assert found["files"] == {str(doc.pk): True for doc in uploaded}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, password=db.get("PASSWORD") or None, **params) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_the_embedded_database_is_backed_up_with_sqlites_online_backup(world, tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world.online_dossier()
    out = StringIO()
    call_command("backup", output=str(tmp_path), stdout=out)
    folder = Path(out.getvalue().strip())
    import sqlite3

    with sqlite3.connect(folder / "database.sqlite3") as copy:
        (events,) = copy.execute("SELECT count(*) FROM dossiers_dossierevent").fetchone()
    copy.close()
    assert events == DossierEvent.objects.count() > 0
    with tarfile.open(folder / "media.tar.gz") as tar:
        assert any(name.endswith(".pdf") for name in tar.getnames())
