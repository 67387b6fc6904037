"""carnet restore-drill DIR --keys KEYDIR: restore into a scratch database and store, verify, time it."""

import json

from django.core.management.base import BaseCommand, CommandError

from carnet.ops.backup import BackupError
from carnet.ops.drill import drill


class Command(BaseCommand):
    help = (
        "Restore a backup into a fresh database, blob directory and key directory (the service untouched), "
        "verify the journal against the last exported checkpoint, read back a sample of documents, time it."
    )

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--keys", required=True)
        parser.add_argument("--sample", type=int, default=20)
        parser.add_argument("--database-url", help="the server on which the scratch database is made")
        parser.add_argument("--keep", action="store_true", help="leave the restored copy in place")

    def handle(self, *args, source, keys, sample, database_url, keep, **options):
        try:
            result = drill(source, keys, sample, database_url, keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, indent=1))
        verification = result.get("verification", {})
        if not verification.get("ok"):
            raise CommandError(
                "drill FAILED: " + "; ".join(verification.get("problems", ["no verification"]))
            )
        self.stdout.write(
            f"drill passed in {result['drill_s']} s: journal verified up to entry "
            f"#{verification['checkpoint_head_seq']}, {verification['sampled_documents_read']} of "
            f"{verification['sampled']} sampled documents read back"
        )
