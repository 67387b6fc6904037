"""carnet demo: migrate, load a small synthetic population with named sign-ins, and serve."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from carnet.vault.keys import provider
from carnet.vault.models import DataKey
from carnet.web.demo import DEMO_PASSWORD, ensure_demo_people


class Command(BaseCommand):
    help = "Run carnet on the embedded default with demo data (SQLite, files under var/)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and stop")

    def handle(self, *args, bind, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not provider().exists() and not DataKey.objects.exists():  # the demo's first start only
            call_command("keys", "init")
        people = ensure_demo_people()
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for role, login in people.items():
            self.stdout.write(f"  {role:<12} {login}")
        self.stdout.write(
            "One-time sign-in codes go to the outbox: carnet shows them on the sign-in page in demo mode.\n"
        )
        if not no_serve:
            os.environ["CARNET_DEMO"] = "true"
            call_command("serve", bind=bind)
