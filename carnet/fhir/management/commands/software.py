"""carnet software list | bind: the structures (FINESS) and professionals a professional software serves."""

from django.core.management.base import BaseCommand, CommandError

from carnet.fhir.models import SoftwareClient
from carnet.identity.models import Professional


class Command(BaseCommand):
    help = (
        "Professional software: 'list' the declarations; 'bind CLIENT_ID --finess N --rpps N' adds to them."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["list", "bind"])
        parser.add_argument("client_id", nargs="?", default="")
        parser.add_argument(
            "--finess", action="append", default=[], help="a structure it serves (repeatable)"
        )
        parser.add_argument(
            "--rpps", action="append", default=[], help="a professional it serves (repeatable)"
        )

    def handle(self, *args, operation, client_id, finess, rpps, **options):
        if operation == "list":
            for client in SoftwareClient.objects.select_related("application").order_by("pk"):
                pros = ", ".join(client.professionals.values_list("rpps", flat=True))
                self.stdout.write(
                    f"{client.application.client_id} {client.application.name}: "
                    f"FINESS {', '.join(client.finess) or '-'}; RPPS {pros or '-'}"
                )
            return
        client = SoftwareClient.objects.filter(application__client_id=client_id).first()
        if client is None:
            raise CommandError(f"no professional software with client id {client_id!r}")
        found = list(Professional.objects.filter(rpps__in=rpps))
        missing = set(rpps) - {p.rpps for p in found}
        if missing or any(not (n.isdigit() and len(n) == 9) for n in finess):
            raise CommandError(f"unknown RPPS {sorted(missing)} or FINESS not 9 digits: nothing changed")
        client.finess = sorted(set(client.finess) | set(finess))
        client.save(update_fields=["finess"])
        client.professionals.add(*found)
        self.stdout.write(
            f"{client_id} serves FINESS {', '.join(client.finess) or '-'} and {len(found)} more professionals"
        )
