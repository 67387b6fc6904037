"""The patient's journal as AuditEvents of IHE Basic Audit Log Patterns: each access the pattern of what was
done (type rest, the REST interaction as subtype, action C/R/U/D/E, the BALP profile), the user (with the
professional's RPPS), the software client and carnet as agents, the patient as entity (and the document),
the outcome; valid R4B; readable by the patient's side only, paged."""

import pytest
from fhir.resources.R4B.auditevent import AuditEvent

from carnet.access.models import Block
from carnet.fhir.tests.conftest import PDF, document_bundle
from carnet.records import actions
from carnet.records.models import Document
from carnet.records.tests.helpers import me

pytestmark = pytest.mark.django_db
BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit."
DCM = "http://dicom.nema.org/resources/ontology/DCM"


@pytest.fixture
def journal(as_pro, as_app, alice, bob, dave):
    """bob deposits, reads the content, searches; alice masks it; dave, blocked, tries to deposit."""
    api = as_pro(bob)
    answer = api.post("", document_bundle(alice, ("urn:oid:1.2.250.1.213.1.1.9.601", "11488-4", PDF))).json()
    document_id = answer["entry"][1]["response"]["location"].split("/")[1]
    assert api.get(f"Binary/{document_id}").status_code == 200
    assert api.get("DocumentReference", patient=alice.pk).status_code == 200
    actions.set_document_visibility(me(alice), Document.objects.get(pk=document_id), "masked")
    Block.objects.create(patient=alice, professional=dave)
    assert as_pro(dave).post("", document_bundle(alice, ("urn:oid:9.602", "11488-4", PDF))).status_code == 403
    events = as_app(alice, ["patient/AuditEvent.rs"]).get("AuditEvent", patient=alice.pk, _count=50)
    assert events.status_code == 200, events.content
    return document_id, [entry["resource"] for entry in events.json()["entry"]]


def by_action(events, code, interaction):
    """The allowed events of one kind, newest first."""
    return [
        e
        for e in events
        if e["action"] == code and e["subtype"][0]["code"] == interaction and e["outcome"] == "0"
    ]


@pytest.mark.parametrize(
    ("code", "interaction", "pattern", "client", "user_type"),
    [
        ("C", "create", "PatientCreate", "110153", "AUT"),
        ("R", "read", "PatientRead", "110152", "IRCP"),
        ("E", "search-type", "PatientQuery", "110153", "IRCP"),
        ("U", "patch", "PatientUpdate", "110153", "AUT"),
    ],
)
def test_each_access_follows_its_balp_pattern(journal, code, interaction, pattern, client, user_type):
    _document_id, events = journal
    event = by_action(events, code, interaction)[0]
    AuditEvent.model_validate(event)  # valid R4B
    assert event["meta"]["profile"] == [BALP + pattern]
    assert (
        event["type"]["code"] == "rest"
        and event["subtype"][0]["system"] == "http://hl7.org/fhir/restful-interaction"
    )
    user, software, server = event["agent"]
    assert user["requestor"] is True and user["type"]["coding"][0]["code"] == user_type
    assert software["type"]["coding"][0] == {
        "system": DCM,
        "code": client,
        "display": software["type"]["coding"][0]["display"],
    }
    assert server["who"] == {"display": "carnet"} and not server["requestor"]
    patient = event["entity"][0]
    assert patient["role"]["code"] == "1" and patient["type"]["code"] == "1"


def test_the_professional_is_named_by_rpps_and_the_software_by_its_channel(journal, alice, bob):
    _document_id, events = journal
    deposit = by_action(events, "C", "create")[0]
    user, software, _server = deposit["agent"]
    assert user["who"]["identifier"] == {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": bob.rpps}
    assert software["who"] == {"display": "logiciel professionnel"}
    assert deposit["entity"][0]["what"] == {"reference": f"Patient/{alice.pk}"}
    masking = by_action(events, "U", "patch")[0]
    assert "identifier" not in masking["agent"][0]["who"]  # the patient: no NIR, no identifier
    assert alice.nir not in str(events)


def test_the_document_read_is_an_entity(journal):
    document_id, events = journal
    read = by_action(events, "R", "read")[0]
    assert read["entity"][1]["what"] == {"reference": f"DocumentReference/{document_id}"}
    assert read["entity"][1]["role"]["code"] == "4"


def test_a_refusal_is_a_failed_outcome(journal):
    _document_id, events = journal
    refused = [e for e in events if e["outcome"] != "0"]
    assert [(e["action"], e["outcome"]) for e in refused] == [("C", "4")]
    AuditEvent.model_validate(refused[0])


def test_every_event_is_valid_r4b(journal):
    _document_id, events = journal
    assert len(events) >= 5
    for event in events:
        AuditEvent.model_validate(event)


def test_audit_events_are_the_patients_side_only(as_pro, bob, alice):
    response = as_pro(bob).get("AuditEvent", patient=alice.pk)
    assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"


def test_the_capability_statement_names_the_balp_patterns(client):
    statement = client.get("/fhir/metadata").json()
    audit = next(r for r in statement["rest"][0]["resource"] if r["type"] == "AuditEvent")
    assert BALP + "PatientRead" in audit["supportedProfile"]
