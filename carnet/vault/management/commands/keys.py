"""carnet keys init | check | rotate: the key-encryption key file's life."""

from django.core.management.base import BaseCommand, CommandError

from carnet.access.actor import Actor, Channel, Role
from carnet.vault.actions import rotate_kek
from carnet.vault.checks import key_problem
from carnet.vault.errors import KeyUnavailable
from carnet.vault.keys import provider
from carnet.vault.models import DataKey


class Command(BaseCommand):
    help = (
        "Key management: 'init' creates the key-encryption key file once (new install), 'check' says whether "
        "it is the one the data keys need, 'rotate' re-wraps data keys under a new KEK (blobs untouched)."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["init", "check", "rotate"])
        parser.add_argument(
            "--retire-old", action="store_true", help="remove the old KEK versions afterwards"
        )

    def handle(self, *args, operation, retire_old, **options):
        if operation == "init":
            return self._init()
        problem = key_problem()
        if problem is not None:
            raise CommandError(problem)
        if operation == "check":
            self.stdout.write("key-encryption keys: ok")
            return None
        result = rotate_kek(Actor(role=Role.SYSTEM, channel=Channel.CLI))
        self.stdout.write(
            f"new key-encryption key {result['kek']}: {result['rewrapped']} data keys re-wrapped"
        )
        if retire_old and result["retirable"]:
            provider().retire(result["retirable"])
            self.stdout.write(f"retired {', '.join(result['retirable'])}")
        return None

    def _init(self):
        if DataKey.objects.filter(wrapped__isnull=False).exists():
            raise CommandError(
                "data keys exist already: a new key file would not open them; restore the key file instead"
            )
        try:
            kek_id = provider().create()
        except KeyUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"key-encryption key {kek_id} created in {provider().path}: back this file up")
