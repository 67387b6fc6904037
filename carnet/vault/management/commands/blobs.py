"""carnet blobs sweep [--dry-run] [--force]: remove the blobs no row references (after the grace period)."""

from django.core.management.base import BaseCommand, CommandError

from carnet.access.actor import Actor, Channel, Role
from carnet.vault.actions import sweep_orphan_blobs


class Command(BaseCommand):
    help = (
        "'sweep' removes the encrypted blobs that no document or attachment references and that are "
        "older than CARNET_BLOB_SWEEP_GRACE_HOURS (a crash between writing a blob and committing its row "
        "leaves one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["sweep"])
        parser.add_argument("--dry-run", action="store_true", help="count only, remove nothing")
        parser.add_argument(
            "--force", action="store_true", help="remove even when most blobs have no row (restored database)"
        )

    def handle(self, *args, operation, dry_run, force, **options):
        counts = sweep_orphan_blobs(
            Actor(role=Role.SYSTEM, channel=Channel.CLI), dry_run=dry_run, force=force
        )
        if counts["refused"]:
            raise CommandError(
                f"{counts['orphans']} blobs have no row and only {counts['referenced']} have one: is this "
                "the right database? Nothing removed (--force removes them)."
            )
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb} {counts['orphans']} orphan blobs and {counts['leftovers']} half-written files; "
            f"kept {counts['referenced']} referenced and {counts['young']} within the grace period"
        )
