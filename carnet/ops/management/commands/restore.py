"""carnet restore DIR --keys KEYDIR [--verify]: into this settings' fresh database and blob store."""

import json

from django.core.management.base import BaseCommand, CommandError

from carnet.ops.backup import BackupError, restore
from carnet.ops.backup import verify as verify_restore


class Command(BaseCommand):
    help = "Restore a backup into a fresh (empty) database and blob store; --verify checks it afterwards."
    requires_system_checks = []  # the database is empty until the restore

    def add_arguments(self, parser):
        parser.add_argument("source", help="a directory written by carnet backup")
        parser.add_argument("--keys", required=True, help="the key directory saved apart")
        parser.add_argument("--verify", action="store_true", help="journal, counts and sampled documents")
        parser.add_argument("--sample", type=int, default=20)
        parser.add_argument("--verify-only", action="store_true", help="check an earlier restore")

    def handle(self, *args, source, keys, verify, sample, verify_only, **options):
        try:
            result = {} if verify_only else restore(source, keys)
            if verify or verify_only:
                result["verification"] = verify_restore(source, sample)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result))
        if "verification" in result and not result["verification"]["ok"]:
            raise CommandError("restore NOT whole: " + "; ".join(result["verification"]["problems"]))
