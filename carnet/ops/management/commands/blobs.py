"""carnet blobs survey|sweep: blobs no row names (a deposit killed before its commit), rows without blob."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from carnet.ops.orphans import survey, sweep


class Command(BaseCommand):
    help = "Orphan blobs (written, never committed) and rows whose blob is missing; sweep removes the first."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["survey", "sweep"])
        parser.add_argument(
            "--grace-minutes", type=float, default=60.0, help="younger blobs may be in flight"
        )

    def handle(self, *args, operation, grace_minutes, **options):
        grace = datetime.timedelta(minutes=grace_minutes)
        result = survey(grace) if operation == "survey" else sweep(grace)
        self.stdout.write(
            f"stored {result['stored_blobs']}, referenced {result['referenced_blobs']}, "
            f"orphan blobs {len(result['orphan_blobs'])} (removed {result.get('removed', 0)}), "
            f"younger than the grace {result['unreferenced_within_grace']}, "
            f"rows without blob {len(result['rows_without_blob'])}"
        )
        if result["rows_without_blob"]:
            raise CommandError("rows without their blob: restore the blobs from a backup")
