"""The ``carnet`` console command: one entry point for everything an operator runs.

``carnet import-beneficiaries FILE`` runs the Django management command ``import_beneficiaries``;
``carnet journal verify`` runs ``journal`` with the sub-command ``verify``; and so on.
"""

import os
import signal
import subprocess
import sys

# Notifications have a queue and a worker process of their own: text extraction never holds one back; the
# NLP indexing too (its pipeline's memory and load stay in its own process).
QUEUES = ("notifications", "default", "indexing")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnet.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - after the settings name

    if not argv:
        argv = ["help", "--commands"]
    if argv[0] in ("deploy-local", "chaos"):  # they set up their own settings (the shape's) first
        from carnet.ops import local  # noqa: PLC0415 - the operations' modules only for these commands

        return getattr(local, argv[0].replace("-", "_"))(argv[1:])
    argv[0] = argv[0].replace("-", "_")
    if argv[0] == "db_worker" and not any(arg.startswith("--queue-name") for arg in argv):
        return serve_every_queue(argv[1:])
    execute_from_command_line(["carnet", *argv])
    return None


class Workers:
    """The task worker processes, one per queue, handled as one."""

    def __init__(self, processes: list[subprocess.Popen]):
        self.processes = processes

    def terminate(self) -> None:
        for process in self.processes:
            process.terminate()

    def wait(self, timeout: float | None = None) -> None:
        for process in self.processes:
            process.wait(timeout=timeout)

    def kill(self) -> None:
        """For a worker still inside a long task (the NLP pipeline's first load) after its timeout."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()


def start_worker(
    env: dict | None = None, nice: int | None = None, quiet: bool = False, extra: list[str] | None = None
) -> Workers:
    """The background task workers beside the web server (embedded mode, benchmarks): one for the
    notifications queue, one for the rest at the lowest CPU priority (CARNET_WORKER_NICE, default 19) so
    that text extraction yields the CPU to requests."""
    out = subprocess.DEVNULL if quiet else None
    nice = int(os.environ.get("CARNET_WORKER_NICE", "19")) if nice is None else nice
    processes = []
    for queue in QUEUES:
        # "worker" is db_worker with the scheduler inside: each runs it, each occurrence is claimed once.
        command = [sys.executable, "-m", "carnet.cli", "worker", "--queue-name", queue, *(extra or [])]
        worker = subprocess.Popen(command, env=env, stdout=out, stderr=out)  # noqa: S603
        if queue != "notifications" and nice and hasattr(os, "setpriority"):
            os.setpriority(os.PRIO_PROCESS, worker.pid, nice)
        processes.append(worker)
    return Workers(processes)


def serve_every_queue(extra: list[str]) -> None:
    """``carnet db-worker`` without ``--queue-name``: a worker per queue, stopped together."""
    workers = start_worker(extra=extra, nice=0)
    signal.signal(signal.SIGTERM, lambda *_args: workers.terminate())
    try:
        workers.wait()
    except KeyboardInterrupt:
        workers.terminate()
        workers.wait(timeout=30)


if __name__ == "__main__":
    main()
