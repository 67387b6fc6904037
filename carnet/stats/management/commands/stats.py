"""carnet stats refresh|rebuild|show: the public statistics' counters and tables."""

from django.core.management.base import BaseCommand

from carnet.stats import queries
from carnet.stats.actions import rebuild_statistics, refresh_statistics


class Command(BaseCommand):
    help = "Public statistics: add what is new (refresh), count everything again (rebuild), list tables."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("refresh", help="count what happened since the last run and publish (incremental)")
        sub.add_parser("rebuild", help="forget every counter and count everything again")
        sub.add_parser("show", help="list the published tables")

    def handle(self, *args, operation, **options):
        if operation == "show":
            for item in queries.dictionary():
                self.stdout.write(f"{item['table']}: {item['title']}")
            return
        run = rebuild_statistics if operation == "rebuild" else refresh_statistics
        cursor = run()
        self.stdout.write(
            f"statistics {operation}: journal read up to #{cursor.journal_seq}, data up to "
            f"{cursor.until:%Y-%m-%d %H:%M}, {cursor.last_run_seconds:.2f} s"
        )
