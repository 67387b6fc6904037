"""The DMP guide's own examples (ITI-65 submission, replacement, ITI-105) deposited as published, their
metadata read back unchanged, and their negative variants refused with an OperationOutcome naming the
problem (see data/README.md for where each file comes from and what is adapted)."""

import copy
import json
from pathlib import Path

import pytest

from carnet.fhir.models import SubmissionSet
from carnet.records.models import Document

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
SUBMISSION = "ans-Bundle-example-td2-iti65-lot-soumission.json"
REPLACEMENT = "ans-Bundle-example-td2-1-remplacement.json"
PUBLICATION = "ans-DocumentReference-example-td2-iti105-publication-simplifiee.json"
# What carnet decides itself (id, version, status, subject, content URL); everything else is the producer's.
CARNET_FIELDS = {"id", "meta", "status", "subject", "content", "securityLabel"}


def load(name, patient, professional, **replacements):
    text = (DATA / name).read_text()
    text = text.replace("123456789012345", patient.nir).replace("899700218896", f"8{professional.rpps}")
    for old, new in replacements.items():
        text = text.replace(old, new)
    return json.loads(text)


def deposit(api, bundle):
    response = api.post("", bundle)
    assert response.status_code == 200, response.content
    return response.json()


def document_entries(bundle):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference"]


def unchanged(sent: dict, served: dict) -> None:
    for key, value in sent.items():
        if key not in CARNET_FIELDS:
            assert served[key] == value, key
    meta = {k: v for k, v in served["meta"].items() if k not in ("versionId", "lastUpdated")}
    assert meta == sent["meta"]
    attachment = served["content"][0]["attachment"]
    for key, value in sent["content"][0]["attachment"].items():
        if key not in ("url", "data"):
            assert attachment[key] == value, key
    assert served["content"][0]["format"] == sent["content"][0]["format"]
    assert served["subject"] == {"reference": served["subject"]["reference"]}


def test_the_dmp_submission_is_deposited_and_read_back_unchanged(as_pro, alice, bob):
    api = as_pro(bob)
    bundle = load(SUBMISSION, alice, bob)
    answer = deposit(api, bundle)
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 3
    location = answer["entry"][1]["response"]["location"]
    served = api.get(location).json()
    unchanged(document_entries(bundle)[0], served)
    assert served["subject"]["reference"] == f"Patient/{alice.pk}"
    assert served["contained"][1]["identifier"][0]["value"] == f"8{bob.rpps}"  # the author's IDNPS
    submission = api.get(answer["entry"][0]["response"]["location"]).json()
    sent_list = bundle["entry"][0]["resource"]
    assert submission["extension"] == sent_list["extension"] and submission["source"] == sent_list["source"]
    assert submission["entry"] == [{"item": {"reference": location}}]


def test_a_replayed_submission_changes_nothing_and_says_so(as_pro, alice, bob):
    api = as_pro(bob)
    first = deposit(api, load(SUBMISSION, alice, bob))
    again = deposit(api, load(SUBMISSION, alice, bob))
    assert [e["response"]["location"] for e in again["entry"]] == [
        e["response"]["location"] for e in first["entry"]
    ]
    assert all(e["response"]["status"] == "200 OK" for e in again["entry"])
    assert again["entry"][0]["response"]["outcome"]["issue"][0]["code"] == "duplicate"
    assert SubmissionSet.objects.count() == 1 and Document.objects.count() == 1


def test_the_dmp_replacement_supersedes_the_first_document(as_pro, alice, bob):
    api = as_pro(bob)
    first = deposit(api, load(SUBMISSION, alice, bob))
    old_id = first["entry"][1]["response"]["location"].split("/")[1]
    answer = deposit(api, load(REPLACEMENT, alice, bob, **{"doc-x-id": old_id}))
    statuses = [e["response"]["status"] for e in answer["entry"]]
    assert statuses == ["201 Created", "201 Created", "200 OK", "201 Created"]
    assert answer["entry"][2]["response"]["location"] == f"DocumentReference/{old_id}"
    assert api.get(f"DocumentReference/{old_id}").json()["status"] == "superseded"
    new = api.get(answer["entry"][1]["response"]["location"]).json()
    assert (
        new["status"] == "current"
        and new["relatesTo"][0]["target"]["reference"] == f"DocumentReference/{old_id}"
    )


def test_the_dmp_simplified_publication_is_accepted(as_pro, alice, bob):
    api = as_pro(bob)
    resource = load(PUBLICATION, alice, bob)
    response = api.post("DocumentReference", resource)
    assert response.status_code == 201, response.content
    served = api.get(response["Location"].split("/_history")[0]).json()
    assert served["contained"] == resource["contained"] and served["author"] == resource["author"]
    assert "data" not in served["content"][0]["attachment"]
    again = api.client.post(
        "/fhir/DocumentReference",
        json.dumps(resource),
        content_type="application/fhir+json",
        HTTP_IF_NONE_EXIST="identifier=urn:ietf:rfc:3986|urn:oid:1.2.250.1.213.1.4.8.99999.1",
        **api.headers,
    )
    assert again.status_code == 200 and again.json()["id"] == served["id"]  # conditional create
    assert Document.objects.count() == 1


