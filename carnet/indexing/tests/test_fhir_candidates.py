"""``GET /fhir/Condition`` and ``/fhir/MedicationStatement`` over real OAuth tokens: beside the health
profile, the index's candidates marked unconfirmed (CIM-10 and ATC codings, the source DocumentReference);
a negated, hypothetical or relative's mention is never one; a masked letter's candidates never reach a
professional who may not see it, nor does a confirmed entry name it; a blocked professional is refused."""

import datetime

import pytest
from django.utils import timezone

from carnet.access.actions import block_professional
from carnet.access.models import Grant
from carnet.factories import Specialty, make_professional
from carnet.fhir.tests import conftest as fhir
from carnet.fhir.validation import validate
from carnet.indexing import actions
from carnet.records.actions import deposit_document, set_document_visibility
from carnet.records.tests.helpers import me, meta, pro

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("indexing")]
ICD10, ATC = "http://hl7.org/fhir/sid/icd-10", "http://www.whocc.no/atc"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
PATIENT_SCOPES = ["patient/Condition.rs", "patient/MedicationStatement.rs", "patient/DocumentReference.rs"]


@pytest.fixture
def cardiologist(alice):
    denis = make_professional("Denis", "Cardio", specialty=Specialty.CARDIOLOGIE)
    now = timezone.now()
    Grant.objects.create(
        patient=alice,
        professional=denis,
        mode=Grant.Mode.DECLARED,
        confirmed_at=now,
        expires_at=now + datetime.timedelta(days=365),
    )
    return denis


@pytest.fixture
def letters(alice, bob):
    def deposit(title, text):
        return deposit_document(pro(bob), alice, text.encode(), meta(title=title, mime_type="text/plain"))

    visible = deposit(
        "Consultation",
        "Hypertension artérielle traitée par ramipril 5 mg. Pas de diabète. "
        "Suspicion d'embolie pulmonaire. Mère diabétique.",
    )
    masked = deposit(
        "Consultation cardiologie", "Insuffisance cardiaque, fibrillation traitée par apixaban 5 mg."
    )
    set_document_visibility(me(alice), masked, "masked")
    return visible, masked


def _resources(api, resource_type, patient, **params):
    response = api.get(resource_type, patient=patient.pk, **params)
    assert response.status_code == 200, response.content
    bundle = response.json()
    return {entry["resource"]["id"]: entry["resource"] for entry in bundle.get("entry", [])}


def _codes(resources):
    return {
        c["code"]
        for r in resources.values()
        for key in ("code", "medicationCodeableConcept")
        for c in r.get(key, {}).get("coding", [])
    }


def test_a_professional_gets_the_visible_letters_candidates_unconfirmed(
    software, cardiologist, alice, letters
):
    visible, masked = letters
    api = fhir.Fhir(fhir.token_for(software, cardiologist))
    conditions = _resources(api, "Condition", alice)
    assert set(conditions) == {"index-I10"}  # not I50 (masked), E14 (negated, mother's), I26 (suspected)
    condition = validate(conditions["index-I10"], "Condition")
    assert condition["verificationStatus"]["coding"] == [
        {"system": VERIFICATION, "code": "unconfirmed", "display": "Unconfirmed"}
    ]
    assert condition["code"]["coding"][0] | {"display": ""} == {"system": ICD10, "code": "I10", "display": ""}
    assert condition["evidence"] == [{"detail": [{"reference": f"DocumentReference/{visible.pk}"}]}]
    drugs = _resources(api, "MedicationStatement", alice)
    assert set(drugs) == {"index-C09AA05"}  # apixaban is in the masked letter only
    drug = validate(drugs["index-C09AA05"], "MedicationStatement")
    assert drug["status"] == "unknown" and drug["meta"]["tag"][0]["code"] == "unconfirmed"
    assert drug["medicationCodeableConcept"]["coding"][0]["system"] == ATC
    assert drug["derivedFrom"] == [{"reference": f"DocumentReference/{visible.pk}"}]
    assert str(masked.pk) not in str(conditions) + str(drugs)


def test_the_patient_gets_the_candidates_of_every_letter_of_theirs(as_app, alice, letters):
    api = as_app(alice, PATIENT_SCOPES)
    assert set(_resources(api, "Condition", alice)) == {"index-I10", "index-I50"}
    assert set(_resources(api, "MedicationStatement", alice)) == {"index-C09AA05", "index-B01AF02"}


def test_the_gp_who_sees_masked_documents_gets_its_candidates(software, bob, alice, letters):
    visible, masked = letters
    api = fhir.Fhir(fhir.token_for(software, bob))
    fibrillation = _resources(api, "Condition", alice)["index-I50"]
    assert fibrillation["evidence"][0]["detail"] == [{"reference": f"DocumentReference/{masked.pk}"}]


def test_a_blocked_professional_is_refused_and_told_nothing(software, cardiologist, alice, letters):
    block_professional(me(alice), alice, cardiologist)
    api = fhir.Fhir(fhir.token_for(software, cardiologist))
    for resource_type in ("Condition", "MedicationStatement"):
        response = api.get(resource_type, patient=alice.pk)
        assert response.status_code == 403
        assert "I10" not in response.content.decode() and "index-" not in response.content.decode()


def test_a_confirmed_condition_is_the_profiles_with_its_source_and_no_longer_a_candidate(
    software,
    cardiologist,
    alice,
    letters,
):
    visible, masked = letters
    actions.confirm_finding(me(alice), alice, "condition", "I10")
    actions.confirm_finding(me(alice), alice, "condition", "I50")  # from the masked letter
    api = fhir.Fhir(fhir.token_for(software, cardiologist))
    conditions = _resources(api, "Condition", alice)
    assert not any(key.startswith("index-") for key in conditions)
    by_code = {r["code"]["coding"][0]["code"]: validate(r, "Condition") for r in conditions.values()}
    assert by_code["I10"]["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert by_code["I10"]["evidence"] == [{"detail": [{"reference": f"DocumentReference/{visible.pk}"}]}]
    assert by_code["I50"]["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert "evidence" not in by_code["I50"]  # the patient's answer shows, the masked letter does not
    assert str(masked.pk) not in str(conditions)


def test_a_dismissed_candidate_is_no_longer_offered(as_app, alice, letters):
    actions.dismiss_finding(me(alice), alice, "drug", "C09AA05")
    api = as_app(alice, PATIENT_SCOPES)
    assert set(_resources(api, "MedicationStatement", alice)) == {"index-B01AF02"}
    assert set(_resources(api, "Condition", alice, _id="index-I50")) == {"index-I50"}


def test_an_app_without_the_documents_scope_gets_no_candidate(as_app, alice, letters):
    api = as_app(alice, ["patient/Condition.rs"])
    assert _resources(api, "Condition", alice) == {}
