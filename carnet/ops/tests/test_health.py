"""/healthz answers while the process lives; /readyz says which part is not ready (database, blob store, keys,
task backlog) with a 503, and never why (that goes to the operators' log)."""

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carnet.ops import health

pytestmark = pytest.mark.django_db


def test_alive(client):
    answer = client.get("/healthz")
    assert (answer.status_code, answer.json()) == (200, {"status": "alive"})


def test_ready_when_every_part_is(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "checks": {"database": "ok", "blob_store": "ok", "keys": "ok", "task_backlog": "ok"},
    }


def test_a_missing_key_file_is_not_ready_and_the_reason_stays_in_the_log(client, settings, tmp_path, caplog):
    settings.CARNET_KEK_FILE = tmp_path / "absent" / "kek.json"
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer["Retry-After"]
    assert answer.json()["checks"]["keys"] == "failed"
    assert "absent" not in answer.content.decode() and "absent" in caplog.text


def test_an_unwritable_blob_directory_is_not_ready(client, settings, tmp_path):
    blocked = tmp_path / "blobs"
    blocked.write_text("a file where the directory should be")
    settings.CARNET_BLOB_DIR = blocked
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["blob_store"] == "failed"


class _DatabaseDown:
    def cursor(self):
        raise DatabaseError("connection refused")


def test_a_database_that_fails_is_not_ready(client, monkeypatch):
    monkeypatch.setattr(health, "connection", _DatabaseDown())
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["database"] == "failed"


def test_a_task_backlog_over_the_threshold_is_not_ready(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.CARNET_READY_MAX_BACKLOG = 2
    for _ in range(3):
        DBTaskResult.objects.create(
            task_path="carnet.journal.tasks.checkpoint_journal",
            args_kwargs={"args": [], "kwargs": {}},
            queue_name="default",
            backend_name="default",
            run_after=timezone.now(),
        )
    assert health.task_backlog()[0] == 3
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["task_backlog"] == "failed"
    settings.CARNET_READY_MAX_BACKLOG = 3
    assert client.get("/readyz").status_code == 200


def test_the_balancer_scope_leaves_out_what_every_server_shares(client, settings):
    """A backlog (or a blob store away) is the same for every server: the balancer's check stays 200, so
    HAProxy keeps the servers in rotation; the full check still says not ready."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.CARNET_READY_MAX_BACKLOG = 0
    DBTaskResult.objects.create(
        task_path="carnet.journal.tasks.checkpoint_journal",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )
    assert client.get("/readyz").status_code == 503
    answer = client.get("/readyz?scope=server")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {"database": "ok", "keys": "ok"}}


def test_the_balancer_scope_still_fails_on_this_servers_own_database_or_keys(client, settings, monkeypatch):
    monkeypatch.setattr(health, "connection", _DatabaseDown())
    answer = client.get("/readyz?scope=server")
    assert answer.status_code == 503 and answer.json()["checks"] == {"database": "failed", "keys": "ok"}
    monkeypatch.undo()
    settings.CARNET_KEK_FILE = settings.CARNET_KEY_DIR / "absent.json"
    assert client.get("/readyz?scope=server").json()["checks"]["keys"] == "failed"


def test_an_unknown_scope_is_a_clear_400(client):
    answer = client.get("/readyz?scope=everything")
    assert answer.status_code == 400 and "scope must be one of: server" in answer.json()["error"]