def test_iti105_with_the_subject_as_an_identifier(as_pro, alice, bob):
    resource = load(PUBLICATION, alice, bob)
    resource["subject"] = {"identifier": {"system": "urn:oid:1.2.250.1.213.1.4.8", "value": alice.nir}}
    assert as_pro(bob).post("DocumentReference", resource).status_code == 201


def _broken(change, alice, bob):
    bundle = load(SUBMISSION, alice, bob)
    change(bundle)
    return bundle


def _no_list(bundle):
    del bundle["entry"][0]


def _wrong_hash(bundle):
    bundle["entry"][1]["resource"]["content"][0]["attachment"]["hash"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _wrong_size(bundle):
    bundle["entry"][1]["resource"]["content"][0]["attachment"]["size"] = 81


def _folder(bundle):
    folder = copy.deepcopy(bundle["entry"][0])
    folder["fullUrl"] = "urn:uuid:aaaaaaaa-0000-0000-0000-0000000000ff"
    folder["resource"]["code"]["coding"][0]["code"] = "folder"
    folder["resource"]["identifier"] = [{"system": "urn:ietf:rfc:3986", "value": "urn:oid:1.2.250.99.1"}]
    folder["resource"]["entry"] = [{"item": {"reference": "urn:uuid:aaaaaaaa-0000-0000-0000-00000000dead"}}]
    bundle["entry"].append(folder)


def _unknown_relation(bundle):
    bundle["entry"][1]["resource"]["relatesTo"] = [
        {"code": "appends", "target": {"reference": "DocumentReference/0b7f5a3c-2f37-4f1e-9f8e-000000000000"}}
    ]


def _no_binary(bundle):
    del bundle["entry"][2]


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        (_no_list, 422, "SubmissionSet"),
        (_wrong_hash, 422, "hash"),
        (_wrong_size, 422, "size"),
        (_folder, 422, "Folder entry 'urn:uuid:aaaaaaaa-0000-0000-0000-00000000dead' names no"),
        (_unknown_relation, 422, "relatesTo"),
        (_no_binary, 422, "Binary"),
    ],
)
def test_negative_variants_are_refused_naming_the_problem(as_pro, alice, bob, change, status, words):
    response = as_pro(bob).post("", _broken(change, alice, bob))
    assert response.status_code == status and words in response.json()["issue"][0]["diagnostics"]
    assert Document.objects.count() == 0 and SubmissionSet.objects.count() == 0


def test_subjects_that_differ_within_one_submission_are_refused(as_pro, alice, bob, dave):
    from carnet import factories

    other = factories.make_patient("Zoé", "Autre")
    bundle = load(SUBMISSION, alice, bob)
    bundle["entry"][1]["resource"]["subject"]["reference"] = f"Patient/{other.pk}"
    response = as_pro(bob).post("", bundle)
    assert response.status_code == 422 and "same patient" in response.json()["issue"][0]["diagnostics"]


def test_a_replacement_reusing_the_replaced_id_and_bytes_is_refused(as_pro, alice, bob):
    api = as_pro(bob)
    first = deposit(api, load(SUBMISSION, alice, bob))
    old_id = first["entry"][1]["response"]["location"].split("/")[1]
    replacement = load(REPLACEMENT, alice, bob, **{"doc-x-id": old_id})
    replacement["entry"][1]["resource"]["masterIdentifier"]["value"] = "urn:oid:1.2.250.1.213.1.4.8.99999.2"
    response = api.post("", replacement)
    assert response.status_code == 422 and "masterIdentifier" in response.json()["issue"][0]["diagnostics"]
    assert api.get(f"DocumentReference/{old_id}").json()["status"] == "current"


def test_a_patch_entry_on_a_document_not_replaced_is_refused(as_pro, alice, bob):
    api = as_pro(bob)
    first = deposit(api, load(SUBMISSION, alice, bob))
    old_id = first["entry"][1]["response"]["location"].split("/")[1]
    replacement = load(REPLACEMENT, alice, bob, **{"doc-x-id": old_id})
    replacement["entry"][2]["request"]["url"] = "DocumentReference/someone-else"
    assert api.post("", replacement).status_code == 422


@pytest.mark.parametrize(
    "system", ["urn:oid:1.2.250.1.213.1.4.8", "urn:oid:1.2.250.1.213.1.4.10", "urn:oid:1.2.250.1.213.1.4.9"]
)
def test_every_ins_system_gives_a_search_result(as_pro, alice, bob, system):
    api = as_pro(bob)
    found = api.get("Patient", identifier=f"{system}|{alice.nir}")
    assert found.status_code == 200 and found.json()["total"] == 1
    documents = api.get("DocumentReference", **{"patient.identifier": f"{system}|{alice.nir}"})
    assert documents.status_code == 200
    assert all(alice.nir not in link["url"] for link in documents.json()["link"])  # no NIR in links
