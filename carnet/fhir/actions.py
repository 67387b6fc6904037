"""The writes of the FHIR API: ITI-65 submissions, ITI-105 publication, health-profile creates, and patient
apps' revocation. The FHIR layer maps: the records' own actions decide and journal each document (one
access, one journal line); a decision is asked here only where no records action runs (a replayed
submission, a conditional create answered by the document already there)."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.models import Grant as AuthorizationCode

from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied, Decision
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.fhir import mapping, profile
from carnet.fhir.mhd import Submission, replaced_ids
from carnet.fhir.models import StoredResource, SubmissionSet
from carnet.fhir.outcome import FhirError
from carnet.journal.actions import record
from carnet.records import actions, queries
from carnet.records import profile as record_profile
from carnet.records.models import Document
from carnet.vault import actions as vault


def provide_bundle(actor: Actor, submission: Submission) -> dict:
    """ITI-65: every document of the submission, or none; a replay of the same submission changes nothing
    and says so. Blobs written before a refusal are discarded with the rolled-back rows."""
    written: list[Document] = []
    try:
        return _provide(actor, submission, written)
    except Exception:
        for document in written:
            if not Document.objects.filter(pk=document.pk).exists():
                vault.discard(document.blob_ref)
        raise


@atomic_action
def _provide(actor: Actor, submission: Submission, written: list) -> dict:
    earlier = SubmissionSet.objects.filter(
        patient=submission.patient, identifier=submission.key, professional=actor.professional
    ).first()
    if earlier is not None and earlier.response:  # no records action runs: the one decision is asked here
        authorize(actor, P.RECORD_DOCUMENT_DEPOSIT, submission.patient, detail={"fhir": "ITI-65 replay"})
        return _replayed(earlier.response)
    locations: dict[int, str] = {}
    for provided in submission.documents:
        document = _deposit(actor, submission.patient, provided.resource, provided.content)
        written.append(document)
        locations[provided.index] = f"DocumentReference/{document.pk}"
        if provided.binary_index is not None:
            locations[provided.binary_index] = f"Binary/{document.pk}"
    for old_id, index in submission.superseded.items():
        locations[index] = f"DocumentReference/{old_id}"
    submission_set = SubmissionSet.objects.create(
        patient=submission.patient,
        identifier=submission.key,
        professional=actor.professional,
        body=_without_local_id(submission.list_resource),
    )
    submission_set.documents.set(written)
    locations[submission.list_index] = f"List/{submission_set.pk}"
    response = _transaction_response(submission, locations)
    submission_set.response = response
    submission_set.save(update_fields=["response"])
    return response


def _deposit(actor: Actor, patient, resource: dict, content: bytes) -> Document:
    meta = mapping.document_metadata(resource)
    _check_relations(actor, patient, resource)
    old = _replaced(patient, resource)
    if old is not None:
        try:
            document = actions.replace_document(actor, old, content, meta)  # decides on the replaced one
        except AccessDenied as denied:
            raise _not_in_record(f"DocumentReference/{old.pk}", denied) from None
        if document.pk == old.pk:  # said after the decision, so that it tells nothing to who may not replace
            raise FhirError(  # the transaction rolls back: the replaced document stays current
                422, "business-rule", "a replacement needs its own masterIdentifier, not the replaced one's"
            )
    else:
        document = actions.deposit_document(actor, patient, content, meta)
    if not StoredResource.objects.filter(document=document).exists():
        StoredResource.objects.create(document=document, body=_without_local_id(resource))
    return document


def _not_in_record(reference: str, hidden=None) -> FhirError:
    """The same answer whether the target does not exist or the actor may not know of it."""
    error = FhirError(422, "invalid", f"relatesTo.target {reference} is not a document of this record")
    error.journal_entry = getattr(hidden, "journal_entry", None)  # the refusal outlives the rollback
    return error


def _check_relations(actor: Actor, patient, resource: dict) -> None:
    """A relation other than ``replaces`` (appends, transforms, signs) must name a document the actor sees:
    that read is decided and journaled; a replacement is decided by the records' replace action."""
    for relation in resource.get("relatesTo") or []:
        if relation.get("code") == "replaces":
            continue
        target = ((relation.get("target") or {}).get("reference") or "").rpartition("/")[2]
        try:
            found = queries.get_document(actor, mapping.uuid_or_404(target))
        except (Http404, FhirError) as hidden:
            raise _not_in_record(f"DocumentReference/{target}", hidden) from None
        if found.patient_id != patient.pk:
            raise _not_in_record(f"DocumentReference/{target}")


