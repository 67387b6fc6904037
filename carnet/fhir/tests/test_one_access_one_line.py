"""One access through the FHIR API is one line of the patient's journal: the records' actions and queries
decide and journal, the FHIR layer only maps (read through the patient's own journal query)."""

import pytest

from carnet.access.models import Block
from carnet.fhir.tests.conftest import PDF, document_bundle
from carnet.fhir.tests.test_published_examples import load
from carnet.journal.queries import patient_journal
from carnet.records.tests.helpers import me

pytestmark = pytest.mark.django_db


def lines_by(patient, professional):
    return patient_journal(me(patient), patient, actor_user_id=professional.user_id)


def deposited(api, alice, unique_id="urn:oid:1.2.250.1.213.1.1.9.77"):
    answer = api.post("", document_bundle(alice, (unique_id, "11488-4", PDF)))
    assert answer.status_code == 200, answer.content
    return answer.json()["entry"][1]["response"]["location"].split("/")[1]


def test_an_iti65_deposit_is_one_line(as_pro, alice, bob):
    deposited(as_pro(bob), alice)
    assert [line.action for line in lines_by(alice, bob)] == ["record:document:deposit"]


def test_an_iti68_read_is_one_line(as_pro, alice, bob):
    api = as_pro(bob)
    document_id = deposited(api, alice)
    before = len(lines_by(alice, bob))
    assert api.get(f"Binary/{document_id}").status_code == 200
    lines = lines_by(alice, bob)
    assert len(lines) == before + 1 and lines[0].action == "record:document:read" and lines[0].allowed


def test_a_search_is_one_line(as_pro, alice, bob):
    api = as_pro(bob)
    deposited(api, alice)
    before = len(lines_by(alice, bob))
    assert api.get("DocumentReference", patient=alice.pk, status="current").json()["total"] == 1
    lines = lines_by(alice, bob)
    assert len(lines) == before + 1 and lines[0].action == "record:document:search"


def test_an_iti105_publication_is_one_line(as_pro, alice, bob):
    response = as_pro(bob).post(
        "DocumentReference",
        load("ans-DocumentReference-example-td2-iti105-publication-simplifiee.json", alice, bob),
    )
    assert response.status_code == 201, response.content
    assert [line.action for line in lines_by(alice, bob)] == ["record:document:deposit"]


def test_a_refused_deposit_is_one_refused_line(as_pro, alice, dave):
    Block.objects.create(patient=alice, professional=dave)
    assert as_pro(dave).post("", document_bundle(alice, ("urn:oid:9.9", "11488-4", PDF))).status_code == 403
    lines = lines_by(alice, dave)
    assert [(line.action, line.allowed) for line in lines] == [("record:document:deposit", False)]


def test_a_replayed_submission_is_one_line_too(as_pro, alice, bob):
    api = as_pro(bob)
    bundle = document_bundle(alice, ("urn:oid:9.8", "11488-4", PDF))
    assert api.post("", bundle).status_code == 200
    assert api.post("", bundle).status_code == 200
    assert [line.action for line in lines_by(alice, bob)] == ["record:document:deposit"] * 2


def test_a_masking_patch_is_one_change_line(as_pro, as_app, alice, bob):
    document_id = deposited(as_pro(bob), alice)
    owner = as_app(alice, ["patient/DocumentReference.rs", "patient/DocumentReference.u"])
    response = owner.patch(
        f"DocumentReference/{document_id}", {"securityLabel": [{"coding": [{"code": "MASQUE_PS"}]}]}
    )
    assert response.status_code == 200, response.content
    actions = [line.action for line in patient_journal(me(alice), alice, actor_user_id=alice.user_id)]
    assert actions == ["record:document:set-visibility"]


def test_a_withdrawal_patch_is_one_change_line(as_pro, alice, bob):
    api = as_pro(bob)
    document_id = deposited(api, alice)
    before = len(lines_by(alice, bob))
    response = api.patch(f"DocumentReference/{document_id}", {"status": "entered-in-error"})
    assert response.status_code == 200, response.content
    lines = lines_by(alice, bob)
    assert len(lines) == before + 1 and lines[0].action == "record:document:delete"


def test_a_stale_patch_is_one_read_line(as_pro, as_app, alice, bob):
    document_id = deposited(as_pro(bob), alice)
    owner = as_app(alice, ["patient/DocumentReference.rs", "patient/DocumentReference.u"])
    response = owner.client.patch(
        f"/fhir/DocumentReference/{document_id}",
        '{"securityLabel": [{"coding": [{"code": "MASQUE_PS"}]}]}',
        content_type="application/fhir+json",
        HTTP_IF_MATCH='W/"99"',
        **owner.headers,
    )
    assert response.status_code == 412, response.content
    actions = [line.action for line in patient_journal(me(alice), alice, actor_user_id=alice.user_id)]
    assert actions == ["record:document:read"]


def test_a_patch_by_whom_may_not_read_is_one_refused_line(as_pro, alice, bob, dave):
    document_id = deposited(as_pro(bob), alice)
    response = as_pro(dave).patch(f"DocumentReference/{document_id}", {"status": "entered-in-error"})
    assert response.status_code == 404
    lines = lines_by(alice, dave)
    assert [(line.action, line.allowed) for line in lines] == [("record:document:read", False)]
