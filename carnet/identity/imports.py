"""CSV imports of the insurer's beneficiary file and of the professional directory.

Every line is validated first; if any line is bad nothing is written and the report names each bad line
(line number, column, reason). A valid file is written in one transaction, in batches, idempotently.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.access.actor import SYSTEM
from carnet.identity import codes, lookups
from carnet.identity.actions import add_representative, choose_gp, invite_patient
from carnet.identity.models import ImportBatch, Opposition, Patient, Profession, Professional, Specialty
from carnet.identity.queries import has_valid_code, is_minor
from carnet.identity.validators import normalize_adeli, normalize_nir, normalize_rpps

BENEFICIARY_COLUMNS = [
    "nir",
    "birth_name",
    "used_name",
    "first_names",
    "birth_date",
    "sex",
    "birthplace_code",
    "email",
    "phone",
    "address",
]
# Optional: the declared médecin traitant, and for a minor or a protected adult the insured person they are
# attached to (their legal representative; a protected adult's also needs the court decision and its end).
BENEFICIARY_OPTIONAL_COLUMNS = ["gp_rpps", "attached_to_nir", "court_decision", "protection_until"]
# Also optional: "language" (fr or en), the language of the person's letters until they choose in their space.
PROFESSIONAL_COLUMNS = [
    "rpps",
    "adeli",
    "family_name",
    "given_name",
    "profession",
    "specialty",
    "organisation",
    "finess",
]
OPTIONAL_PROFESSIONAL_COLUMNS = ["email"]  # for enrolment invitations where no OpenID provider is set
BATCH = 1000


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read(text: str, expected: list[str], report: ImportReport) -> list[tuple[int, dict]]:
    reader = csv.DictReader(
        io.StringIO(text.lstrip("\ufeff")), delimiter=";" if text.count(";") > text.count(",") else ","
    )
    missing = [name for name in expected if name not in (reader.fieldnames or [])]
    if missing:
        report.errors.append({"line": 1, "column": ",".join(missing), "error": "missing columns"})
        return []
    rows = [(number, row) for number, row in enumerate(reader, start=2)]
    report.lines = len(rows)
    return rows


def _beneficiary(row: dict) -> dict:
    errors = {}
    values = {name: (row.get(name) or "").strip() for name in BENEFICIARY_COLUMNS}
    try:
        values["nir"] = normalize_nir(values["nir"])
    except ValidationError as error:
        errors["nir"] = error.messages[0]
    try:
        values["birth_date"] = datetime.date.fromisoformat(values["birth_date"])
    except ValueError:
        errors["birth_date"] = "date attendue au format AAAA-MM-JJ"
    values["sex"] = values["sex"].upper()
    if values["sex"] not in {"F", "M"}:
        errors["sex"] = "F ou M attendu"
    for name in ("birth_name", "first_names"):
        if not values[name]:
            errors[name] = "obligatoire"
    code = values["birthplace_code"].upper()
    if code and not (len(code) == 5 and (code.isdigit() or code[:2] in {"2A", "2B"})):
        errors["birthplace_code"] = "code INSEE à 5 caractères attendu"
    values["birthplace_code"] = code
    if values["email"] and "@" not in values["email"]:
        errors["email"] = "adresse électronique invalide"
    values["language"] = (row.get("language") or "").strip().lower() or "fr"  # of the letters (optional)
    if values["language"] not in dict(settings.LANGUAGES):
        errors["language"] = "langue attendue : fr ou en"
    errors.update(_attachments(row, values))
    if errors:
        raise ValueError(errors)
    return values


def _attachments(row: dict, values: dict) -> dict:
    """The optional columns, read into ``values`` (kept apart from the Patient's own fields)."""
    errors = {}
    extra = {name: (row.get(name) or "").strip() for name in BENEFICIARY_OPTIONAL_COLUMNS}
    for name, check in (("gp_rpps", normalize_rpps), ("attached_to_nir", normalize_nir)):
        try:
            extra[name] = check(extra[name]) if extra[name] else ""
        except ValidationError as error:
            errors[name] = error.messages[0]
    try:
        extra["protection_until"] = (
            datetime.date.fromisoformat(extra["protection_until"]) if extra["protection_until"] else None
        )
    except ValueError:
        errors["protection_until"] = "date attendue au format AAAA-MM-JJ"
    if extra["attached_to_nir"] and extra["attached_to_nir"] == values["nir"]:
        errors["attached_to_nir"] = "une personne ne peut pas être rattachée à elle-même"
    values["_extra"] = extra
    return errors


def _check_attachments(parsed: list[dict], numbers: list[int], report: ImportReport) -> None:
    """The GP must be a doctor of the directory; the attached person in the file or already known; a
    protected adult's attachment needs the court decision and an end date to come."""
    doctors = set(
        Professional.objects.filter(
            rpps__in=[v["_extra"]["gp_rpps"] for v in parsed if v["_extra"]["gp_rpps"]],
            profession=Profession.MEDECIN,
        ).values_list("rpps", flat=True)
    )
    in_file = {v["nir"] for v in parsed}
    wanted = {v["_extra"]["attached_to_nir"] for v in parsed} - in_file - {""}
    known = set(Patient.objects.filter(nir__in=wanted).values_list("nir", flat=True))
    today = timezone.localdate()
    for number, values in zip(numbers, parsed, strict=True):
        extra = values["_extra"]
        if extra["gp_rpps"] and extra["gp_rpps"] not in doctors:
            report.errors.append(
                {"line": number, "column": "gp_rpps", "error": "médecin absent de l'annuaire"}
            )
        if extra["attached_to_nir"] and extra["attached_to_nir"] not in in_file | known:
            report.errors.append(
                {"line": number, "column": "attached_to_nir", "error": "assuré inconnu (ni dans le fichier)"}
            )
        born = values["birth_date"]
        adult = today.year - born.year - ((today.month, today.day) < (born.month, born.day)) >= 18
        if extra["attached_to_nir"] and adult and not (extra["court_decision"] and extra["protection_until"]):
            report.errors.append(
                {
                    "line": number,
                    "column": "court_decision",
                    "error": "majeur protégé : décision et date de fin",
                }
            )


def import_beneficiaries(text: str, file_name: str = "", progress: Any = None) -> ImportReport:
    """Import the beneficiary file: new people get a pending space and an invitation; known ones updated."""
    report = ImportReport()
    parsed, seen, numbers = [], set(), []
    for number, row in _read(text, BENEFICIARY_COLUMNS, report):
        try:
            values = _beneficiary(row)
        except ValueError as error:
            for column, message in error.args[0].items():
                report.errors.append({"line": number, "column": column, "error": message})
            continue
        if values["nir"] in seen:
            report.errors.append({"line": number, "column": "nir", "error": "NIR en double dans le fichier"})
            continue
        seen.add(values["nir"])
        parsed.append(values)
        numbers.append(number)
    if not report.errors:
        _check_attachments(parsed, numbers, report)
    if report.errors:
        _history("beneficiaries", file_name, report)
        return report
    with transaction.atomic():
        new = _write_beneficiaries(parsed, report, progress)
        _attach(parsed)
        for patient in new:
            if not has_valid_code(patient):  # a representative may have been invited as such just before
                invite_patient(patient)
        _history("beneficiaries", file_name, report)
    return report


def _attach(parsed: list[dict]) -> None:
    """The file's GP (unless the person already declared one) and representatives, before invitations go
    out, so that a minor's goes to the representative."""
    rows = [v for v in parsed if v["_extra"]["gp_rpps"] or v["_extra"]["attached_to_nir"]]
    if not rows:
        return
    nirs = {v["nir"] for v in rows} | {v["_extra"]["attached_to_nir"] for v in rows}
    people = {p.nir: p for p in Patient.objects.filter(nir__in=nirs).select_related("gp", "user")}
    doctors = {
        d.rpps: d for d in Professional.objects.filter(rpps__in=[v["_extra"]["gp_rpps"] for v in rows])
    }
    for values in rows:
        patient, extra = people.get(values["nir"]), values["_extra"]
        if patient is None:  # an opposed person: nothing kept
            continue
        if extra["gp_rpps"] and patient.gp_id is None:
            choose_gp(SYSTEM, patient, doctors[extra["gp_rpps"]])
        person = people.get(extra["attached_to_nir"])
        if person is not None and not patient.representatives.filter(person=person).exists():
            until = extra["protection_until"] if not is_minor(patient) else None
            add_representative(
                SYSTEM, patient, person, court_decision=extra["court_decision"], protection_until=until
            )


def _write_beneficiaries(parsed: list[dict], report: ImportReport, progress) -> list[Patient]:
    created = []
    for start in range(0, len(parsed), BATCH):
        chunk = parsed[start : start + BATCH]
        nirs = [values["nir"] for values in chunk]
        existing = {p.nir: p for p in Patient.objects.filter(nir__in=nirs)}
        hashes = [codes.keyed_hash(n) for n in nirs]
        # An opposition, or a space the person closed and that was destroyed: no new space unasked.
        opposed = set(Opposition.objects.filter(nir_hash__in=hashes).values_list("nir_hash", flat=True))
        opposed |= set(Patient.objects.filter(nir_hash__in=hashes).values_list("nir_hash", flat=True))
        new = []
        deadline = timezone.now() + datetime.timedelta(days=settings.CARNET_OPPOSITION_DAYS)
        for values in chunk:
            if codes.keyed_hash(values["nir"]) in opposed:
                report.skipped += 1
            elif values["nir"] in existing:
                _update_contact(existing[values["nir"]], values, report)
            else:
                fields = {name: value for name, value in values.items() if name != "_extra"}
                new.append(Patient(**fields, opposition_deadline=deadline))
        inserted = Patient.objects.bulk_create(new)
        lookups.record_new(inserted)
        created.extend(inserted)
        report.created += len(inserted)
        if progress is not None:
            progress.update(len(chunk))
    return created


def _update_contact(patient: Patient, values: dict, report: ImportReport) -> None:
    changed = [
        name
        for name in ("email", "phone", "address", "used_name")
        if values[name] and getattr(patient, name) != values[name]
    ]
    for name in changed:
        setattr(patient, name, values[name])
    if changed:
        patient.save(update_fields=changed)
        report.updated += 1
    else:
        report.skipped += 1


def _professional(row: dict) -> dict:
    errors = {}
    values = {name: (row.get(name) or "").strip() for name in PROFESSIONAL_COLUMNS}
    if (row.get("email") or "").strip():
        values["email"] = row["email"].strip()
        if "@" not in values["email"]:
            errors["email"] = "adresse électronique invalide"
    for name, check in (("rpps", normalize_rpps), ("adeli", normalize_adeli)):
        try:
            values[name] = check(values[name]) if values[name] else None
        except ValidationError as error:
            errors[name] = error.messages[0]
    if not values["rpps"] and not values["adeli"] and "rpps" not in errors:
        errors["rpps"] = "RPPS ou ADELI obligatoire"
    if values["profession"] not in Profession.values:
        errors["profession"] = f"profession inconnue (attendu : {', '.join(Profession.values)})"
    if values["specialty"] not in Specialty.values:
        errors["specialty"] = "spécialité inconnue"
    for name in ("family_name", "given_name"):
        if not values[name]:
            errors[name] = "obligatoire"
    if errors:
        raise ValueError(errors)
    return values


def import_professionals(text: str, file_name: str = "", progress: Any = None) -> ImportReport:
    """Import the directory: professionals are matched on RPPS (else ADELI) and updated in place."""
    report = ImportReport()
    parsed = []
    for number, row in _read(text, PROFESSIONAL_COLUMNS, report):
        try:
            parsed.append(_professional(row))
        except ValueError as error:
            for column, message in error.args[0].items():
                report.errors.append({"line": number, "column": column, "error": message})
    if report.errors:
        _history("professionals", file_name, report)
        return report
    with transaction.atomic():
        batch = _history("professionals", file_name, report)
        for values in parsed:
            key = {"rpps": values["rpps"]} if values["rpps"] else {"adeli": values["adeli"]}
            _obj, created = Professional.objects.update_or_create(
                **key, defaults={**values, "import_batch": batch}
            )
            report.created += created
            report.updated += not created
            if progress is not None:
                progress.update(1)
        ImportBatch.objects.filter(pk=batch.pk).update(created=report.created, updated=report.updated)
    return report


def _history(kind: str, file_name: str, report: ImportReport) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind,
        file_name=file_name[:255],
        lines=report.lines,
        created=report.created,
        updated=report.updated,
        skipped=report.skipped,
        errors=report.errors[:1000],
    )
