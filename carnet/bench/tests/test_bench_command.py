"""A tiny `carnet bench` run on the test database: JSON with the expected keys (no timing asserted)."""

import json

import pytest
from django.core.management import CommandError, call_command
from stdnum import luhn

from carnet.bench import fixtures
from carnet.bench.grow import FILLER_NAME, grow_to
from carnet.identity.models import Patient
from carnet.identity.nir import nir_key
from carnet.records.models import Document


def _run(tmp_path, *args):
    call_command("bench", *args, "--output", str(tmp_path))
    (written,) = tmp_path.glob(f"{args[0]}-*.json")
    return json.loads(written.read_text())


def _valid_nir(nir: str) -> bool:
    return len(nir) == 15 and nir_key(nir[:13]) == nir[13:]


@pytest.mark.django_db
def test_search_writes_both_timings_and_their_ratio(tmp_path):
    document = _run(tmp_path, "search", "--rounds", "20")
    result = document["results"]["search"]
    assert set(result) == {"rounds", "results", "with_policy", "without_policy", "ratio_median", "ratio_p95"}
    assert set(result["with_policy"]) == {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms"}
    assert result["with_policy"]["count"] == 20
    assert document["machine"]["database"] in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_journal_reports_append_and_verification_rates(tmp_path):
    result = _run(tmp_path, "journal", "--entries", "30", "--writers", "0")["results"]["journal"]
    assert result["appended"] == 30
    assert result["chain_ok"] is True
    assert {"appends_per_second", "verified_per_second"} <= set(result)


@pytest.mark.django_db(transaction=True)
def test_timeline_in_process(tmp_path):
    document = _run(tmp_path, "timeline", "--in-process", "--duration", "0.3", "--deposit-rate", "0")
    result = document["results"]["timeline"]
    assert result["patient_documents"] >= 500
    assert result["page"] == 50
    assert result["timeline"]["count"] == 6
    assert result["timeline"]["failures"] == 0


@pytest.mark.django_db(transaction=True)
def test_deposit_in_process_secure_and_insecure(tmp_path):
    args = ["--in-process", "--duration", "0.2", "--rate", "5", "--connections", "1"]
    result = _run(tmp_path, "deposit", *args)["results"]["deposit"]
    assert result["pdf_bytes"] >= 100_000
    assert result["secure_at_rate"]["count"] == 1
    assert result["secure_at_rate"]["failures"] == 0
    assert result["secure_saturation"]["failures"] == 0
    assert result["insecure_saturation"]["failures"] == 0
    assert "skipped" in result["raw_database"] or result["raw_database"]["per_s"] > 0
    assert {"secure_vs_insecure", "secure_vs_raw"} <= set(result)


@pytest.mark.django_db
def test_growth_steps_and_ratios(tmp_path):
    result = _run(tmp_path, "growth", "--sizes", "20,40", "--rounds", "5")["results"]["growth"]
    assert [step["patients"] for step in result["steps"]] == [20, 40]
    assert {"timeline_p95_ratio", "search_p95_ratio"} <= set(result)


@pytest.mark.django_db
def test_bad_sizes_are_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="comma-separated integers"):
        call_command("bench", "growth", "--sizes", "10k", "--output", str(tmp_path))


@pytest.mark.django_db
def test_generated_people_have_valid_nirs_and_rpps():
    gp = fixtures.bench_gp()
    patients = fixtures.bench_patients(gp, 3)
    assert luhn.is_valid(gp.rpps)
    assert all(_valid_nir(p.nir) and p.gp == gp for p in patients)
    assert fixtures.bench_patients(gp, 3) == patients  # made once, then reused


@pytest.mark.django_db
def test_filler_population_is_valid_and_metadata_only():
    grow_to(25, documents_per_patient=3)
    fillers = Patient.objects.filter(birth_name=FILLER_NAME)
    assert fillers.count() == 25
    assert all(_valid_nir(nir) for nir in fillers.values_list("nir", flat=True))
    assert Document.objects.filter(patient__in=fillers).count() == 75
    assert set(Document.objects.values_list("blob_ref", flat=True)) == {"bench:no-content"}


def test_sample_pdf_reaches_the_requested_size():
    content = fixtures.pdf_of_size(20_000)
    assert content.startswith(b"%PDF") and len(content) >= 20_000
