"""The ``carnet`` console command: one entry point for everything an operator runs.

``carnet import-beneficiaries FILE`` runs the Django management command ``import_beneficiaries``;
``carnet journal verify`` runs ``journal`` with the sub-command ``verify``; and so on.
"""

import os
import subprocess
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnet.settings")
    from django.core.management import execute_from_command_line

    if not argv:
        argv = ["help", "--commands"]
    argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["carnet", *argv])


def start_worker(env: dict | None = None, nice: int | None = None, quiet: bool = False) -> subprocess.Popen:
    """The background task worker beside the web server (embedded mode, benchmarks), at the lowest CPU
    priority (CARNET_WORKER_NICE, default 19) so that text extraction yields the CPU to requests."""
    out = subprocess.DEVNULL if quiet else None
    command = [sys.executable, "-m", "carnet.cli", "worker"]  # tasks + the scheduler
    worker = subprocess.Popen(command, env=env, stdout=out, stderr=out)  # noqa: S603
    nice = int(os.environ.get("CARNET_WORKER_NICE", "19")) if nice is None else nice
    if nice and hasattr(os, "setpriority"):
        os.setpriority(os.PRIO_PROCESS, worker.pid, nice)
    return worker


if __name__ == "__main__":
    main()
