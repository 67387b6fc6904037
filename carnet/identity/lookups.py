"""A NIR opens one space at most, an account holds one at most: two lookup tables say it in any deployment.

On one node the patients' table says it with two unique constraints, on ``nir`` and on ``user_id``. Sharded
by patient (Citus, docs/scaling.md), a table's unique constraints must include its distribution column, the
patient's id: those two cannot stay. So the guarantee lives in two tables of their own, each keyed, and
distributed, by what must be unique: ``NirLookup`` by the NIR, ``AccountLookup`` by the account's id. Their
primary keys refuse a second space for one NIR, or a second space for one account, whichever node holds
the first. On PostgreSQL, ``ops/0002_patient_lookups`` drops the two constraints of the patients' table
(SQLite keeps them, both guards then answer); the lookups are the guard there.

Their rows are written in the transaction that writes the Patient row, from three places only:
- ``Patient.save()`` (every ``create()``, form and action that saves a patient) calls ``saved``;
- a ``bulk_create`` of patients (the insurer's file, the seeded population, the benchmark's filler) is
  followed by ``record_new``;
- a destroyed space's rows are deleted by its erasure (``identity/erasure.py``): its NIR is free again.
A row is inserted, never upserted: an insert that meets an existing key fails with ``IntegrityError`` and
the whole transaction, the Patient row with it, is rolled back. ``disagreements`` counts the rows that do
not match (``carnet citus-check`` prints it; the test suite checks every path leaves none).
A destroyed space keeps ``nir = "~<id>"`` (not a NIR): it has no lookup row.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from carnet.identity.models import AccountLookup, NirLookup, Patient


def is_nir(value: str) -> bool:
    return bool(value) and not value.startswith("~")


def record_new(patients: Iterable[Patient]) -> None:
    """The lookup rows of patients just inserted by ``bulk_create`` (their ids known)."""
    patients = list(patients)
    NirLookup.objects.bulk_create(NirLookup(nir=p.nir, patient_id=p.pk) for p in patients if is_nir(p.nir))
    AccountLookup.objects.bulk_create(
        AccountLookup(user_id=p.user_id, patient_id=p.pk) for p in patients if p.user_id is not None
    )


def saved(patient: Patient, *, adding: bool, update_fields=None) -> None:
    """Follow a saved patient's NIR and account (``Patient.save``, inside its transaction)."""
    if update_fields is not None and not {"nir", "user", "user_id"} & set(update_fields):
        return
    if adding:
        record_new([patient])
        return
    deferred = patient.get_deferred_fields()
    old_nir, old_user = getattr(patient, "_lookup_keys", (None, None))
    if "nir" not in deferred and old_nir != patient.nir:
        _move(NirLookup, "nir", patient.pk, old_nir, patient.nir if is_nir(patient.nir) else None)
    if "user_id" not in deferred and old_user != patient.user_id:
        _move(AccountLookup, "user_id", patient.pk, old_user, patient.user_id)


def _move(model, key: str, patient_id: int, old, new) -> None:
    rows = model.objects.filter(patient_id=patient_id)
    if old is not None:
        rows = rows.filter(**{key: old})  # by its key: one shard on Citus
    rows.exclude(**({key: new} if new is not None else {})).delete()
    if new is not None and not model.objects.filter(**{key: new, "patient_id": patient_id}).exists():
        model.objects.create(**{key: new, "patient_id": patient_id})  # an insert: taken → IntegrityError


def patient_id_for_nir(nir: str) -> int | None:
    return NirLookup.objects.filter(nir=nir).values_list("patient_id", flat=True).first()


def patient_for_nir(nir: str, patients=None) -> Patient | None:
    """The space of a (normalized) NIR in two look-ups by key, each of one shard on Citus: the NIR's row,
    then the patient's (a filter on the patients' ``nir`` would ask every node)."""
    patient_id = patient_id_for_nir(nir)
    return None if patient_id is None else (patients or Patient.objects).filter(pk=patient_id).first()


def disagreements() -> dict[str, int]:
    """Rows of the patients' table and of the lookups that do not match (all zero when consistent)."""
    nirs = Patient.objects.exclude(nir__startswith="~")
    accounts = Patient.objects.filter(user__isnull=False)
    return {
        "patients without their NIR's row": nirs.filter(
            ~Exists(NirLookup.objects.filter(nir=OuterRef("nir"), patient_id=OuterRef("pk")))
        ).count(),
        "NIR rows of no patient": NirLookup.objects.filter(
            ~Exists(Patient.objects.filter(pk=OuterRef("patient_id"), nir=OuterRef("nir")))
        ).count(),
        "patients without their account's row": accounts.filter(
            ~Exists(AccountLookup.objects.filter(user_id=OuterRef("user_id"), patient_id=OuterRef("pk")))
        ).count(),
        "account rows of no patient": AccountLookup.objects.filter(
            ~Exists(Patient.objects.filter(pk=OuterRef("patient_id"), user_id=OuterRef("user_id")))
        ).count(),
    }
