"""MHD Folders through ITI-65 and ITI-66: IHE's published Folder examples create a Folder or add documents to
one (by uniqueId, by id, by a conditional URL); the Folders of a record are listed with the documents the
caller may see only; a Folder about another patient, an entry naming an unknown document, a second Folder
under a taken uniqueId are refused with an OperationOutcome naming the problem, and leave nothing behind."""

import uuid

import pytest
from fhir.resources.R4B.list import List

from carnet import factories
from carnet.access.actions import declare_consent
from carnet.fhir.models import Folder, SubmissionSet
from carnet.fhir.tests.conftest import PDF, document_bundle
from carnet.fhir.tests.test_ihe_examples import example
from carnet.fhir.tests.test_published_examples import SUBMISSION, load
from carnet.records import actions
from carnet.records.models import Document
from carnet.records.tests.helpers import me, meta, pro

pytestmark = pytest.mark.django_db
COMPLETE = "ihe-Bundle-ex-comprehensiveProvideDocumentBundleComplete.json"
ADD_TO_FOLDER = "ihe-Bundle-ex-ProvideDocumentBundle-addToFolder.json"
EARLIER = "DocumentReference/ex-DocumentReferenceComprehensive"


def complete(api, alice, bob, name=COMPLETE):
    """An IHE Folder example, after the document its DocumentReference appends to (the DMP submission)."""
    earlier = posted(api, load(SUBMISSION, alice, bob))["entry"][1]["response"]["location"]
    return example(name, alice, **{EARLIER: earlier}), earlier


def folders(api, patient):
    return [e["resource"] for e in api.get("List", patient=patient.pk, code="folder").json().get("entry", [])]


def posted(api, bundle, status=200):
    response = api.post("", bundle)
    assert response.status_code == status, response.content
    return response.json()


def with_folder(bundle, folder_entry):
    """``bundle`` (conftest's document_bundle) with a Folder entry naming its first document."""
    bundle["entry"].append(folder_entry)
    return bundle


def folder_entry(patient, unique_id, references, method="PUT", url="List", title="Suivi diabète"):
    return {
        "fullUrl": "urn:uuid:" + str(uuid.uuid4()),
        "resource": {
            "resourceType": "List",
            "status": "current",
            "mode": "working",
            "title": title,
            "code": {
                "coding": [
                    {"system": "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes", "code": "folder"}
                ]
            },
            "identifier": [{"system": "urn:ietf:rfc:3986", "value": unique_id, "use": "usual"}],
            "subject": {"reference": f"Patient/{patient.pk}"},
            "entry": [{"item": {"reference": reference}} for reference in references],
        },
        "request": {"method": method, "url": url},
    }


def test_the_complete_example_creates_its_folder_read_back_as_sent(as_pro, alice, bob):
    api = as_pro(bob)
    bundle, _ = complete(api, alice, bob)
    answer = posted(api, bundle)
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 4
    document, folder_location = (answer["entry"][i]["response"]["location"] for i in (1, 2))
    [served] = folders(api, alice)
    assert folder_location == f"List/{served['id']}" and served["entry"] == [
        {"item": {"reference": document}}
    ]
    sent = bundle["entry"][2]["resource"]
    for key in ("title", "extension", "identifier", "code", "note", "date", "meta", "status", "mode"):
        assert served[key] == sent[key], key
    assert api.get(folder_location).json() == served
    List.model_validate(served)


def test_add_to_folder_files_the_new_and_an_earlier_document(as_pro, alice, bob):
    api = as_pro(bob)
    bundle, earlier = complete(api, alice, bob, ADD_TO_FOLDER)
    answer = posted(api, bundle)
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 4  # a PUT that creates
    new = answer["entry"][1]["response"]["location"]
    [folder] = folders(api, alice)
    assert {e["item"]["reference"] for e in folder["entry"]} == {earlier, new}
    assert folder["extension"] == bundle["entry"][2]["resource"]["extension"]  # two designationTypes


def test_a_put_adds_to_the_existing_folder_matched_by_its_unique_id(as_pro, alice, bob):
    api = as_pro(bob)
    bundle, earlier = complete(api, alice, bob, ADD_TO_FOLDER)
    first = posted(api, bundle)
    first_doc = first["entry"][1]["response"]["location"]
    unique_id = example(ADD_TO_FOLDER, alice)["entry"][2]["resource"]["identifier"][0]["value"]
    bundle = document_bundle(alice, ("urn:oid:1.2.250.77.1", "11488-4", PDF))
    answer = posted(api, with_folder(bundle, folder_entry(alice, unique_id, [bundle["entry"][1]["fullUrl"]])))
    assert answer["entry"][3]["response"]["status"] == "200 OK"  # updated, not created
    assert answer["entry"][3]["response"]["location"] == first["entry"][2]["response"]["location"]
    [folder] = folders(api, alice)
    second_doc = answer["entry"][1]["response"]["location"]
    assert {e["item"]["reference"] for e in folder["entry"]} == {earlier, first_doc, second_doc}
    assert folder["title"] == "Suivi diabète" and Folder.objects.count() == 1


