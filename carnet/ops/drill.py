"""The restore drill: a backup restored into a fresh database, blob directory and key directory (nothing of
the running service is touched), then verified there by a separate process with those settings."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import dj_database_url
import psycopg
from django.db import connection

from carnet.ops.backup import BackupError

SETTINGS_OF_THE_SERVICE = (
    "CARNET_STANDBY_DATABASE_URL",
    "CARNET_S3_ENDPOINT",
    "CARNET_KEK_FILE",
    "CARNET_SIGNING_KEY_FILE",
)


def _scratch_database(vendor: str, folder: Path, database_url: str | None) -> tuple[str, Callable[[], None]]:
    """A new empty database: on the same PostgreSQL server (or ``database_url``'s), or a SQLite file."""
    if vendor != "postgresql":
        return f"sqlite:///{folder / 'restored.sqlite3'}", lambda: None
    db = dj_database_url.parse(database_url) if database_url else connection.settings_dict
    name = f"{db['NAME']}_drill_{int(time.time())}"[:63]
    server = psycopg.conninfo.make_conninfo(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None, dbname="postgres",
    )  # fmt: skip
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    user, password = db.get("USER") or "postgres", db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}", drop


def drill(
    source: Path, keys: Path, sample: int = 20, database_url: str | None = None, keep: bool = False
) -> dict:
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    folder = Path(tempfile.mkdtemp(prefix="carnet-drill-"))
    began = time.monotonic()
    url, drop = _scratch_database(manifest["database"]["vendor"], folder, database_url)
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_OF_THE_SERVICE}
    env |= {
        "DATABASE_URL": url,
        "CARNET_DB_TRANSACTION_POOLING": "false",
        "CARNET_DATA_DIR": str(folder / "data"),
        "CARNET_KEY_DIR": str(folder / "keys"),
        "CARNET_BLOB_STORE": "file",
        "CARNET_BLOB_DIR": str(folder / "blobs"),
        "CARNET_CHECKPOINT_COPY": str(folder / "checkpoint-copies"),
    }
    command = [sys.executable, "-m", "carnet.cli", "restore", str(source), "--keys", str(keys), "--verify"]
    try:
        done = subprocess.run([*command, "--sample", str(sample)], env=env, capture_output=True, text=True)  # noqa: S603
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        result = json.loads(lines[-1]) if lines else {}
        if done.returncode and not result.get("verification"):
            raise BackupError(f"the restore failed: {done.stderr.strip()[-800:]}")
    finally:
        if not keep:
            drop()
            shutil.rmtree(folder, ignore_errors=True)
    result["drill_s"] = round(time.monotonic() - began, 2)
    result["restored_into"] = url if keep else "a scratch database and directory (removed)"
    return result
