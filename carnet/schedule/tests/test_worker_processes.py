"""Two real ``carnet worker`` processes on one database: each occurrence runs once, in one of them."""

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from carnet.schedule.registry import SCHEDULES


def _carnet(env, *args, **popen):
    return subprocess.Popen([sys.executable, "-m", "carnet.cli", *args], env=env, **popen)  # noqa: S603


def _runs(database):
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT name, due_at, worker, ok FROM schedule_schedulerun WHERE finished_at IS NOT NULL"
        ).fetchall()


def _names(database) -> set[str]:
    return {name for name, _due, _worker, _ok in _runs(database)}


@pytest.mark.skipif("postgres" in os.environ.get("DATABASE_URL", ""), reason="uses its own SQLite file")
def test_two_worker_processes_racing_run_each_occurrence_once(tmp_path):
    env = {
        **os.environ,
        "CARNET_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CARNET_SCHEDULE_TICK_SECONDS": "1",
    }
    _carnet(env, "migrate", "-v0").wait(timeout=120)
    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in "ab"]  # noqa: SIM115
    workers = [
        _carnet(env, "worker", "--no-startup-delay", "--worker-id", f"w-{n}", stdout=log, stderr=log)
        for n, log in zip("ab", logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(_names(tmp_path / "db.sqlite3")) < len(SCHEDULES) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # two more ticks of each worker: nothing may run twice
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
        for log in logs:
            log.close()
    runs = _runs(tmp_path / "db.sqlite3")
    # Every declared schedule ran; an occurrence never twice (a 5-minute schedule may have a second
    # occurrence when the test crosses its boundary: two occurrences, each once).
    assert _names(tmp_path / "db.sqlite3") == set(SCHEDULES)
    assert len({(name, due) for name, due, _worker, _ok in runs}) == len(runs)
    assert all(ok for *_rest, ok in runs)
    assert {worker for _n, _d, worker, _ok in runs} <= {"w-a", "w-b"}
    assert "Error" not in (tmp_path / "worker-a.log").read_text() + (tmp_path / "worker-b.log").read_text()
