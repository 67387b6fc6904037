"""ITI-66: the Lists of a patient, SubmissionSets and Folders, each with only the documents the caller may
see. A List whose documents are all hidden is left out (its existence, its title, are not revealed); an
empty Folder is served as such."""

from carnet.access.actor import Actor
from carnet.fhir import ids
from carnet.fhir.documents import patient_of
from carnet.fhir.mhd import LIST_TYPES
from carnet.fhir.models import Folder, SubmissionSet
from carnet.fhir.outcome import FhirError
from carnet.fhir.paging import Query, bundle_of
from carnet.records import queries

LIST_PARAMS = {"patient", "patient.identifier", "code"}
CODES = ("submissionset", "folder")


def find_lists(actor: Actor, query: Query) -> dict:
    """``code`` chooses SubmissionSets or Folders; without it both are listed (SubmissionSets first)."""
    query.check_known(LIST_PARAMS)
    patient = patient_of(actor, query)
    code = query.get("code").rpartition("|")[2]
    if code and code not in CODES:
        raise FhirError(400, "not-supported", "the Lists served are code=submissionset and code=folder")
    visible = _visible(actor, patient)
    resources = []
    if code in ("", "submissionset"):
        for submission in (
            SubmissionSet.objects.filter(patient=patient).prefetch_related("documents").order_by("-pk")
        ):
            if entries := _entries(submission, visible):
                resources.append(_list_resource(submission, entries))
    if code in ("", "folder"):
        for folder in Folder.objects.filter(patient=patient).prefetch_related("documents").order_by("-pk"):
            entries = _entries(folder, visible)
            if entries or not folder.documents.all():
                resources.append(_folder_resource(folder, entries))
    return bundle_of(query, resources, patient_id=patient.pk)


def read_list(actor: Actor, list_id: str) -> dict:
    """``List/{n}`` is a SubmissionSet, ``List/folder-{n}`` a Folder; hidden looks absent (404)."""
    model = Folder if list_id.startswith("folder-") else SubmissionSet
    number = ids.number(list_id.removeprefix("folder-"))
    found = model.objects.filter(pk=number).first() if number is not None else None
    if found is None:
        raise FhirError(404, "not-found", "no such resource")
    entries = _entries(found, _visible(actor, found.patient))
    if isinstance(found, Folder) and (entries or not found.documents.exists()):
        return _folder_resource(found, entries)
    if not entries or isinstance(found, Folder):
        raise FhirError(404, "not-found", "no such resource")
    return _list_resource(found, entries)


def _visible(actor: Actor, patient) -> set:
    """The documents the caller sees in this record (the search is decided and journaled once)."""
    return set(queries.list_documents(actor, patient, status="").values_list("pk", flat=True))


def _entries(grouping: SubmissionSet | Folder, visible: set) -> list[dict]:
    return [
        {"item": {"reference": f"DocumentReference/{d.pk}"}}
        for d in grouping.documents.all()
        if d.pk in visible
    ]


def _list_resource(submission: SubmissionSet, entries: list[dict]) -> dict:
    """The producer's SubmissionSet (MHD extensions, uniqueId) with carnet's id, subject and entries."""
    resource = dict(submission.body) or _bare("submissionset")
    return resource | {
        "id": str(submission.pk),
        "subject": {"reference": f"Patient/{submission.patient_id}"},
        "date": resource.get("date") or submission.created_at.isoformat(),
        "entry": entries,
    }


def _folder_resource(folder: Folder, entries: list[dict]) -> dict:
    """The producer's Folder (title, designationType, uniqueId, note) with carnet's id, subject, entries."""
    resource = dict(folder.body) or _bare("folder")
    resource = resource | {
        "id": f"folder-{folder.pk}",
        "subject": {"reference": f"Patient/{folder.patient_id}"},
        "date": resource.get("date") or folder.updated_at.isoformat(),
    }
    if entries:
        resource["entry"] = entries
    else:
        resource.pop("entry", None)
    return resource


def _bare(code: str) -> dict:
    return {
        "resourceType": "List",
        "status": "current",
        "mode": "working",
        "code": {"coding": [{"system": LIST_TYPES, "code": code}]},
    }
