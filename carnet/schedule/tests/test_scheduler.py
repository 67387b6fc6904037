"""The scheduler: occurrences claimed once, missed ones caught up once, results recorded and listed."""

import datetime
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.core.management import call_command

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.journal.models import Checkpoint
from carnet.journal.tasks import checkpoint_journal
from carnet.schedule import actions, queries, worker
from carnet.schedule.models import ScheduleRun, ScheduleState
from carnet.schedule.registry import SCHEDULES, Declared

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 21, 2, 30, tzinfo=UTC)
CALLS = []


def count_a_call():
    CALLS.append(1)
    return len(CALLS)


def fail_loudly():
    raise RuntimeError("disk full")


@pytest.fixture
def only():
    """Run the scheduler over the given declarations only (the real ones are tried in their own tests)."""
    real = dict(SCHEDULES)

    def declare(*declarations):
        SCHEDULES.clear()
        for name, task in declarations:
            SCHEDULES[name] = Declared(name, task, "CARNET_DAILY_PERIOD")
        CALLS.clear()

    yield declare
    SCHEDULES.clear()
    SCHEDULES.update(real)


@pytest.mark.django_db
def test_two_workers_racing_on_one_occurrence_only_one_runs_it(only):
    only(("counter", f"{__name__}.count_a_call"))
    declared = SCHEDULES["counter"]
    due = queries.next_due(declared, NOW)  # both workers read the same state
    assert actions.claim(declared, due, NOW, "worker-a") is True
    assert actions.claim(declared, due, NOW, "worker-b") is False
    assert worker.run_due("worker-b", NOW) == []
    assert ScheduleState.objects.get(name="counter").last_worker == "worker-a"


@pytest.mark.django_db
def test_the_first_worker_runs_the_due_occurrence_and_the_second_finds_nothing_due(only):
    only(("counter", f"{__name__}.count_a_call"))
    first = worker.run_due("worker-a", NOW)
    second = worker.run_due("worker-b", NOW + datetime.timedelta(seconds=1))
    assert [(run.name, run.ok, run.result) for run in first] == [("counter", True, "1")]
    assert second == []
    assert CALLS == [1]


@pytest.mark.django_db
def test_missed_occurrences_after_downtime_are_caught_up_once(only):
    only(("counter", f"{__name__}.count_a_call"))
    worker.run_due("worker-a", NOW)
    three_days_later = NOW + datetime.timedelta(days=3, hours=2)
    runs = worker.run_due("worker-a", three_days_later)
    assert [(run.missed, run.due_at) for run in runs] == [(2, datetime.datetime(2026, 12, 2, tzinfo=UTC))]
    assert ScheduleState.objects.get(name="counter").next_due == datetime.datetime(2026, 12, 5, tzinfo=UTC)
    assert worker.run_due("worker-a", three_days_later + datetime.timedelta(minutes=1)) == []
    assert CALLS == [1, 1]


@pytest.mark.django_db
def test_nothing_runs_before_its_next_occurrence(only):
    only(("counter", f"{__name__}.count_a_call"))
    worker.run_due("worker-a", NOW)
    assert worker.run_due("worker-a", datetime.datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC)) == []
    assert len(worker.run_due("worker-a", datetime.datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC))) == 1


@pytest.mark.django_db
def test_a_failing_task_is_recorded_and_the_others_still_run(only):
    only(("broken", f"{__name__}.fail_loudly"), ("counter", f"{__name__}.count_a_call"))
    runs = worker.run_due("worker-a", NOW)
    assert [(run.name, run.ok, run.result) for run in runs] == [
        ("broken", False, "RuntimeError"),
        ("counter", True, "1"),
    ]
    assert ScheduleState.objects.get(name="broken").last_ok is False


