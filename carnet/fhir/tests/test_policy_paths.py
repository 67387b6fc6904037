"""The policy on every FHIR path that reaches a document: search, _include, read by id, _history, vread,
$everything, Binary, List (a SubmissionSet) and Folder (ITI-66 code=folder). Table: for each role, whether
the normal and the masked prescription of alice (written by bob) appear through each path ("Y" = appears,
"." = absent)."""

import pytest

from carnet.access.actions import declare_consent
from carnet.fhir.tests.conftest import PDF
from carnet.records import actions
from carnet.records.tests.helpers import me, meta, pro

pytestmark = pytest.mark.django_db
PATHS = ["search", "include", "read", "history", "vread", "everything", "binary", "list", "folder"]
#            normal   masked   (one character per path, in the order of PATHS)
TABLE = {
    "author": ("YYYYYYYYY", "YYYYYYYYY"),
    "pharmacist": ("YYYYYYYYY", "........."),
    "stranger": (".........", "........."),
    "patient-app": ("YYYYYYYYY", "YYYYYYYYY"),
}


@pytest.fixture
def record(alice, bob, charlie, as_pro, as_app):
    from carnet.fhir.models import Folder, SubmissionSet

    declare_consent(pro(charlie), alice)
    normal = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    masked = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    actions.set_document_visibility(me(alice), masked, "masked")
    submission = SubmissionSet.objects.create(patient=alice, identifier="urn:test", professional=bob)
    submission.documents.set([normal, masked], through_defaults={"patient": alice})
    Folder.objects.create(patient=alice, unique_id="urn:oid:7.1", title="Suivi").documents.set(
        [normal, masked], through_defaults={"patient": alice}
    )
    return {"normal": str(normal.pk), "masked": str(masked.pk), "list": str(submission.pk)}


def _client(role, as_pro, as_app, alice, bob, charlie, dave):
    if role == "patient-app":
        return as_app(alice, ["patient/*.rs"])
    return as_pro({"author": bob, "pharmacist": charlie, "stranger": dave}[role])


def _appears(api, path, document_id, record, alice):
    if path == "search":
        found = api.get("DocumentReference", patient=alice.pk).json()
        return document_id in {e["resource"]["id"] for e in found.get("entry", [])}
    if path == "include":
        found = api.get("DocumentReference", patient=alice.pk, _include="DocumentReference:author").json()
        return document_id in {e["resource"]["id"] for e in found.get("entry", [])}
    if path == "read":
        return api.get(f"DocumentReference/{document_id}").status_code == 200
    if path == "history":
        return api.get(f"DocumentReference/{document_id}/_history").status_code == 200
    if path == "vread":
        from carnet.fhir.mapping import version_of
        from carnet.records.models import Document

        version = version_of(Document.objects.get(pk=document_id))
        return api.get(f"DocumentReference/{document_id}/_history/{version}").status_code == 200
    if path == "everything":
        found = api.get(f"Patient/{alice.pk}/$everything").json()
        return document_id in {e["resource"]["id"] for e in found.get("entry", [])}
    if path == "binary":
        return api.get(f"Binary/{document_id}").status_code == 200
    if path == "folder":
        found = api.get("List", patient=alice.pk, code="folder").json()
        return f"DocumentReference/{document_id}" in {
            e["item"]["reference"] for f in found.get("entry", []) for e in f["resource"].get("entry", [])
        }
    listed = api.get(f"List/{record['list']}")
    return listed.status_code == 200 and f"DocumentReference/{document_id}" in {
        e["item"]["reference"] for e in listed.json()["entry"]
    }


@pytest.mark.parametrize("role", list(TABLE))
def test_every_path_obeys_the_policy(role, record, as_pro, as_app, alice, bob, charlie, dave):
    api = _client(role, as_pro, as_app, alice, bob, charlie, dave)
    seen = {
        scenario: "".join(
            "Y" if _appears(api, path, record[scenario], record, alice) else "." for path in PATHS
        )
        for scenario in ("normal", "masked")
    }
    assert (seen["normal"], seen["masked"]) == TABLE[role]
