"""``DocumentReference/{id}/_history`` and ``/_history/{vid}``: every version of a document (deposit, the
patient's masking, a replacement superseding it, a withdrawal by PATCH), newest first, each as it was
served; policy-checked like a read (a document masked from a professional has no history for them) and
journaled as one read; declared in the CapabilityStatement."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.documentreference import DocumentReference

from carnet.fhir.tests.conftest import PDF, document_bundle
from carnet.journal.queries import patient_journal
from carnet.records import actions
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me

pytestmark = pytest.mark.django_db
LABELS = "urn:oid:1.2.250.1.213.1.1.4.13"


def deposit(api, alice, unique_id, content=PDF):
    answer = api.post("", document_bundle(alice, (unique_id, "11488-4", content)))
    assert answer.status_code == 200, answer.content
    return answer.json()["entry"][1]["response"]["location"]


def replace(api, alice, old_location, unique_id):
    bundle = document_bundle(alice, (unique_id, "11488-4", sample_pdf("Version 2")))
    bundle["entry"][1]["resource"]["relatesTo"] = [
        {"code": "replaces", "target": {"reference": old_location}}
    ]
    answer = api.post("", bundle)
    assert answer.status_code == 200, answer.content
    return answer.json()["entry"][1]["response"]["location"]


def visibility(resource) -> str:
    codes = [
        c["code"] for label in resource["securityLabel"] for c in label["coding"] if c.get("system") == LABELS
    ]
    return codes[0] if codes else "N"


MASK = {"securityLabel": [{"coding": [{"system": LABELS, "code": "MASQUE_PS"}]}]}


@pytest.fixture
def chain(as_pro, as_app, alice, bob):
    """Version 1 deposited by bob, version 2 masked by alice's app (a PATCH), version 3 superseded by bob's
    replacement (which is the new document's version 1)."""
    api = as_pro(bob)
    old = deposit(api, alice, "urn:oid:1.2.250.1.213.1.1.9.501")
    app = as_app(alice, ["patient/DocumentReference.rs", "patient/DocumentReference.u"])
    masked = app.patch(old, MASK)
    assert masked.status_code == 200 and masked["ETag"] == 'W/"2"', masked.content
    new = replace(api, alice, old, "urn:oid:1.2.250.1.213.1.1.9.502")
    return api, old, new


def test_the_history_lists_every_version_newest_first(chain):
    api, old, new = chain
    history = api.get(f"{old}/_history").json()
    Bundle.model_validate(history)
    assert history["type"] == "history" and history["total"] == 3
    served = [entry["resource"] for entry in history["entry"]]
    assert [r["meta"]["versionId"] for r in served] == ["3", "2", "1"]
    assert [(r["status"], visibility(r)) for r in served] == [
        ("superseded", "MASQUE_PS"),
        ("current", "MASQUE_PS"),
        ("current", "N"),
    ]
    assert [e["request"]["method"] for e in history["entry"]] == ["PATCH", "PATCH", "POST"]
    assert all(e["fullUrl"].endswith(old) for e in history["entry"])  # never a version-specific fullUrl
    assert api.get(old).json() == served[0] and api.get(old)["ETag"] == 'W/"3"'
    assert api.get(f"{new}/_history").json()["total"] == 1


def test_each_version_is_read_as_it_was(chain):
    api, old, _new = chain
    for number, status in (("1", "current"), ("2", "current"), ("3", "superseded")):
        response = api.get(f"{old}/_history/{number}")
        assert response.status_code == 200 and response["ETag"] == f'W/"{number}"'
        resource = response.json()
        DocumentReference.model_validate(resource)
        assert resource["meta"]["versionId"] == number and resource["status"] == status
    missing = api.get(f"{old}/_history/4")
    assert missing.status_code == 404 and missing.json()["resourceType"] == "OperationOutcome"


def test_a_withdrawal_by_patch_is_a_new_version(as_pro, alice, bob):
    api = as_pro(bob)
    location = deposit(api, alice, "urn:oid:1.2.250.1.213.1.1.9.503")
    response = api.patch(location, {"status": "entered-in-error"})
    assert response.status_code == 200 and response["ETag"] == 'W/"2"'
    history = api.get(f"{location}/_history").json()
    assert [e["resource"]["status"] for e in history["entry"]] == ["entered-in-error", "current"]


def test_a_refused_patch_adds_no_version(as_pro, as_app, alice, bob):
    location = deposit(as_pro(bob), alice, "urn:oid:1.2.250.1.213.1.1.9.504")
    masked = as_app(alice, ["patient/DocumentReference.rs"]).patch(location, MASK)
    assert masked.status_code == 403  # a read scope does not let an app change the visibility
    withdrawn = as_app(alice, ["patient/DocumentReference.rs", "patient/DocumentReference.u"]).patch(
        location, {"status": "entered-in-error"}
    )
    assert withdrawn.status_code == 403  # the visibility scope withdraws nothing (bob's document)
    assert as_pro(bob).get(f"{location}/_history").json()["total"] == 1


def test_history_obeys_the_policy_like_a_read(as_pro, alice, bob, dave):
    api = as_pro(bob)
    location = deposit(api, alice, "urn:oid:1.2.250.1.213.1.1.9.505")
    stranger = as_pro(dave)
    assert stranger.post(f"Patient/{alice.pk}/$declare-consent", {}).status_code == 201
    assert stranger.get(f"{location}/_history").json()["total"] == 1  # seen as a read would be
    actions.set_document_visibility(me(alice), Document.objects.get(pk=location.split("/")[1]), "masked")
    for path in (f"{location}/_history", f"{location}/_history/1", f"{location}/_history/2", location):
        hidden = stranger.get(path)
        assert hidden.status_code == 404 and hidden.json()["resourceType"] == "OperationOutcome", path
    assert api.get(f"{location}/_history").json()["total"] == 2  # the author still sees it


def test_reading_the_history_is_one_journaled_read(as_pro, alice, bob):
    api = as_pro(bob)
    location = deposit(api, alice, "urn:oid:1.2.250.1.213.1.1.9.506")
    before = patient_journal(me(alice), alice, actor_user_id=bob.user_id)
    assert api.get(f"{location}/_history").status_code == 200
    assert api.get(f"{location}/_history/1").status_code == 200
    after = patient_journal(me(alice), alice, actor_user_id=bob.user_id)
    assert [line.action for line in after[: len(after) - len(before)]] == ["record:document:read"] * 2


def test_the_capability_statement_declares_history_and_vread(client):
    statement = client.get("/fhir/metadata").json()
    document = next(r for r in statement["rest"][0]["resource"] if r["type"] == "DocumentReference")
    interactions = {i["code"] for i in document["interaction"]}
    assert {"vread", "history-instance"} <= interactions and document["versioning"] == "versioned"