def test_every_periodic_task_of_the_readme_is_declared():
    assert {name: declared.task for name, declared in SCHEDULES.items()} == {
        "open-unactivated-spaces": "carnet.identity.tasks.open_unactivated_spaces",
        "close-expired-suspensions": "carnet.identity.tasks.close_expired_suspensions",
        "hand-over-at-majority": "carnet.identity.tasks.hand_over_at_majority",
        "release-hidden-documents": "carnet.records.tasks.release_overdue_hidden_documents",
        "destroy-due-spaces": "carnet.records.tasks.destroy_due_spaces",
        "daily-digests": "carnet.notify.tasks.send_daily_digests_task",
        "journal-checkpoint": "carnet.journal.tasks.checkpoint_journal",
        "refresh-statistics": "carnet.stats.tasks.refresh_statistics_task",
        "sweep-orphan-blobs": "carnet.vault.tasks.sweep_orphan_blobs",
        "clear-expired-sessions": "carnet.identity.tasks.clear_expired_sessions",
        "clear-expired-tokens": "carnet.fhir.tasks.clear_expired_tokens",
        "forget-printed-letters": "carnet.notify.tasks.forget_printed_letters",
        "prune-task-results": "carnet.schedule.tasks.prune_task_results",
    }
    assert SCHEDULES["journal-checkpoint"].period == datetime.timedelta(minutes=5)
    assert SCHEDULES["daily-digests"].period == datetime.timedelta(days=1)
    assert SCHEDULES["refresh-statistics"].period == datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_the_checkpoint_schedule_signs_the_head_and_writes_a_copy_to_the_second_location(
    alice, settings, tmp_path
):
    settings.CARNET_CHECKPOINT_COPY = str(tmp_path / "elsewhere")
    record(SYSTEM, "account:space:invite", Decision(True, "invite", "test"), patient=alice)
    runs = {run.name: run for run in worker.run_due("worker-a")}
    assert runs["journal-checkpoint"].ok is True
    checkpoint = Checkpoint.objects.get()
    (copy,) = (tmp_path / "elsewhere").iterdir()
    exported = json.loads(copy.read_text())
    assert (exported["head_seq"], exported["signature"]) == (checkpoint.head_seq, checkpoint.signature)


@pytest.mark.django_db
def test_carnet_schedule_lists_last_run_next_run_and_result(only):
    only(("broken", f"{__name__}.fail_loudly"), ("counter", f"{__name__}.count_a_call"))
    out = io.StringIO()
    call_command("schedule", stdout=out)
    assert "counter" in out.getvalue() and "never run" in out.getvalue()
    out = io.StringIO()
    call_command("schedule", "run-due", stdout=out)
    lines = out.getvalue().splitlines()
    assert "ran counter (ok 1)" in lines
    (broken,) = [line for line in lines if line.startswith("broken ")]
    assert broken.split()[1:3] == ["24", "h"] and broken.endswith("FAILED RuntimeError")
    assert ScheduleRun.objects.count() == 2


@pytest.fixture
def s3_bucket(settings):
    """A real S3 server process (moto_server) on this area's port, with a bucket for checkpoint copies."""
    binary = Path(sys.executable).with_name("moto_server")
    server = subprocess.Popen(  # noqa: S603
        [str(binary), "-H", "127.0.0.1", "-p", "8142"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", 8142), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    settings.CARNET_S3_ENDPOINT = "http://127.0.0.1:8142"
    settings.CARNET_S3_ACCESS_KEY = settings.CARNET_S3_SECRET_KEY = "test"
    client = boto3.client(
        "s3",
        endpoint_url=settings.CARNET_S3_ENDPOINT,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="carnet-checkpoints")
    yield client
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.django_db
def test_checkpoint_copies_can_go_to_an_s3_bucket(alice, settings, s3_bucket):
    settings.CARNET_CHECKPOINT_COPY = "s3://carnet-checkpoints/journal"
    record(SYSTEM, "account:space:invite", Decision(True, "invite", "test"), patient=alice)
    checkpoint_journal.call()
    (item,) = s3_bucket.list_objects_v2(Bucket="carnet-checkpoints", Prefix="journal/")["Contents"]
    exported = json.loads(s3_bucket.get_object(Bucket="carnet-checkpoints", Key=item["Key"])["Body"].read())
    assert exported["signature"] == Checkpoint.objects.get().signature
