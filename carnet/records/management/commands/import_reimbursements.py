"""carnet import-reimbursements FILE.csv: the insurer feed of reimbursement histories (REMB documents)."""

import csv
import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from carnet.access.actor import SYSTEM
from carnet.identity.models import Patient
from carnet.identity.validators import normalize_nir
from carnet.records.actions import DocumentMetadata, deposit_document

COLUMNS = ["nir", "period_end", "unique_id", "text"]


class Command(BaseCommand):
    help = "Deposit reimbursement histories (CSV: nir, period_end, unique_id, text); idempotent on unique_id."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
        errors, ready = self._validate(rows)
        for line, message in errors:
            self.stderr.write(f"line {line}: {message}")
        if errors:
            raise CommandError(f"{len(errors)} error(s): nothing was imported.")
        with transaction.atomic():
            for patient, meta, text in tqdm(ready, unit=" lines", disable=None):
                deposit_document(SYSTEM, patient, text.encode(), meta)
        self.stdout.write(f"{len(ready)} reimbursement histories deposited (existing ones left as they were)")

    def _validate(self, rows):
        errors, ready = [], []
        for line, row in enumerate(rows, start=2):
            missing = [name for name in COLUMNS if not (row.get(name) or "").strip()]
            if missing:
                errors.append((line, f"missing {', '.join(missing)}"))
                continue
            try:
                patient = Patient.objects.get(nir=normalize_nir(row["nir"]), state=Patient.State.OPEN)
                end = datetime.date.fromisoformat(row["period_end"])
            except (Patient.DoesNotExist, ValidationError, ValueError):
                errors.append((line, "unknown or closed space, or bad date (AAAA-MM-JJ)"))
                continue
            meta = DocumentMetadata(
                unique_id=row["unique_id"],
                type_code="REMB",
                care_date=end,
                title=f"Remboursements jusqu'au {end:%d/%m/%Y}",
                mime_type="text/plain",
            )
            ready.append((patient, meta, row["text"]))
        return errors, ready
