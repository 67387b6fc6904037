"""One space per NIR and one per account, kept by the lookup tables (``identity/lookups.py``) on every path
that writes a patient: the insurer's file, activation, the seeded population, the benchmark's filler, a
change of account, destruction. On PostgreSQL the patients' table no longer has the two uniques (Citus
could not keep them): the lookups alone refuse a second space, and these tests say they do."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from carnet import factories
from carnet.bench.grow import grow_to
from carnet.identity import actions, lookups
from carnet.identity.imports import import_beneficiaries
from carnet.identity.models import AccountLookup, NirLookup, Patient
from carnet.identity.nir import make_nir
from carnet.identity.population import seed_patients
from carnet.identity.tests.test_import_beneficiaries import beneficiary_file
from carnet.records import sweeps
from carnet.records.tests.helpers import me

pytestmark = pytest.mark.django_db
PASSWORD = "un long mot de passe 2026"
NIR = make_nir(2, 1961, 7, "29", 19, 4)
CONSISTENT = {
    "patients without their NIR's row": 0,
    "NIR rows of no patient": 0,
    "patients without their account's row": 0,
    "account rows of no patient": 0,
}


def _import(nir: str = NIR) -> None:
    report = import_beneficiaries(
        beneficiary_file(f"{nir};Kerhervé;;Gwendoline;1961-07-23;F;29019;g@example.org;;")
    )
    assert report.errors == []


def _activated() -> Patient:
    _import()
    patient = Patient.objects.get(nir=NIR)
    code = actions.invite_patient(patient, reason="reminder")
    actions.activate_account(code, "gwen.k", PASSWORD)
    return Patient.objects.get(pk=patient.pk)


PATHS = {
    "factory (create)": lambda: factories.make_patient(),
    "insurer's file": _import,
    "activation": _activated,
    "seeded population": lambda: seed_patients(40, seed=3),
    "benchmark filler": lambda: grow_to(30, documents_per_patient=1),
}


@pytest.mark.parametrize("path", PATHS)
def test_every_path_that_writes_patients_writes_their_lookups(path):
    PATHS[path]()
    assert Patient.objects.exists()
    assert lookups.disagreements() == CONSISTENT
    assert NirLookup.objects.count() == Patient.objects.count()
    assert AccountLookup.objects.count() == Patient.objects.filter(user__isnull=False).count()


def test_activation_records_the_new_account():
    patient = _activated()
    assert AccountLookup.objects.get(user=patient.user).patient_id == patient.pk
    assert lookups.patient_id_for_nir(NIR) == patient.pk


def _second_space_by_create():
    factories.make_patient(nir=NIR, user=None)


def _second_space_by_a_change_of_nir():
    other = factories.make_patient("Carol", user=None)
    other.nir = NIR
    other.save()


def _second_space_by_bulk_insert():
    twin = factories.make_patient("Carol", user=None)
    row = Patient(
        **{f.attname: getattr(twin, f.attname) for f in Patient._meta.concrete_fields if not f.primary_key}
    )
    row.nir, row.user_id = NIR, None
    lookups.record_new(Patient.objects.bulk_create([row]))


SECOND_SPACE = {
    "create()": _second_space_by_create,
    "a change of NIR": _second_space_by_a_change_of_nir,
    "a bulk insert": _second_space_by_bulk_insert,
}


@pytest.mark.parametrize("way", SECOND_SPACE)
def test_a_second_space_for_one_nir_is_refused_by_the_database(way):
    first = factories.make_patient(nir=NIR, user=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SECOND_SPACE[way]()
    assert list(Patient.objects.filter(nir=NIR)) == [first]
    assert lookups.disagreements() == CONSISTENT


def test_a_second_space_for_one_account_is_refused_and_a_change_of_account_is_followed():
    alice, carol = factories.make_patient(), factories.make_patient("Carol")
    carol.user = alice.user
    with pytest.raises(IntegrityError), transaction.atomic():
        carol.save()
    carol.refresh_from_db()
    new = factories.make_user("carol.new")
    carol.user = new
    carol.save(update_fields=["user"])
    assert AccountLookup.objects.get(user=new).patient_id == carol.pk
    assert lookups.disagreements() == CONSISTENT


def test_a_deleted_account_takes_its_lookup_and_the_space_stays():
    alice = factories.make_patient()
    alice.user.delete()
    alice.refresh_from_db()
    assert alice.user is None and not AccountLookup.objects.exists()
    assert lookups.disagreements() == CONSISTENT


def test_destruction_frees_the_nir_and_leaves_no_lookup():
    patient = _activated()
    actions.request_closure(me(patient), patient, early_destruction=True)
    assert sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8)) == 1
    assert not NirLookup.objects.filter(patient_id=patient.pk).exists()
    assert not AccountLookup.objects.filter(patient_id=patient.pk).exists()
    assert lookups.patient_id_for_nir(NIR) is None
    assert lookups.disagreements() == CONSISTENT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the uniques are dropped on PostgreSQL only")
def test_on_postgresql_the_patients_table_keeps_indexes_but_no_global_unique():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'identity_patient'::regclass AND contype = 'u'"
        )
        uniques = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'identity_patient'")
        indexes = " ".join(row[0] for row in cursor.fetchall())
    assert uniques == []
    assert "(nir)" in indexes and "(user_id)" in indexes
