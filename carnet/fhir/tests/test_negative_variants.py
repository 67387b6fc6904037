"""The negative variants of the DMP guide's examples (ITI-65 submission, replacement, ITI-105) and of the
PDSm guide's ITI-105 example: each published example, broken in one way, is refused with an
OperationOutcome whose diagnostics name the problem, and leaves nothing behind. Table: (example, variant,
status, words). A single ITI-105 DocumentReference has no SubmissionSet and no second subject: those two
variants concern the bundles only."""

import base64
import hashlib

import pytest

from carnet import factories
from carnet.fhir.models import SubmissionSet
from carnet.fhir.tests.test_ihe_examples import example
from carnet.fhir.tests.test_published_examples import PUBLICATION, REPLACEMENT, SUBMISSION, deposit, load
from carnet.identity.nir import make_nir
from carnet.records.models import Document

pytestmark = pytest.mark.django_db
PDSM = "pdsm-DocumentReference-PDSmSimplifiedExample.json"
UNKNOWN_DOCUMENT = "DocumentReference/0b7f5a3c-2f37-4f1e-9f8e-000000000000"
INS = "urn:oid:1.2.250.1.213.1.4.8"


def _documents(sent):
    if sent["resourceType"] == "DocumentReference":
        return [sent]
    return [e["resource"] for e in sent["entry"] if e["resource"]["resourceType"] == "DocumentReference"]


def _attachment(sent):
    return _documents(sent)[0]["content"][0]["attachment"]


def wrong_hash(sent, others):
    _attachment(sent)["hash"] = base64.b64encode(hashlib.sha1(b"other bytes").digest()).decode()  # noqa: S324


def wrong_size(sent, others):
    _attachment(sent)["size"] = 79


def another_subject(sent, others):
    _documents(sent)[0]["subject"] = {"reference": f"Patient?identifier={INS}|{others['zoe'].nir}"}


def no_submission_set(sent, others):
    sent["entry"] = [e for e in sent["entry"] if e["resource"]["resourceType"] != "List"]


def unknown_relation(sent, others):
    """An appends to a document that does not exist (the replacement: its replaces target)."""
    relations = _documents(sent)[0].setdefault("relatesTo", [])
    if relations:
        relations[0]["target"]["reference"] = UNKNOWN_DOCUMENT
        for entry in sent["entry"]:
            if entry["resource"]["resourceType"] == "Parameters":
                entry["request"]["url"] = UNKNOWN_DOCUMENT
    else:
        relations.append({"code": "appends", "target": {"reference": UNKNOWN_DOCUMENT}})


def unknown_ins(sent, others):
    """Every subject named by an INS no patient has (a well-formed NIR with its key)."""
    unknown = make_nir(1, 1961, 7, "13", 55, 999)
    for resource in [sent] + [e["resource"] for e in sent.get("entry", [])]:
        if "subject" in resource:
            resource["subject"] = {"reference": f"Patient?identifier={INS}|{unknown}"}


VARIANTS = {
    wrong_hash: (422, "attachment.hash is not the SHA-1 of the bytes sent"),
    wrong_size: (422, "attachment.size 79 differs from the"),
    another_subject: (422, "every resource of one submission must name the same patient"),
    no_submission_set: (422, "exactly one SubmissionSet"),
    unknown_relation: (422, f"relatesTo.target {UNKNOWN_DOCUMENT} is not a document of this record"),
    unknown_ins: (404, "no such patient"),
}
BUNDLE_ONLY = {another_subject, no_submission_set}
TABLE = [
    (name, variant, *answer)
    for name in (SUBMISSION, REPLACEMENT, PUBLICATION, PDSM)
    for variant, answer in VARIANTS.items()
    if name in (SUBMISSION, REPLACEMENT) or variant not in BUNDLE_ONLY
]


def published(name, api, alice, bob):
    """The example as the other tests deposit it: the replacement after the document it replaces; the PDSm
    example with the true size and hash of its 11 bytes (its own are placeholders, refused as published)."""
    if name == REPLACEMENT:
        first = deposit(api, load(SUBMISSION, alice, bob))
        return load(REPLACEMENT, alice, bob, **{"doc-x-id": first["entry"][1]["response"]["location"][18:]})
    if name == PDSM:
        sent = example(PDSM, alice)
        _attachment(sent)["size"], _attachment(sent)["hash"] = (
            11,
            base64.b64encode(
                hashlib.sha1(b"Hello World").digest()  # noqa: S324 - FHIR's attachment hash is SHA-1
            ).decode(),
        )
        return sent
    return load(name, alice, bob)


@pytest.mark.parametrize(
    ("name", "variant", "status", "words"), TABLE, ids=[f"{t[0][:12]}-{t[1].__name__}" for t in TABLE]
)
def test_a_broken_published_example_is_refused_naming_the_problem(
    as_pro, alice, bob, name, variant, status, words
):
    api = as_pro(bob)
    sent = published(name, api, alice, bob)
    variant(sent, {"zoe": factories.make_patient("Zoé", "Autre")})
    counts = (Document.objects.count(), SubmissionSet.objects.count())
    response = api.post("" if sent["resourceType"] == "Bundle" else "DocumentReference", sent)
    assert response.status_code == status, response.content
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome" and words in outcome["issue"][0]["diagnostics"]
    assert (Document.objects.count(), SubmissionSet.objects.count()) == counts
