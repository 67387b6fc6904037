"""carnet worker: the background task worker (django-tasks-db) with the scheduler running inside it."""

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from carnet.ops.workers import new_worker_id, requeue_abandoned
from carnet.schedule.worker import SchedulerThread


class Command(DbWorkerCommand):
    help = "Run background tasks and the periodic schedules (carnet schedule lists them)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_true", help="run queued tasks only")
        # Not given: host:pid, so that a dead worker's tasks are taken back (argparse checks no None).
        parser.set_defaults(worker_id=None)

    def handle(self, *args, no_schedule=False, **options):
        options["worker_id"] = options["worker_id"] or new_worker_id()
        requeue_abandoned()  # the tasks a killed worker of this host held run again
        if settings.CARNET_SCHEDULER and not no_schedule:
            SchedulerThread(options["worker_id"]).start()
        super().handle(*args, **options)
