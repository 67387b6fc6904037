"""IHE MHD's published examples (IHE/ITI.MHD ``input/fsh/ex-*.fsh``, compiled with SUSHI) and the PDSm guide's
ITI-105 example, each submitted through the real endpoints by alice's GP: accepted ones are read back with
their metadata as sent (ITI-67 search, read, ITI-66, ITI-68), refused ones get the OperationOutcome MHD asks
for, naming the problem, and leave nothing behind. Only the patient and replaced-document ids are adapted
(see data/README.md)."""

import base64
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.documentreference import DocumentReference

from carnet.fhir.models import SubmissionSet
from carnet.fhir.tests.test_published_examples import SUBMISSION, load
from carnet.records.models import Document

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
CARNET_FIELDS = {"id", "meta", "status", "subject", "content", "securityLabel"}


def example(name, patient, **replacements):
    text = (DATA / name).read_text()
    replacements = {
        "Patient/ex-patient": f"Patient/{patient.pk}",
        "fr-patient-123": f"Patient/{patient.pk}",
    } | (replacements)
    for old, new in replacements.items():
        text = text.replace(old, new)
    return json.loads(text)


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def read_back_intact(api, sent: dict, location: str) -> dict:
    """Everything the producer sent is served back (carnet adds its id, version, subject and URL)."""
    served = api.get(location).json()
    for key, value in sent.items():
        if key not in CARNET_FIELDS:
            assert served[key] == value, key
    assert {k: v for k, v in served["meta"].items() if k not in ("versionId", "lastUpdated")} == sent["meta"]
    for key, value in sent["content"][0]["attachment"].items():
        if key not in ("url", "data"):
            assert served["content"][0]["attachment"][key] == value, key
    sent_labels = [label for label in sent.get("securityLabel", [])]
    assert all(label in served["securityLabel"] for label in sent_labels)  # confidentiality R stays R
    codes = [c["code"] for label in served["securityLabel"] for c in label["coding"]]
    sent_codes = [c["code"] for label in sent_labels for c in label["coding"]]
    assert codes.count("N") == (sent_codes.count("N") if sent_labels else 1)  # no second level added
    DocumentReference.model_validate(served)
    return served


ACCEPTED = [
    "ihe-Bundle-ex-comprehensiveProvideDocumentBundleSimple.json",
    "ihe-Bundle-ex-unContainedComprehensiveProvideDocumentBundleComplete.json",
    "ihe-Bundle-ex-comprehensiveProvideDocumentBundleComplete.json",  # with a new Folder
    "ihe-Bundle-ex-ProvideDocumentBundle-addToFolder.json",  # a Folder of the new and the earlier document
]


@pytest.mark.parametrize("name", ACCEPTED)
def test_an_accepted_provide_bundle_is_read_back_as_sent(as_pro, alice, bob, name):
    api = as_pro(bob)
    earlier = api.post("", load(SUBMISSION, alice, bob)).json()["entry"][1]["response"]["location"]
    bundle = example(name, alice, **{"DocumentReference/ex-DocumentReferenceComprehensive": earlier})
    response = api.post("", bundle)
    assert response.status_code == 200, response.content
    answer = response.json()
    Bundle.model_validate(answer)
    assert len(answer["entry"]) == len(bundle["entry"])  # one response per request entry, in order
    assert all(e["response"]["status"] == "201 Created" for e in answer["entry"])
    location = answer["entry"][1]["response"]["location"]
    sent = resources(bundle, "DocumentReference")[0]
    served = read_back_intact(api, sent, location)
    found = api.get(
        "DocumentReference", patient=alice.pk, identifier=sent["masterIdentifier"]["value"]
    ).json()
    assert [e["resource"] for e in found["entry"]] == [served]
    sent_list = resources(bundle, "List")[0]
    listed = api.get(answer["entry"][0]["response"]["location"]).json()
    assert listed["extension"] == sent_list["extension"] and listed["identifier"] == sent_list["identifier"]
    assert listed["entry"] == [{"item": {"reference": location}}]
    binary = resources(bundle, "Binary")[0]
    assert api.get(f"Binary/{location.split('/')[1]}").content == base64.b64decode(binary["data"])


def test_the_uncontained_example_is_found_by_facility_event_and_related(as_pro, alice, bob):
    api = as_pro(bob)
    earlier = api.post("", load(SUBMISSION, alice, bob)).json()["entry"][1]["response"]["location"]
    name = "ihe-Bundle-ex-unContainedComprehensiveProvideDocumentBundleComplete.json"
    bundle = example(name, alice, **{"DocumentReference/ex-DocumentReferenceComprehensive": earlier})
    location = api.post("", bundle).json()["entry"][1]["response"]["location"]
    for params in (
        {"facility": "http://snomed.info/sct|82242000"},
        {"event": "PATDOC"},
        {"related": "urn:uuid:7d5bb8ac-68ee-4926-85e7-baaaaaaaaaad"},
        {"format": "urn:ihe:iti:xds-sd:text:2008"},
        {"security-label": "R"},
    ):
        found = api.get("DocumentReference", patient=alice.pk, **params).json()
        assert [e["fullUrl"].endswith(location) for e in found["entry"]] == [True], params


FHIR_DOCUMENT = "ihe-Bundle-ex-comprehensiveProvideDocumentBundleDocument.json"


def fhir_document_example(patient):
    """IHE's FHIR Document example, its subject (an absolute URL of another server) made the test patient."""
    return example(
        FHIR_DOCUMENT, patient, **{"http://example.org/fhir/Patient/fdoc-patient": f"Patient/{patient.pk}"}
    )


