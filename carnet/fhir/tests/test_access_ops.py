"""Professional software obtains access through the API, checked with fhirpy against a running server:
each operation's allowed path, then its refusals, notified as the pages' actions are (the journal lines
are checked in test_access_ops_journal.py, in-process)."""

import pytest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, ForbiddenError, OperationOutcome, ResourceNotFound

from carnet.access import actions as access
from carnet.access.actor import Actor, Role
from carnet.access.matrix import DEFAULT_MATRIX
from carnet.access.models import Block, EmergencyAccess, Grant, PatientAccessSettings, ProfessionRule
from carnet.fhir.tests.conftest import token_for
from carnet.identity.models import Patient
from carnet.notify.models import OutboxMessage
from carnet.records.actions import deposit_document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _default_matrix(transactional_db):
    """Transactional tests flush the tables, including the profession matrix the migrations loaded."""
    ProfessionRule.objects.bulk_create(
        [
            ProfessionRule(profession=p, type_code=code)
            for p, codes in DEFAULT_MATRIX.items()
            for code in codes
        ],
        ignore_conflicts=True,
    )


@pytest.fixture
def fhir(live_server, settings, software):
    """A fhirpy client for the professional's software: ``fhir(professional)``."""
    settings.SITE_URL = "http://127.0.0.1:8000"  # the audience the assertions are signed for

    def client_for(professional):
        token = token_for(software, professional)
        return SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Bearer {token}")

    return client_for


def _values(parameters) -> dict:
    return {p["name"]: p.get("valueCode") or p.get("valueDateTime") for p in parameters["parameter"]}


def _status(client, patient) -> dict:
    return _values(client.execute(f"Patient/{patient.pk}/$access-status", method="get"))


def _documents(client, patient) -> int:
    return len(client.resources("DocumentReference").search(patient=patient.pk, status="current").fetch())


def _as_patient(patient) -> Actor:
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def test_a_stranger_learns_the_space_is_open_and_which_mode_applies(fhir, alice, dave):
    assert _status(fhir(dave), alice) == {"space": "open", "mode": "declared", "standing": "not-authorised"}


def test_the_gp_learns_the_standing_grant(fhir, alice, bob):
    assert _status(fhir(bob), alice) == {
        "space": "open",
        "mode": "declared",
        "standing": "authorised",
        "basis": "gp-standing-grant",
    }


def test_a_blocked_professional_learns_only_that(fhir, alice, dave):
    Block.objects.create(patient=alice, professional=dave)
    assert _status(fhir(dave), alice) == {"space": "open", "standing": "blocked"}


def test_a_closed_space_is_only_unavailable(fhir, alice, dave):
    Patient.objects.filter(pk=alice.pk).update(state=Patient.State.CLOSED)
    assert _status(fhir(dave), alice) == {"space": "unavailable"}


def test_an_unknown_patient_is_not_found(fhir, dave, db):
    with pytest.raises(ResourceNotFound):
        fhir(dave).execute("Patient/999999/$access-status", method="get")


def test_declaring_consent_opens_reading_and_tells_the_patient(fhir, alice, bob, dave):
    deposit_document(pro(bob), alice, sample_pdf("compte rendu"), meta())
    client = fhir(dave)
    assert _documents(client, alice) == 0
    consent = client.execute(f"Patient/{alice.pk}/$declare-consent", method="post", data={})
    assert consent["resourceType"] == "Consent" and consent["status"] == "active"
    assert consent["provision"]["actor"][0]["reference"]["identifier"]["value"] == dave.rpps
    assert Grant.objects.filter(patient=alice, professional=dave, mode="declared").count() == 1
    assert _status(client, alice)["basis"] == "grant-declared"
    assert _documents(client, alice) == 1
    told = OutboxMessage.objects.filter(recipient=alice.email, subject__contains="nouveau professionnel")
    assert told.count() == 1


def test_declaring_is_refused_when_the_patient_confirms_each_access(fhir, alice, dave):
    PatientAccessSettings.objects.create(patient=alice, grant_mode="confirmed")
    assert _status(fhir(dave), alice)["mode"] == "confirmed"
    with pytest.raises(OperationOutcome) as refused:
        fhir(dave).execute(f"Patient/{alice.pk}/$declare-consent", method="post", data={})
    assert "confirmation_needed" in str(refused.value)
    assert not Grant.objects.filter(patient=alice, professional=dave).exists()


