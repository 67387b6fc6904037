"""Export (FHIR Bundle valid per fhir.resources, PDF, emergency card) and destruction after closure."""

import datetime

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from carnet.access.decision import AccessDenied
from carnet.identity.actions import request_closure
from carnet.records import actions, export, profile, queries, sweeps
from carnet.records.samples import SAMPLE_CDA, sample_png
from carnet.records.tests.helpers import me, meta, pro
from carnet.vault.errors import KeyDestroyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_record(alice, bob):
    actions.deposit_document(pro(bob), alice, SAMPLE_CDA, meta("11502-2", "Biologie"))
    actions.deposit_document(me(alice), alice, sample_png(), meta("DOCPAT01", "Photo"))
    for kind, label in [
        ("allergy", "Pénicilline"),
        ("treatment", "Lévothyrox"),
        ("condition", "Asthme"),
        ("vaccination", "DTP"),
        ("measurement", "Poids"),
    ]:
        profile.add_profile_entry(
            me(alice), alice, kind=kind, label=label, date=datetime.date(2026, 1, 1), value="1"
        )
    profile.set_wish(me(alice), alice, kind="emergency-contact", name="Paul Martin", phone="0600000000")
    return alice


def test_fhir_bundle_validates_and_holds_everything(full_record):
    bundle = export.fhir_bundle(me(full_record), full_record)
    Bundle.model_validate(bundle)
    kinds = sorted(entry["resource"]["resourceType"] for entry in bundle["entry"])
    assert kinds.count("DocumentReference") == 2 and kinds.count("Binary") == 2
    assert {
        "AllergyIntolerance",
        "Condition",
        "Immunization",
        "MedicationStatement",
        "Observation",
        "Patient",
    } <= set(kinds)


def test_pdf_summary_and_emergency_card_are_pdfs(full_record):
    from carnet.access.actions import issue_emergency_card
    from carnet.records.card import card_pdf

    assert export.summary_pdf(me(full_record), full_record).startswith(b"%PDF")
    assert card_pdf(me(full_record), full_record) is None  # no card yet
    issue_emergency_card(me(full_record), full_record, ["allergies"])
    card = card_pdf(me(full_record), full_record)
    assert card.startswith(b"%PDF") and len(card) > 1000


def test_only_the_patient_exports(full_record, bob):
    with pytest.raises(AccessDenied):
        export.fhir_bundle(pro(bob), full_record)


def test_after_destruction_no_content_can_be_read_back(full_record):
    documents = list(queries.list_documents(me(full_record), full_record))
    refs = [(d.blob_ref, d.sha256) for d in documents]
    request_closure(me(full_record), full_record, early_destruction=True)
    assert sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8)) == 1
    full_record.refresh_from_db()
    assert full_record.state == "destroyed"
    from carnet.vault import queries as vault

    for ref, sha in refs:
        with pytest.raises(KeyDestroyed):
            vault.get(full_record, ref, expected_sha256=sha)
    with pytest.raises(Http404):
        queries.read_content(me(full_record), documents[0].pk)
    with pytest.raises(AccessDenied):
        export.fhir_bundle(me(full_record), full_record)
    from carnet.records.search import matching_document_ids

    assert matching_document_ids(full_record.pk, "Glycemie") == []
    assert sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8)) == 0


def test_import_reimbursements_is_idempotent(alice, tmp_path, capsys):
    path = tmp_path / "remb.csv"
    path.write_text(f"nir,period_end,unique_id,text\n{alice.nir},2026-10-31,urn:remb:1,Consultation 26 EUR\n")
    call_command("import_reimbursements", str(path))
    call_command("import_reimbursements", str(path))
    assert alice.documents.filter(type_code="REMB").count() == 1
