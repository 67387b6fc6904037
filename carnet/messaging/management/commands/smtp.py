"""``carnet smtp [--bind HOST:PORT]``: the secure-mail server of the patients' domain."""

import asyncio
import contextlib
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from carnet.messaging.smtp import serve


class Command(BaseCommand):
    help = "Secure mail (SMTP) for <INS>@patient.<CARNET_MAIL_DOMAIN>, from the peers in CARNET_SMTP_PEERS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=settings.CARNET_SMTP_BIND, help="HOST:PORT (default CARNET_SMTP_BIND)"
        )

    def handle(self, *args, bind, **options):
        host, _sep, port = bind.rpartition(":")

        def ready(line: str) -> None:
            self.stdout.write(line)
            sys.stdout.flush()

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(host or "127.0.0.1", int(port), ready))
