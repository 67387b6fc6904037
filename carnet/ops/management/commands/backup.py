"""carnet backup DIR [--keys-to KEYDIR]: database, blobs and exported checkpoints; the keys apart."""

import json

from django.core.management.base import BaseCommand, CommandError

from carnet.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, every blob and the journal's exported checkpoints; keys to another place."

    def add_arguments(self, parser):
        parser.add_argument("target", help="an empty or new directory")
        parser.add_argument("--keys-to", help="where the key files go (never inside the backup)")
        parser.add_argument("--database-url", help="dump from there (the primary directly, not PgBouncer)")

    def handle(self, *args, target, keys_to, database_url, **options):
        try:
            result = backup(target, keys_to, database_url)
        except BackupError as error:
            raise CommandError(str(error)) from None
        result.pop("journal_public_key")
        self.stdout.write(json.dumps(result, indent=1))
        if not keys_to:
            self.stdout.write(
                "keys NOT saved: back them up apart (carnet backup --keys-to), never with the data"
            )