def _replaced(patient, resource: dict) -> Document | None:
    """The document a replacement supersedes, looked up only (the replace action decides)."""
    ids = replaced_ids(resource)
    if not ids:
        return None
    found = Document.objects.filter(pk=mapping.uuid_or_none(ids[0]), patient=patient).first()
    if found is None:
        raise _not_in_record(f"DocumentReference/{ids[0]}")
    return found


def _without_local_id(resource: dict) -> dict:
    """What is stored of the producer's resource: everything but its local id and inline bytes (the content
    lives encrypted in the vault only)."""
    body = {key: value for key, value in resource.items() if key != "id"}
    if body.get("content"):
        body["content"] = [
            item | {"attachment": {k: v for k, v in (item.get("attachment") or {}).items() if k != "data"}}
            for item in body["content"]
        ]
    return body


def _transaction_response(submission: Submission, locations: dict[int, str]) -> dict:
    """One response per request entry, in the order of the request (FHIR's transaction-response)."""
    now = timezone.now().isoformat()
    entries = []
    for index, entry in enumerate(submission.entries):
        status = "200 OK" if entry["request"]["method"] == "PATCH" else "201 Created"
        entries.append({"response": {"status": status, "location": locations[index], "lastModified": now}})
    return {"resourceType": "Bundle", "type": "transaction-response", "timestamp": now, "entry": entries}


def _replayed(response: dict) -> dict:
    note = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "information",
                "code": "duplicate",
                "diagnostics": "this submission was already recorded: nothing was changed",
            }
        ],
    }
    entries = [
        {"response": entry["response"] | {"status": "200 OK", "outcome": note}} for entry in response["entry"]
    ]
    return response | {"timestamp": timezone.now().isoformat(), "entry": entries}


def publish(actor: Actor, resource: dict, content: bytes, if_none_exist: str = "") -> tuple[Document, bool]:
    """ITI-105 (one DocumentReference with its bytes); with ``If-None-Exist: identifier=...`` a document the
    actor already sees under that unique id is answered instead of a second one."""
    subject = resource.get("subject") or {}
    patient = mapping.resolve_patient(subject.get("reference", ""), subject.get("identifier") or "")
    return _publish(actor, patient, resource, content, if_none_exist)


@atomic_action
def _publish(actor: Actor, patient, resource: dict, content: bytes, if_none_exist: str):
    found = mapping.conditional_match(actor, patient, if_none_exist) if if_none_exist else None
    if found is not None:  # answered by the document already there: no records action runs
        authorize(actor, P.RECORD_DOCUMENT_DEPOSIT, patient, detail={"fhir": "ITI-105 If-None-Exist"})
        return found, False
    return _deposit(actor, patient, resource, content), True


@atomic_action
def create_profile_entry(actor: Actor, patient, resource: dict):
    """A health-profile line from a FHIR resource; the resource itself is kept, codings and all."""
    authorize(actor, P.RECORD_PROFILE_WRITE, patient, detail={"fhir": resource["resourceType"]})
    entry = record_profile.add_profile_entry(actor, patient, **profile.entry_fields(resource))
    StoredResource.objects.create(profile_entry=entry, body=_without_local_id(resource))
    return entry


def connected_apps(actor: Actor) -> list[Application]:
    ids = AccessToken.objects.filter(user=actor.user).values_list("application_id", flat=True)
    return list(Application.objects.filter(pk__in=ids, software__isnull=True).distinct())


@transaction.atomic
def revoke_app(actor: Actor, application_id: int) -> int:
    """Every token the app holds for this person is revoked at once."""
    RefreshToken.objects.filter(user=actor.user, application_id=application_id).delete()
    AuthorizationCode.objects.filter(user=actor.user, application_id=application_id).delete()
    removed, _ = AccessToken.objects.filter(user=actor.user, application_id=application_id).delete()
    record(
        actor,
        "access:app:revoke",
        Decision(True, "revoked", "patient-choice"),
        patient=actor.patient,
        resource_type="Application",
        resource_id=application_id,
    )
    return removed
