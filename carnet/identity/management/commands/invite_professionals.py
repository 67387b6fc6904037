"""carnet invite-professionals: send enrolment links to professionals of the directory (no OIDC provider)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from carnet.access.actor import Actor, Channel, Role
from carnet.errors import Refused
from carnet.identity import actions
from carnet.identity.models import ImportBatch, Professional
from carnet.identity.validators import normalize_rpps


class Command(BaseCommand):
    help = "Invite professionals (by RPPS, every one of an import, or every one not enrolled) to enrol."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--rpps", nargs="+", help="RPPS numbers of the professionals to invite")
        which.add_argument("--import", dest="batch", type=int, help="every professional of this import (id)")
        which.add_argument("--last-import", action="store_true", help="every professional of the last import")
        which.add_argument("--all", dest="every", action="store_true", help="every one not enrolled yet")

    def handle(self, *args, rpps=None, batch=None, last_import=False, every=False, **options):
        operator = Actor(role=Role.OPERATOR, channel=Channel.CLI)
        try:
            chosen = self._chosen(rpps, batch, last_import, every)
            invited, left_out = actions.invite_professionals(operator, chosen)
        except Refused as error:
            raise CommandError(error.message) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{invited} invited, {left_out} left out (already enrolled or no e-mail)")

    def _chosen(self, rpps, batch, last_import, every):
        if rpps:
            numbers = [normalize_rpps(number) for number in rpps]
            found = list(Professional.objects.filter(rpps__in=numbers))
            missing = set(numbers) - {p.rpps for p in found}
            if missing:
                raise CommandError(f"not in the directory: {', '.join(sorted(missing))}")
            return found
        if batch or last_import:
            batches = ImportBatch.objects.filter(kind="professionals")
            chosen = batches.filter(pk=batch).first() if batch else batches.first()
            if chosen is None:
                raise CommandError("no such import of professionals")
            return list(chosen.professionals.all())
        return list(Professional.objects.filter(user__isnull=True).exclude(email=""))
