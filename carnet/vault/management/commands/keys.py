"""carnet keys rotate: re-wrap every patient data key under a new key-encryption key."""

from django.core.management.base import BaseCommand

from carnet.access.actor import Actor, Channel, Role
from carnet.vault.actions import rotate_kek
from carnet.vault.keys import provider


class Command(BaseCommand):
    help = "Key management: 'rotate' re-wraps data keys under a new KEK (blobs are not touched)."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["rotate"])
        parser.add_argument(
            "--retire-old", action="store_true", help="remove the old KEK versions afterwards"
        )

    def handle(self, *args, operation, retire_old, **options):
        result = rotate_kek(Actor(role=Role.SYSTEM, channel=Channel.CLI))
        self.stdout.write(
            f"new key-encryption key {result['kek']}: {result['rewrapped']} data keys re-wrapped"
        )
        if retire_old and result["retirable"]:
            provider().retire(result["retirable"])
            self.stdout.write(f"retired {', '.join(result['retirable'])}")
