"""A synthetic French population: patients, professionals, care relationships (and documents on request).

Deterministic for a given seed; bulk-inserted in batches so that 100 000 patients take minutes.
"""

import datetime
import random
import time

from django.db import transaction
from faker import Faker
from stdnum import luhn

from carnet.access.actor import Actor, Role
from carnet.identity import lookups
from carnet.identity.models import NirLookup, Patient, Profession, Professional, Specialty
from carnet.identity.nir import make_nir
from carnet.records.actions import DocumentMetadata, deposit_document
from carnet.records.codes import type_name
from carnet.records.samples import sample_pdf

# Rough shares of the professions in the directory and of doctors' specialties.
PROFESSIONS = [
    (Profession.MEDECIN, 40),
    (Profession.INFIRMIER, 30),
    (Profession.PHARMACIEN, 10),
    (Profession.KINE, 10),
    (Profession.DENTISTE, 6),
    (Profession.SAGE_FEMME, 4),
]
SPECIALTIES = [
    (Specialty.GENERALE, 50),
    (Specialty.CARDIOLOGIE, 5),
    (Specialty.PSYCHIATRIE, 5),
    (Specialty.PEDIATRIE, 5),
    (Specialty.GYNECOLOGIE, 5),
    (Specialty.RADIOLOGIE, 5),
    (Specialty.BIOLOGIE, 3),
    (Specialty.URGENCES, 5),
    (Specialty.DERMATOLOGIE, 3),
    (Specialty.ANESTHESIE, 4),
    (Specialty.CHIRURGIE, 5),
    (Specialty.TRAVAIL, 5),
]
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
# Document types with realistic frequencies (prescriptions and lab reports dominate).
DOCUMENT_MIX = [
    ("57833-6", 30),
    ("11502-2", 20),
    ("60593-1", 12),
    ("11488-4", 10),
    ("18748-4", 7),
    ("57832-8", 5),
    ("60591-5", 4),
    ("11490-0", 3),
    ("34112-3", 2),
    ("15507-7", 2),
    ("11369-6", 2),
    ("89601-9", 2),
    ("34874-8", 1),
]
BATCH = 2000


def _weighted(rng: random.Random, table):
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


def _rpps(n: int) -> str:
    body = f"1{n:09d}"
    return body + luhn.calc_check_digit(body)


def seed_professionals(count: int, seed: int) -> list[Professional]:
    fake, rng = Faker("fr_FR"), random.Random(f"pros-{seed}")
    fake.seed_instance(seed)
    start = Professional.objects.count() + 1
    pros = []
    for n in range(start, start + count):
        profession = _weighted(rng, PROFESSIONS)
        specialty = _weighted(rng, SPECIALTIES) if profession == Profession.MEDECIN else Specialty.NONE
        pros.append(
            Professional(
                rpps=_rpps(seed * 10_000_000 + n),
                family_name=fake.last_name(),
                given_name=fake.first_name(),
                profession=profession,
                specialty=specialty,
                organisation=f"Cabinet {fake.city()}",
            )
        )
    return Professional.objects.bulk_create(pros, batch_size=BATCH, ignore_conflicts=True)


def _patient(fake: Faker, rng: random.Random, n: int, gps: list[int]) -> Patient:
    sex = rng.choice("FM")
    birth = fake.date_of_birth(minimum_age=0, maximum_age=95)
    department = rng.choice(DEPARTMENTS)
    commune = rng.randint(1, 400)
    nir = make_nir(2 if sex == "F" else 1, birth.year, birth.month, department, commune, n % 999 + 1)
    first = fake.first_name_female() if sex == "F" else fake.first_name_male()
    reachable = rng.random()
    return Patient(
        nir=nir,
        birth_name=fake.last_name(),
        first_names=f"{first} {fake.first_name()}",
        birth_date=birth,
        sex=sex,
        birthplace_code=f"{department}{commune:03d}",
        state=Patient.State.OPEN,
        email=fake.email() if reachable < 0.8 else "",
        phone=fake.phone_number()[:20] if reachable < 0.9 else "",
        address=fake.address().replace("\n", ", ")[:300],
        gp_id=rng.choice(gps) if gps and rng.random() < 0.85 else None,
    )


def seed_patients(count: int, seed: int, progress=None) -> int:
    """Patients with valid NIRs (Corsica included), most with a médecin traitant."""
    fake, rng = Faker("fr_FR"), random.Random(f"patients-{seed}")
    fake.seed_instance(seed)
    gps = list(
        Professional.objects.filter(profession=Profession.MEDECIN, specialty=Specialty.GENERALE).values_list(
            "pk", flat=True
        )
    )
    before = Patient.objects.count()
    for start in range(0, count, BATCH):
        batch: dict[str, Patient] = {}
        for i in range(min(BATCH, count - start)):
            patient = _patient(fake, rng, seed * 100_000_000 + start + i, gps)
            batch.setdefault(patient.nir, patient)
        taken = set(NirLookup.objects.filter(nir__in=batch).values_list("nir", flat=True))
        with transaction.atomic():
            lookups.record_new(
                Patient.objects.bulk_create(
                    [p for nir, p in batch.items() if nir not in taken], batch_size=BATCH
                )
            )
        if progress is not None:
            progress.update(len(batch))
    return Patient.objects.count() - before  # a generated NIR that already exists is skipped, not counted


def seed_documents(patients, per_patient: int, seed: int) -> int:
    """Real deposits (encrypted, journaled) of small PDFs by each patient's GP or another doctor."""
    rng = random.Random(f"documents-{seed}")
    doctors = list(Professional.objects.filter(profession=Profession.MEDECIN)[:200])
    count = 0
    for patient in patients:
        for n in range(per_patient):
            author = patient.gp or rng.choice(doctors)
            type_code = _weighted(rng, DOCUMENT_MIX)
            day = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 320))
            meta = DocumentMetadata(
                unique_id=f"urn:carnet:seed:{seed}:{patient.pk}:{n}",
                type_code=type_code,
                title=str(type_name(type_code)),
                care_date=day,
                mime_type="application/pdf",
            )
            content = sample_pdf(str(type_name(type_code)), [f"Document de démonstration du {day:%d/%m/%Y}."])
            deposit_document(
                Actor(role=Role.PROFESSIONAL, user=author.user, professional=author), patient, content, meta
            )
            count += 1
    return count


def seed_population(
    patients: int,
    seed: int,
    *,
    professionals: int | None = None,
    documents_per_patient: int = 0,
    metadata_documents: int = 0,
    progress=None,
) -> dict:
    """Patients and professionals; ``documents_per_patient`` real encrypted deposits (slow: small
    populations), ``metadata_documents`` metadata-only rows per patient (bulk: national scale)."""
    from carnet.records.bulk import add_metadata_documents  # noqa: PLC0415 - cycle: bulk reads DOCUMENT_MIX here

    started = time.perf_counter()
    before = Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    pros = seed_professionals(professionals or max(20, patients // 100), seed)
    created = seed_patients(patients, seed, progress)
    docs = 0
    if documents_per_patient:
        newest = Patient.objects.order_by("-pk")[:patients].select_related("gp")
        docs = seed_documents(newest, documents_per_patient, seed)
    if metadata_documents:
        docs += add_metadata_documents(before, metadata_documents)
    return {
        "professionals": len(pros),
        "patients": created,
        "documents": docs,
        "seconds": round(time.perf_counter() - started, 1),
    }