@pytest.mark.parametrize("how", ["id", "conditional"])
def test_a_put_names_the_folder_by_id_or_by_a_conditional_url(as_pro, alice, bob, how):
    api = as_pro(bob)
    created = document_bundle(alice, ("urn:oid:1.2.250.77.2", "11488-4", PDF))
    created = posted(
        api,
        with_folder(created, folder_entry(alice, "urn:oid:7.7", [created["entry"][1]["fullUrl"]], "POST")),
    )
    folder_id = created["entry"][3]["response"]["location"].split("/")[1]
    url = f"List/{folder_id}" if how == "id" else "List?identifier=urn:ietf:rfc:3986|urn:oid:7.7"
    bundle = document_bundle(alice, ("urn:oid:1.2.250.77.3", "11488-4", PDF))
    posted(
        api, with_folder(bundle, folder_entry(alice, "urn:oid:7.7", [bundle["entry"][1]["fullUrl"]], url=url))
    )
    assert len(api.get(f"List/{folder_id}").json()["entry"]) == 2


def _masked(document, alice, bob):
    actions.set_document_visibility(me(alice), document, "masked")


def _private(document, alice, bob):
    actions.set_document_visibility(me(alice), document, "private")


def _held_back(document, alice, bob):
    actions.hold_back_document(pro(bob), document, 10)


@pytest.mark.parametrize(
    ("hide", "viewer"), [(_masked, "pharmacist"), (_private, "pharmacist"), (_held_back, "patient")]
)
def test_a_folder_shows_only_the_documents_the_caller_sees(as_pro, as_app, alice, bob, charlie, hide, viewer):
    normal = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    hidden = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    hide(hidden, alice, bob)
    api = as_pro(bob)
    bundle = document_bundle(alice, ("urn:oid:1.2.250.77.4", "57833-6", PDF))
    references = [
        bundle["entry"][1]["fullUrl"],
        f"DocumentReference/{normal.pk}",
        f"DocumentReference/{hidden.pk}",
    ]
    posted(api, with_folder(bundle, folder_entry(alice, "urn:oid:7.8", references)))
    declare_consent(pro(charlie), alice)
    assert len(folders(api, alice)[0]["entry"]) == 3  # the author sees what was hidden
    caller = as_pro(charlie) if viewer == "pharmacist" else as_app(alice, ["patient/*.rs"])
    [seen] = folders(caller, alice)
    references = {e["item"]["reference"] for e in seen["entry"]}
    assert f"DocumentReference/{hidden.pk}" not in references and len(references) == 2  # not counted either
    folder_id = seen["id"]
    assert len(caller.get(f"List/{folder_id}").json()["entry"]) == 2


def test_a_folder_of_hidden_documents_only_is_not_listed(as_pro, alice, bob, charlie):
    masked = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6"))
    actions.set_document_visibility(me(alice), masked, "masked")
    bundle = document_bundle(alice, ("urn:oid:1.2.250.77.6", "57833-6", PDF))
    answer = posted(
        as_pro(bob),
        with_folder(
            bundle, folder_entry(alice, "urn:oid:7.9", [f"DocumentReference/{masked.pk}"], title="VIH")
        ),
    )
    declare_consent(pro(charlie), alice)
    pharmacist = as_pro(charlie)
    listed = pharmacist.get("List", patient=alice.pk, code="folder").json()
    assert listed["total"] == 0 and "entry" not in listed  # neither its title nor its count
    assert pharmacist.get(answer["entry"][3]["response"]["location"]).status_code == 404
    assert as_pro(bob).get(answer["entry"][3]["response"]["location"]).json()["title"] == "VIH"


def test_a_stranger_lists_no_folder(as_pro, alice, bob, dave):
    api = as_pro(bob)
    posted(api, complete(api, alice, bob)[0])
    response = as_pro(dave).get("List", patient=alice.pk, code="folder")
    assert response.status_code == 200 and response.json()["total"] == 0


def _other_patient(bundle, alice):
    zoe = factories.make_patient("Zoé", "Autre")
    bundle["entry"][3]["resource"]["subject"] = {"reference": f"Patient/{zoe.pk}"}


