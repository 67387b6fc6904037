"""carnet seed: realistic, valid, deterministic."""

import pytest
from django.core.management import call_command

from carnet.identity.models import Patient, Professional
from carnet.identity.population import seed_population
from carnet.identity.validators import normalize_nir, normalize_rpps
from carnet.records.bulk import NO_CONTENT
from carnet.records.models import Document

pytestmark = pytest.mark.django_db


def test_generated_identifiers_are_valid():
    seed_population(60, seed=3, professionals=30)
    for nir in Patient.objects.values_list("nir", flat=True):
        assert normalize_nir(nir) == nir
    for rpps in Professional.objects.values_list("rpps", flat=True):
        assert normalize_rpps(rpps) == rpps
    assert Patient.objects.filter(gp__isnull=False).exists()


def test_same_seed_same_population():
    seed_population(20, seed=7, professionals=10)
    first = list(Patient.objects.order_by("pk").values_list("nir", "birth_name", "first_names"))
    Patient.objects.all().delete()
    Professional.objects.all().delete()
    seed_population(20, seed=7, professionals=10)
    assert list(Patient.objects.order_by("pk").values_list("nir", "birth_name", "first_names")) == first


def test_seed_command_with_documents(capsys):
    call_command(
        "seed", "--patients", "3", "--seed", "5", "--professionals", "20", "--documents-per-patient", "2"
    )
    assert "3 patients" in capsys.readouterr().out
    assert sum(p.documents.count() for p in Patient.objects.all()) == 6


def test_seed_command_with_metadata_documents_at_scale_path(capsys):
    """The national-scale path: metadata-only rows per patient (server-side on PostgreSQL), authored by the
    patient's médecin traitant, realistic type mix, no content; earlier patients are left alone."""

    seed_population(2, seed=1, professionals=5)
    call_command(
        "seed", "--patients", "12", "--seed", "9", "--professionals", "5", "--metadata-documents", "4"
    )
    out = capsys.readouterr().out
    assert "12 patients" in out and "48 documents" in out and "database size" in out
    newest = Patient.objects.order_by("-pk")[:12]
    assert all(p.documents.count() == 4 for p in newest)
    assert not Document.objects.filter(patient__in=Patient.objects.order_by("pk")[:2]).exists()
    assert set(Document.objects.values_list("blob_ref", flat=True)) == {NO_CONTENT}
    assert all(d.author_id == d.patient.gp_id for d in Document.objects.select_related("patient"))
    assert Document.objects.values("type_code").distinct().count() >= 3
