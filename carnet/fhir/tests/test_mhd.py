"""IHE MHD over HTTP: provide (ITI-65), find (ITI-67), retrieve (ITI-68), replace, withdraw, mask."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from carnet.access.actions import block_professional, declare_consent
from carnet.fhir.tests.conftest import PDF, Fhir, document_bundle
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, pro

pytestmark = pytest.mark.django_db


def test_metadata_is_a_valid_capability_statement(client):
    response = client.get("/fhir/metadata")
    assert response["Content-Type"] == "application/fhir+json"
    statement = CapabilityStatement.model_validate(response.json())
    kinds = {r.type for r in statement.rest[0].resource}
    assert {"DocumentReference", "Binary", "Patient", "AuditEvent", "Consent"} <= kinds


def test_provide_bundle_deposits_all_documents(as_pro, alice, bob):
    api = as_pro(bob)
    response = api.post(
        "",
        document_bundle(
            alice,
            ("urn:oid:1.2.3.1", "11488-4", PDF),
            ("urn:oid:1.2.3.2", "57833-6", sample_pdf("Ordonnance")),
        ),
    )
    assert response.status_code == 200, response.content
    Bundle.model_validate(response.json())
    locations = [e["response"]["location"].split("/")[0] for e in response.json()["entry"]]
    assert locations == ["List", "DocumentReference", "Binary", "DocumentReference", "Binary"]
    assert Document.objects.filter(patient=alice, author=bob).count() == 2


def test_provide_bundle_is_idempotent(as_pro, alice, bob):
    bundle = document_bundle(alice, ("urn:oid:1.2.3.9", "11488-4", PDF))
    api = as_pro(bob)
    first = api.post("", bundle).json()["entry"][1]["response"]["location"]
    second = api.post("", bundle).json()["entry"][1]["response"]["location"]
    assert first == second and Document.objects.count() == 1


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        (("urn:oid:1.2.3.5", "99999-9", PDF), 422),  # unknown type
        (("urn:oid:1.2.3.6", "11502-2", b"MZ\x90 not a pdf"), 415),  # content contradicts its type
    ],
)
def test_provide_bundle_is_atomic(as_pro, alice, bob, bad, status):
    response = as_pro(bob).post("", document_bundle(alice, ("urn:oid:1.2.3.4", "11488-4", PDF), bad))
    assert response.status_code == status
    assert (
        response.json()["resourceType"] == "OperationOutcome" and response.json()["issue"][0]["diagnostics"]
    )
    assert Document.objects.count() == 0
    from carnet.notify.models import OutboxMessage

    assert not OutboxMessage.objects.exists()  # the first document's notice went with the rollback


def test_same_unique_id_other_content_is_a_conflict(as_pro, alice, bob):
    api = as_pro(bob)
    api.post("", document_bundle(alice, ("urn:oid:1.2.3.7", "11488-4", PDF)))
    response = api.post("", document_bundle(alice, ("urn:oid:1.2.3.7", "11488-4", sample_pdf("autre"))))
    assert response.status_code == 409


def test_find_with_every_parameter_and_paging(as_pro, alice, bob):
    api = as_pro(bob)
    api.post(
        "",
        document_bundle(
            alice,
            *[
                (f"urn:oid:9.{n}", "57833-6" if n % 2 else "11488-4", sample_pdf(f"doc {n}"))
                for n in range(5)
            ],
        ),
    )
    page = api.get("DocumentReference", patient=alice.pk, status="current", _count=2).json()
    assert page["total"] == 5 and len(page["entry"]) == 2
    assert any(link["relation"] == "next" for link in page["link"])
    assert api.get("DocumentReference", patient=alice.pk, _count=2, _offset=4).json()["entry"][0]
    assert (
        api.get("DocumentReference", patient=alice.pk, type="http://loinc.org|57833-6").json()["total"] == 2
    )
    assert api.get("DocumentReference", patient=alice.pk, category="42").json()["total"] == 2
    assert api.get("DocumentReference", patient=alice.pk, date="ge2026-11-01").json()["total"] == 5
    assert api.get("DocumentReference", patient=alice.pk, date="lt2026-01-01").json()["total"] == 0
    assert (
        api.get("DocumentReference", patient=alice.pk, author=f"Practitioner/{bob.pk}").json()["total"] == 5
    )
    identifier = f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}"
    assert api.get("DocumentReference", **{"patient.identifier": identifier}).json()["total"] == 5
    assert api.get("DocumentReference", patient=alice.pk, status="current", setting="x").json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"patient": "999999"}, 404),
        ({"patient": "1", "date": "nope"}, 400),
        ({"patient": "1", "status": "weird"}, 400),
    ],
)
def test_bad_searches(as_pro, alice, bob, params, status):
    params = {k: (alice.pk if v == "1" else v) for k, v in params.items()}
    response = as_pro(bob).get("DocumentReference", **params)
    assert response.status_code == status and response.json()["resourceType"] == "OperationOutcome"


def test_retrieve_binary_with_its_content_type(as_pro, alice, bob):
    api = as_pro(bob)
    location = api.post("", document_bundle(alice, ("urn:oid:7", "11488-4", PDF))).json()["entry"][1][
        "response"
    ]
    document_id = location["location"].split("/")[1]
    binary = api.get(f"Binary/{document_id}")
    assert binary["Content-Type"] == "application/pdf" and binary.content == PDF
    reference = api.get(f"DocumentReference/{document_id}").json()
    assert reference["content"][0]["attachment"]["url"] == f"Binary/{document_id}"
    assert reference["securityLabel"][0]["coding"][0]["code"] == "N"


def test_masked_and_private_documents_look_not_found(as_pro, alice, bob, charlie):
    from carnet.records import actions
    from carnet.records.tests.helpers import meta

    declare_consent(pro(charlie), alice)
    masked = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    actions.set_document_visibility(me(alice), masked, "masked")
    private = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    actions.set_document_visibility(me(alice), private, "private")
    api = as_pro(charlie)
    for document in (masked, private):
        assert api.get(f"Binary/{document.pk}").status_code == 404
        assert api.get(f"DocumentReference/{document.pk}").status_code == 404
    assert api.get("DocumentReference", patient=alice.pk).json()["total"] == 0


def test_replace_and_withdraw(as_pro, alice, bob, dave):
    api = as_pro(bob)
    old_id = (
        api.post("", document_bundle(alice, ("urn:oid:8", "11488-4", PDF)))
        .json()["entry"][1]["response"]["location"]
        .split("/")[1]
    )
    bundle = document_bundle(alice, ("urn:oid:8.2", "11488-4", sample_pdf("v2")))
    bundle["entry"][1]["resource"]["relatesTo"] = [
        {"code": "replaces", "target": {"reference": f"DocumentReference/{old_id}"}}
    ]
    assert api.post("", bundle).status_code == 200
    assert Document.objects.get(pk=old_id).status == "superseded"
    new = Document.objects.get(unique_id="urn:oid:8.2")
    assert (
        as_pro(dave).patch(f"DocumentReference/{new.pk}", {"status": "entered-in-error"}).status_code == 404
    )
    assert api.patch(f"DocumentReference/{new.pk}", {"status": "entered-in-error"}).json()["status"] == (
        "entered-in-error"
    )


def test_simplified_publish(as_pro, alice, bob):
    import base64

    body = document_bundle(alice, ("urn:oid:10", "11488-4", PDF))["entry"][1]["resource"]
    body["content"][0]["attachment"] = {
        "contentType": "application/pdf",
        "data": base64.b64encode(PDF).decode(),
    }
    response = as_pro(bob).post("DocumentReference", body)
    assert response.status_code == 201 and response["Location"].startswith("DocumentReference/")


def test_authorisation_failures(as_pro, software, alice, bob, dave):
    assert Fhir().get("DocumentReference", patient=alice.pk).status_code == 401
    assert Fhir("forged-token").get("DocumentReference", patient=alice.pk).status_code == 401
    stranger = as_pro(dave)
    assert stranger.get("DocumentReference", patient=alice.pk).json()["total"] == 0  # sees nothing
    assert stranger.get("AllergyIntolerance", patient=alice.pk).status_code == 403
    api = as_pro(bob)
    block_professional(me(alice), alice, bob)
    assert api.get("DocumentReference", patient=alice.pk).json()["total"] == 0
    assert api.post("", document_bundle(alice, ("urn:oid:11", "11488-4", PDF))).status_code == 403


def test_expired_token_is_refused(as_pro, alice, bob):
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    api = as_pro(bob)
    AccessToken.objects.update(expires=timezone.now())
    assert api.get("DocumentReference", patient=alice.pk).status_code == 401


def test_wrong_media_type_and_bad_json(as_pro, alice, bob):
    api = as_pro(bob)
    assert api.post("", {"resourceType": "Bundle"}, content_type="text/plain").status_code == 415
    response = api.client.post("/fhir", b"{not json", content_type="application/fhir+json", **api.headers)
    assert response.status_code == 400
    assert api.post("", {"resourceType": "Bundle", "type": "nonsense"}).status_code == 422
    assert api.post("", {"resourceType": "Bundle", "type": "transaction", "entry": "x"}).status_code == 400


def test_list_search_shows_submission_sets_with_visible_documents_only(as_pro, alice, bob, charlie):
    from fhir.resources.R4B.list import List

    api = as_pro(bob)
    api.post("", document_bundle(alice, ("urn:oid:66.1", "57833-6", PDF), ("urn:oid:66.2", "11488-4", PDF)))
    lists = api.get("List", patient=alice.pk, code="submissionset").json()
    assert lists["total"] == 1 and len(lists["entry"][0]["resource"]["entry"]) == 2
    List.model_validate(lists["entry"][0]["resource"])
    declare_consent(pro(charlie), alice)
    pharmacist = as_pro(charlie).get("List", patient=alice.pk).json()
    assert (
        len(pharmacist["entry"][0]["resource"]["entry"]) == 1
    )  # the consultation report is not for pharmacists
    assert as_pro(charlie).get("List", patient=alice.pk, code="folder").json()["total"] == 0
    assert as_pro(charlie).get("List", patient=alice.pk, code="workflow").status_code == 400
