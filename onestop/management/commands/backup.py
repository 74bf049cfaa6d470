"""`manage.py backup`: the database and the uploaded files, in one directory with a manifest of checksums.

PostgreSQL is dumped with `pg_dump --format=custom` (a consistent snapshot, taken while the system runs); the
embedded SQLite database is copied with SQLite's online backup. The uploads (MEDIA_ROOT) go in a gzipped tar.
docs/deploy.md says how to restore them; tests/test_backup.py restores one into a fresh database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dump_postgresql(target: Path) -> None:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), "--dbname", db["NAME"]]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise CommandError("pg_dump is not installed (apt-get install postgresql-client)") from None
    except subprocess.CalledProcessError as exc:
        raise CommandError(f"pg_dump failed: {exc.stderr.strip()}") from None


def copy_sqlite(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new directory under --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.DATA_DIR) / "backups"), help="parent directory")

    def handle(self, *args, output: str, **options):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = Path(output) / f"onestop-{stamp}"
        folder.mkdir(parents=True, exist_ok=False)
        if connection.vendor == "postgresql":
            database = folder / "database.dump"
            dump_postgresql(database)
        elif connection.vendor == "sqlite":
            database = folder / "database.sqlite3"
            copy_sqlite(database)
        else:
            raise CommandError(f"no backup for a {connection.vendor} database")
        media = folder / "media.tar.gz"
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(media, "w:gz") as tar:
            if media_root.exists():
                tar.add(media_root, arcname=".")
        manifest = {
            "created_at": stamp,
            "database": connection.vendor,
            "files": {p.name: {"bytes": p.stat().st_size, "sha256": sha256_of(p)} for p in (database, media)},
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        self.stdout.write(str(folder))