def test_a_blocked_professional_cannot_declare(fhir, alice, dave):
    Block.objects.create(patient=alice, professional=dave)
    with pytest.raises(ForbiddenError):
        fhir(dave).execute(f"Patient/{alice.pk}/$declare-consent", method="post", data={})
    assert not Grant.objects.filter(patient=alice, professional=dave).exists()


def test_requesting_confirmation_waits_for_the_patient(fhir, alice, dave):
    PatientAccessSettings.objects.create(patient=alice, grant_mode="confirmed")
    client = fhir(dave)
    consent = client.execute(f"Patient/{alice.pk}/$request-access", method="post", data={})
    assert consent["status"] == "proposed"
    assert _status(client, alice)["standing"] == "pending-confirmation"
    assert _documents(client, alice) == 0
    access.confirm_access(_as_patient(alice), Grant.objects.get(patient=alice, professional=dave))
    assert _status(client, alice)["basis"] == "grant-confirmed"


def test_the_patients_presence_code_gives_access_once(fhir, alice, dave, charlie):
    code = access.issue_presence_code(_as_patient(alice), alice)
    body = {"resourceType": "Parameters", "parameter": [{"name": "code", "valueString": code}]}
    consent = fhir(dave).execute(f"Patient/{alice.pk}/$redeem-presence-code", method="post", data=body)
    assert consent["status"] == "active"
    with pytest.raises(OperationOutcome) as refused:  # single use
        fhir(charlie).execute(f"Patient/{alice.pk}/$redeem-presence-code", method="post", data=body)
    assert "no_code" in str(refused.value)


def test_a_wrong_presence_code_is_refused(fhir, alice, dave):
    access.issue_presence_code(_as_patient(alice), alice)
    body = {"resourceType": "Parameters", "parameter": [{"name": "code", "valueString": "00000000"}]}
    with pytest.raises(OperationOutcome) as refused:
        fhir(dave).execute(f"Patient/{alice.pk}/$redeem-presence-code", method="post", data=body)
    assert "wrong_code" in str(refused.value)
    assert not Grant.objects.filter(patient=alice, professional=dave).exists()


def _glass(reason="vital-risk", text="Patiente inconsciente aux urgences"):
    return {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "reason", "valueCoding": {"code": reason}},
            {"name": "reason-text", "valueString": text},
        ],
    }


def test_breaking_the_glass_with_a_reason_opens_a_time_limited_access(fhir, alice, dave):
    client = fhir(dave)
    consent = client.execute(f"Patient/{alice.pk}/$break-glass", method="post", data=_glass())
    assert consent["provision"]["purpose"][0]["code"] == "ETREAT" and consent["provision"]["period"]["end"]
    assert EmergencyAccess.objects.filter(patient=alice, professional=dave, reason_code="vital-risk").exists()
    assert _status(client, alice)["basis"] == "emergency-access"
    assert OutboxMessage.objects.filter(recipient=alice.email, subject__contains="urgence").exists()


def test_breaking_the_glass_without_a_reason_is_refused(fhir, alice, dave):
    with pytest.raises(OperationOutcome) as refused:
        fhir(dave).execute(f"Patient/{alice.pk}/$break-glass", method="post", data=_glass(text="court"))
    assert "reason_required" in str(refused.value)
    assert not EmergencyAccess.objects.exists()


def test_breaking_the_glass_is_refused_when_the_patient_refused_it(fhir, alice, dave):
    PatientAccessSettings.objects.create(patient=alice, refuses_emergency=True)
    with pytest.raises(ForbiddenError):
        fhir(dave).execute(f"Patient/{alice.pk}/$break-glass", method="post", data=_glass())
    assert not EmergencyAccess.objects.exists()


def test_a_body_that_is_not_parameters_is_refused(fhir, alice, dave):
    with pytest.raises(OperationOutcome):
        fhir(dave).execute(f"Patient/{alice.pk}/$break-glass", method="post", data={"reason": "vital-risk"})


def test_the_operations_need_professional_software(live_server, alice, db):
    anonymous = SyncFHIRClient(f"{live_server.url}/fhir")
    with pytest.raises(AuthorizationError):
        anonymous.execute(f"Patient/{alice.pk}/$access-status", method="get")


def test_the_capability_statement_declares_the_operations(live_server, db):
    statement = SyncFHIRClient(f"{live_server.url}/fhir").execute("metadata", method="get")
    patient = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Patient")
    assert {op["name"] for op in patient["operation"]} >= {
        "access-status",
        "declare-consent",
        "request-access",
        "redeem-presence-code",
        "break-glass",
    }
