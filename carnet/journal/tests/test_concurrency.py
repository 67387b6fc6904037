"""Several processes append at once: the chain stays valid (SQLite and PostgreSQL)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
WRITERS, EACH = 4, 40
APPEND = """
import django
django.setup()
from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal.actions import record
for n in range({each}):
    record(SYSTEM, "record:document:read", Decision(True, "r", "concurrency"), patient={writer})
"""


@pytest.fixture
def fresh_database(tmp_path):
    """A database of its own (the test database is not visible to other processes on SQLite)."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        name = f"carnet_concurrency_{uuid.uuid4().hex[:8]}"
        admin = (
            f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/postgres"
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield admin.rsplit("/", 1)[0] + f"/{name}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"


def test_concurrent_writers_keep_a_valid_chain(fresh_database, tmp_path):
    env = os.environ | {
        "DATABASE_URL": fresh_database,
        "CARNET_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "carnet.settings",
    }
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", APPEND.format(each=EACH, writer=w)],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
    verified = subprocess.run([sys.executable, "-m", "carnet.cli", "journal", "verify"], **run)
    assert verified.returncode == 0, verified.stderr
    assert f"journal intact: {WRITERS * EACH} entries" in verified.stdout
