"""Shared body of the two import commands: read the file, show progress, print the report."""

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from carnet.identity.imports import ImportReport


class ImportCommand(BaseCommand):
    importer: Callable[..., ImportReport]
    noun = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, comma or semicolon separated, header line)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        text = path.read_text(encoding="utf-8-sig")
        total = max(text.count("\n") - 1, 0)
        with tqdm(total=total, unit=" lines", desc=f"import {self.noun}", disable=None) as bar:
            report = type(self).importer(text, path.name, progress=bar)
        for error in report.errors[:200]:
            self.stderr.write(f"line {error['line']}, column {error['column']}: {error['error']}")
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} error(s): nothing was imported. Fix the file and run again."
            )
        self.stdout.write(
            f"{report.lines} lines: {report.created} created, {report.updated} updated, "
            f"{report.skipped} unchanged"
            " or skipped"
        )