def _unknown_document(bundle, alice):
    bundle["entry"][3]["resource"]["entry"].append(
        {"item": {"reference": "DocumentReference/0b7f5a3c-2f37-4f1e-9f8e-000000000000"}}
    )


def _unknown_bundle_entry(bundle, alice):
    bundle["entry"][3]["resource"]["entry"] = [
        {"item": {"reference": "urn:uuid:0b7f5a3c-0000-0000-0000-000000000000"}}
    ]


def _unknown_folder_id(bundle, alice):
    bundle["entry"][3]["request"]["url"] = "List/folder-999999"


def _no_unique_id(bundle, alice):
    del bundle["entry"][3]["resource"]["identifier"]


def _hidden_document(bundle, alice):
    other = actions.deposit_document(
        pro(factories.make_professional("Yves", "Autre")), alice, PDF, meta("57833-6")
    )
    actions.set_document_visibility(me(alice), other, "private")
    bundle["entry"][3]["resource"]["entry"].append({"item": {"reference": f"DocumentReference/{other.pk}"}})


def _other_patients_document(bundle, alice):
    zoe = factories.make_patient("Zoé", "Autre")
    theirs = actions.deposit_document(
        pro(zoe.gp or factories.make_professional("Yan", "Ailleurs")), zoe, PDF, meta("57833-6")
    )
    bundle["entry"][3]["resource"]["entry"].append({"item": {"reference": f"DocumentReference/{theirs.pk}"}})


REFUSED = [
    (_other_patient, "the Folder is about another patient than the SubmissionSet"),
    (
        _unknown_document,
        "Folder entry DocumentReference/0b7f5a3c-2f37-4f1e-9f8e-000000000000 is not a document",
    ),
    (
        _unknown_bundle_entry,
        "Folder entry 'urn:uuid:0b7f5a3c-0000-0000-0000-000000000000' names no DocumentReference",
    ),
    (_unknown_folder_id, "List/folder-999999 is not a Folder of this record"),
    (_no_unique_id, "a Folder needs its uniqueId identifier"),
    (_hidden_document, "is not a document of this record"),
    (_other_patients_document, "is not a document of this record"),
]


@pytest.mark.parametrize(("change", "words"), REFUSED)
def test_a_folder_carnet_cannot_file_is_refused_naming_why(as_pro, alice, bob, change, words):
    bundle = document_bundle(alice, ("urn:oid:1.2.250.77.9", "11488-4", PDF))
    with_folder(bundle, folder_entry(alice, "urn:oid:7.10", [bundle["entry"][1]["fullUrl"]]))
    change(bundle, alice)
    counts = (Document.objects.count(), SubmissionSet.objects.count(), Folder.objects.count())
    response = as_pro(bob).post("", bundle)
    assert response.status_code == 422, response.content
    assert (
        response.json()["resourceType"] == "OperationOutcome"
        and words in response.json()["issue"][0]["diagnostics"]
    )
    assert (Document.objects.count(), SubmissionSet.objects.count(), Folder.objects.count()) == counts


def test_a_second_folder_under_a_taken_unique_id_is_refused(as_pro, alice, bob):
    api = as_pro(bob)
    bundle = document_bundle(alice, ("urn:oid:1.2.250.77.10", "11488-4", PDF))
    posted(
        api, with_folder(bundle, folder_entry(alice, "urn:oid:7.11", [bundle["entry"][1]["fullUrl"]], "POST"))
    )
    again = document_bundle(alice, ("urn:oid:1.2.250.77.11", "11488-4", PDF))
    answer = posted(
        api,
        with_folder(again, folder_entry(alice, "urn:oid:7.11", [again["entry"][1]["fullUrl"]], "POST")),
        422,
    )
    assert (
        "a Folder with uniqueId urn:oid:7.11 exists; add to it with PUT" in answer["issue"][0]["diagnostics"]
    )
    zoe = factories.make_patient("Zoé", "Autre")
    zoe.gp = bob
    zoe.save(update_fields=["gp"])
    theirs = document_bundle(zoe, ("urn:oid:1.2.250.77.12", "11488-4", PDF))
    answer = posted(
        api, with_folder(theirs, folder_entry(zoe, "urn:oid:7.11", [theirs["entry"][1]["fullUrl"]])), 422
    )
    assert "the Folder uniqueId urn:oid:7.11 is already taken" in answer["issue"][0]["diagnostics"]
    assert Folder.objects.count() == 1 and Folder.objects.get().documents.count() == 1
