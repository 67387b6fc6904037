"""The ``carnet`` console command: one entry point for everything an operator runs.

``carnet import-beneficiaries FILE`` runs the Django management command ``import_beneficiaries``;
``carnet journal verify`` runs ``journal`` with the sub-command ``verify``; and so on.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnet.settings")
    from django.core.management import execute_from_command_line

    if not argv:
        argv = ["help", "--commands"]
    argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["carnet", *argv])


if __name__ == "__main__":
    main()
