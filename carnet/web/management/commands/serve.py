"""carnet serve: the production-grade WSGI server (gunicorn), plus the task worker in embedded mode."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carnet.cli import start_worker
from carnet.env import env_bool, env_int
from carnet.vault.checks import key_problem


class Command(BaseCommand):
    help = "Serve carnet over HTTP (gunicorn); in embedded mode also start the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=env_int("CARNET_WEB_WORKERS", 2))
        parser.add_argument("--threads", type=int, default=env_int("CARNET_WEB_THREADS", 4))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args, bind, workers, threads, no_worker, **options):
        problem = key_problem()
        if problem is not None:  # a missing or replaced key file: stop before anything is written
            raise CommandError(f"carnet cannot start: {problem}")
        worker = None
        if not no_worker and env_bool("CARNET_EMBEDDED_WORKER", True):
            worker = start_worker()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "carnet.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(h)s "%(m)s %(U)s" %(s)s %(M)sms',
        ]
        self.stdout.write(f"carnet on http://{bind}/ (data in {settings.DATA_DIR})")
        server = subprocess.Popen(command)  # noqa: S603
        signal.signal(signal.SIGTERM, _interrupt)  # a stop request ends the server and the worker too
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in (server, worker):
                if child is not None and child.poll() is None:
                    child.terminate()
                    child.wait(timeout=30)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