def test_a_fhir_document_is_deposited_and_read_back_as_sent(as_pro, alice, bob):
    api = as_pro(bob)
    bundle = fhir_document_example(alice)
    answer = api.post("", bundle)
    assert answer.status_code == 200, answer.content
    assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created"] * 3
    location = answer.json()["entry"][1]["response"]["location"]
    sent = resources(bundle, "DocumentReference")[0]
    served = read_back_intact(api, sent, location)
    assert served["content"][0]["attachment"]["contentType"] == "application/fhir+json"
    content = api.get(f"Binary/{served['id']}")
    assert content["Content-Type"] == "application/fhir+json"
    assert json.loads(content.content) == resources(bundle, "Bundle")[0]  # the FHIR Document as sent
    assert json.loads(content.content)["type"] == "document"


def _not_a_document(bundle):
    resources(bundle, "Bundle")[0]["type"] = "collection"


def _no_composition_first(bundle):
    document = resources(bundle, "Bundle")[0]
    document["entry"] = document["entry"][1:]


def _no_timestamp(bundle):
    del resources(bundle, "Bundle")[0]["timestamp"]


def _declared_as_pdf(bundle):
    resources(bundle, "DocumentReference")[0]["content"][0]["attachment"]["contentType"] = "application/pdf"


def _another_master_identifier(bundle):
    resources(bundle, "DocumentReference")[0]["masterIdentifier"]["value"] = "urn:oid:1.2.250.99.2"


def _wrong_document_size(bundle):
    resources(bundle, "DocumentReference")[0]["content"][0]["attachment"]["size"] = 12


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_not_a_document, "must be a FHIR Document (Bundle.type 'document')"),
        (_no_composition_first, "first entry must be its Composition (bdl-11)"),
        (_no_timestamp, "Bundle.identifier and Bundle.timestamp"),
        (_declared_as_pdf, "contentType application/fhir+json"),
        (_another_master_identifier, "masterIdentifier must be the FHIR Document's Bundle.identifier"),
        (_wrong_document_size, "attachment.size 12 differs"),
    ],
)
def test_a_fhir_document_mhd_refuses_is_refused_naming_why(as_pro, alice, bob, change, words):
    bundle = fhir_document_example(alice)
    change(bundle)
    response = as_pro(bob).post("", bundle)
    assert response.status_code == 422, response.content
    assert words in response.json()["issue"][0]["diagnostics"]
    assert Document.objects.count() == 0 and SubmissionSet.objects.count() == 0


def _first_document(api, alice, bob):
    """The document the replacement example supersedes: the simple example, deposited first."""
    simple = example("ihe-Bundle-ex-comprehensiveProvideDocumentBundleSimple.json", alice)
    return api.post("", simple).json()["entry"][1]["response"]["location"]


REFUSED = [
    # (example, what MHD says a Document Recipient answers, words of the diagnostics)
    ("ihe-Bundle-ex-comprehensiveProvideDocumentBundleMultiple.json", 422, "masterIdentifier"),
    ("ihe-Bundle-ex-comprehensiveProvideDocumentBundleReplace.json", 422, "attachment.size 24"),
    ("ihe-Bundle-ex-minimalProvideDocumentBundleSimple.json", 422, "Patient sent in the Bundle"),
    ("ihe-Bundle-ex-minimalProvideDocumentBundleSimpleContained.json", 422, "subject"),
    ("ihe-Bundle-ex-dummyBundleDocAndBinary.json", 422, "SubmissionSet"),
]


@pytest.mark.parametrize(("name", "status", "words"), REFUSED)
def test_a_provide_bundle_carnet_cannot_take_is_refused_naming_why(as_pro, alice, bob, name, status, words):
    api = as_pro(bob)
    first = _first_document(api, alice, bob)
    documents, sets = Document.objects.count(), SubmissionSet.objects.count()
    response = api.post("", example(name, alice, **{"DocumentReference/ex-documentreference": first}))
    assert response.status_code == status, response.content
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome" and words in outcome["issue"][0]["diagnostics"]
    assert (Document.objects.count(), SubmissionSet.objects.count()) == (documents, sets)
    assert api.get(first).json()["status"] == "current"


SIMPLIFIED = [
    # (example, status, words): MHD's has no type (carnet needs one of the accepted LOINC types); the PDSm
    # guide's declares 250000 bytes for the 11 it carries (a placeholder size, and the empty string's SHA-1)
    ("ihe-DocumentReference-ex-DocumentReferenceSimplifiedPublish.json", 422, "DocumentReference.type"),
    ("pdsm-DocumentReference-PDSmSimplifiedExample.json", 422, "attachment.size 250000"),
]


@pytest.mark.parametrize(("name", "status", "words"), SIMPLIFIED)
def test_the_published_iti105_examples_get_the_answer_the_profile_gives(
    as_pro, alice, bob, name, status, words
):
    response = as_pro(bob).post("DocumentReference", example(name, alice))
    assert response.status_code == status, response.content
    assert words in response.json()["issue"][0]["diagnostics"]
    assert Document.objects.count() == 0


def test_the_iti105_example_with_a_type_and_a_date_is_read_back_as_sent(as_pro, alice, bob):
    """The same example once a type and a date of care are given (what carnet requires on top of MHD's)."""
    api = as_pro(bob)
    resource = example("ihe-DocumentReference-ex-DocumentReferenceSimplifiedPublish.json", alice)
    resource |= {
        "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
        "date": "2026-11-20T10:00:00+01:00",
    }
    response = api.post("DocumentReference", resource)
    assert response.status_code == 201, response.content
    location = response["Location"].split("/_history")[0]
    served = read_back_intact(api, resource, location)
    assert served["identifier"] == resource["identifier"] and served["custodian"] == resource["custodian"]
    assert api.get(f"Binary/{served['id']}").content == b"Hello World"
