"""carnet schedule [run-due]: each periodic task with its last and next run and result; run what is due."""

import socket

from django.core.management.base import BaseCommand
from django.utils import timezone

from carnet.schedule.queries import schedule_lines
from carnet.schedule.worker import run_due


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _every(period) -> str:
    minutes = int(period.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def _result(line) -> str:
    if line.last_started_at is None:
        return "never run"
    if line.last_ok is None:
        return "running"
    return f"{'ok' if line.last_ok else 'FAILED'} {line.last_result}"


class Command(BaseCommand):
    help = "List the periodic tasks (last run, result, next run); 'run-due' runs the due ones once."

    def add_arguments(self, parser):
        parser.add_argument("operation", nargs="?", choices=["list", "run-due"], default="list")

    def handle(self, *args, operation, **options):
        if operation == "run-due":
            for run in run_due(f"cli-{socket.gethostname()}"[:64]):
                self.stdout.write(f"ran {run.name} ({'ok' if run.ok else 'FAILED'} {run.result})")
        header = f"{'schedule':<28} {'every':>10}  {'last run':<19}  {'next run':<19}  result"
        self.stdout.write(header)
        for line in schedule_lines():
            self.stdout.write(
                f"{line.name:<28} {_every(line.period):>10}  {_when(line.last_started_at):<19}  "
                f"{_when(line.next_due):<19}  {_result(line)}"
            )
