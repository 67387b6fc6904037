"""The faults of ``carnet chaos``, one method per phase; each returns its figures."""

import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import close_old_connections
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from carnet.journal.models import Entry
from carnet.ops.shape import wait_http
from carnet.records.models import Document
from carnet.vault import queries as vault
from carnet.vault.store import FileStore


def _median(values):
    return round(statistics.median(values), 2) if values else None


class Faults:
    def __init__(self, shape, load, rng):
        self.shape, self.load, self.rng = shape, load, rng
        self.extra_readers: dict = {}
        self.extra_refs: set = set()
        self.mounted = None

    def run(self, phase: str, options) -> dict:
        return getattr(self, phase.replace("-", "_"))(options)

    def apps(self) -> list[str]:
        return [f"app{n + 1}" for n in range(len(self.shape.app_ports))]

    def wait_healthy(self, timeout: float = 180) -> None:
        for port in [*self.shape.app_ports, self.shape.front]:
            wait_http(port, "/fhir/metadata", timeout=timeout)

    def _downtime(self, since: float, timeout: float = 120) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            first = self.load.first_success_sent_after(since)
            if first is not None:
                return round(first - since, 2)
            time.sleep(0.1)
        return None

    # -- app servers ---------------------------------------------------------------------------------
    def app_workers(self, options) -> dict:
        """kill -9 of the gunicorn processes that serve requests (their master forks a new one)."""
        kills, began = 0, time.monotonic()
        while kills < options.worker_kills:
            master = self.shape.processes[self.rng.choice(self.apps())].pid
            workers = gunicorn_workers(master)
            if workers and kill9(self.rng.choice(workers)):
                kills += 1
            time.sleep(0.15)
        return {"kills": kills, "seconds": round(time.monotonic() - began, 1)}

    def app_servers(self, options) -> dict:
        """kill -9 of a whole app server (master and workers); HAProxy routes to the other meanwhile, the
        supervisor starts it again."""
        restart_times = []
        apps = self.apps()
        for n in range(options.server_kills):
            name, other = apps[n % len(apps)], apps[(n + 1) % len(apps)]
            wait_http(self.shape.app_ports[apps.index(other)], "/fhir/metadata", timeout=120)
            killed = time.monotonic()
            self.shape.kill(name)
            wait_http(self.shape.app_ports[apps.index(name)], "/fhir/metadata", timeout=120)
            restart_times.append(time.monotonic() - killed)
        return {
            "kills": len(restart_times),
            "back_in_s_median": _median(restart_times),
            "back_in_s_max": round(max(restart_times, default=0), 2),
        }

    # -- task workers --------------------------------------------------------------------------------
    def task_worker(self, options) -> dict:
        """kill -9 of a task worker while it runs a task: the task runs again when a worker starts."""
        workers = {self.shape.processes[n].pid: n for n in self.shape.processes if n.startswith("worker")}
        killed: list = []
        deadline = time.monotonic() + 300
        while len(killed) < options.task_kills and time.monotonic() < deadline:
            row = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("-started_at").first()
            close_old_connections()
            pid = _pid_of((row.worker_ids or [""])[-1]) if row else None
            if row is not None and pid is not None and pid in workers and kill9(pid):
                killed.append(row)
                workers = {}
                time.sleep(0.5)
                workers = {
                    self.shape.processes[n].pid: n for n in self.shape.processes if n.startswith("worker")
                }
                continue
            time.sleep(0.01)
        ids = [row.pk for row in killed]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            done = DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.SUCCESSFUL).count()
            if done == len(ids):
                break
            time.sleep(1)
        documents = [
            str(row.args_kwargs["args"][0]) for row in killed if row.task_path.endswith("index_document_text")
        ]
        runs = [
            Entry.objects.filter(action="record:document:index", resource_id=d).count() for d in documents
        ]
        return {
            "kills_mid_task": len(killed),
            "ran_again_successfully": DBTaskResult.objects.filter(
                pk__in=ids, status=TaskResultStatus.SUCCESSFUL
            ).count(),
            "indexing_tasks_killed": len(documents),
            "their_index_entries": dict(sorted({n: runs.count(n) for n in set(runs)}.items())),
        }

    # -- PostgreSQL ----------------------------------------------------------------------------------
    def postgres_restart(self, options) -> dict:
        rounds = []
        for _ in range(options.pg_restarts):
            began = time.monotonic()
            self.shape.pg_ctl(self.shape.primary_dir, "restart", "-m", "fast")
            restarted = time.monotonic() - began
            rounds.append({"restart_s": round(restarted, 2), "deposits_back_after_s": self._downtime(began)})
            time.sleep(4)
        return {"restarts": len(rounds), "rounds": rounds}

    def promotion(self, options) -> dict:
        rounds = []
        for _ in range(options.promotions):
            rounds.append(self.shape.fail_over(self._downtime))
            time.sleep(4)
        return {"promotions": len(rounds), "synchronous": self.shape.synchronous, "rounds": rounds}

    # -- blob store ----------------------------------------------------------------------------------
    def store(self, options) -> dict:
        rounds = []
        moto = self.shape.processes["s3"]
        for _ in range(options.store_faults):
            began = time.monotonic()
            self.shape.haproxy("disable server s3/store")
            self.shape.haproxy("shutdown sessions server s3/store")
            time.sleep(6)
            self.shape.haproxy("enable server s3/store")
            down = self._downtime(began)
            time.sleep(3)
            began = time.monotonic()
            moto.send_signal(19)  # SIGSTOP: the store hangs (slow), then answers again
            time.sleep(8)
            moto.send_signal(18)  # SIGCONT
            slow = self._downtime(began)
            rounds.append({"down_6s_back_after_s": down, "hung_8s_back_after_s": slow})
            time.sleep(3)
        return {"rounds": rounds}

    # -- a full disk under the blob directory --------------------------------------------------------
    def full_disk(self, options) -> dict:
        folder = self.shape.root / "full-disk"
        folder.mkdir(exist_ok=True)
        mount = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], capture_output=True
        )  # noqa: S603, S607
        if mount.returncode:
            return {"skipped": f"cannot mount a small tmpfs here: {mount.stderr.decode().strip()}"}
        self.mounted = folder
        blobs = folder / "blobs"
        env = dict(self.shape.env, CARNET_BLOB_STORE="file", CARNET_BLOB_DIR=str(blobs))
        port = self.shape.spare_port
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "carnet.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
        ]
        server = subprocess.Popen(
            [*command, "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )  # noqa: S603
        try:
            wait_http(port, "/fhir/metadata")
            full = self._fill(port, stop_after_refusals=5, limit=400)
            subprocess.run(["mount", "-o", "remount,size=64m", str(folder)], check=True)  # noqa: S603, S607
            after = self._fill(port, stop_after_refusals=None, limit=5)
        finally:
            server.terminate()
            server.wait(timeout=30)
        partial = list(blobs.rglob("tmp*"))
        orphans = self._register_file_store(blobs)
        return {
            "orphan_blobs_in_directory": orphans,
            "method": "tmpfs of 3 MiB mounted under the blob directory (then remounted at 64 MiB)",
            "while_full": full,
            "after_space_freed": after,
            "partial_files_left": len(partial),
        }

    def _fill(self, port: int, stop_after_refusals, limit: int) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
        refusals = 0
        statuses: dict = {}
        before = len(self.load.tally.deposits)
        for _ in range(limit):
            try:
                self.load._deposit(conn, self.rng, through="full-disk server")
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
            status = self.load.tally.deposits[-1].status
            statuses[status] = statuses.get(status, 0) + 1
            refusals = refusals + 1 if status >= 400 else 0
            if stop_after_refusals and refusals >= stop_after_refusals:
                break
        mine = self.load.tally.deposits[before:]
        with_retry = sum(1 for d in mine if d.status == 503 and d.retry_after)
        return {"statuses": statuses, "503_with_retry_after": with_retry}

    def _register_file_store(self, blobs) -> int:
        """The documents whose blob is in this directory are read back from it at the end; returns the
        blobs there that no row names."""
        refs = {ref for ref, _modified in FileStore(blobs).listing()}
        self.extra_refs |= refs
        named = dict(Document.objects.filter(blob_ref__in=refs).values_list("blob_ref", "pk"))
        for pk in named.values():
            self.extra_readers[str(pk)] = _file_reader(blobs, pk)
        return len(refs - set(named))

    # -- the end -------------------------------------------------------------------------------------
    def settle(self, timeout: float = 300) -> None:
        """Wait for the task backlog to drain (no deposit is running any more)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = DBTaskResult.objects.filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).count()
            if not busy:
                return
            time.sleep(1)

    def cleanup(self) -> None:
        if self.mounted is not None:
            subprocess.run(["umount", str(self.mounted)], check=False)  # noqa: S603, S607
            shutil.rmtree(self.mounted, ignore_errors=True)


def _pid_of(worker_id: str) -> int | None:
    parts = worker_id.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _file_reader(blobs, document_pk):
    def read(ref, sha):
        patient_id = Document.objects.values_list("patient_id", flat=True).get(pk=document_pk)
        with override_settings(CARNET_BLOB_STORE="file", CARNET_BLOB_DIR=blobs):
            return vault.get(patient_id, ref, expected_sha256=sha)

    return read


def gunicorn_workers(master_pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def kill9(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False
