"""The writes of the FHIR API: ITI-65 submissions, ITI-105 publication, health-profile creates, and patient
apps' revocation. Each opens with the policy's decision and runs in one transaction; the records' own
actions then decide each document again, and one access stays one journal line: the front door's
decision is journaled only when no records action journals the same access (``journal_unless_repeated``:
a replayed submission, a conditional create answered by the document already there)."""

from contextvars import ContextVar
from functools import wraps
from urllib.parse import parse_qs

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken, clear_expired
from oauth2_provider.models import Grant as AuthorizationCode

from carnet.access.actor import SYSTEM, Actor
from carnet.access.decision import AccessDenied
from carnet.access.gate import atomic_action, authorize, covered_by_change
from carnet.access.permissions import Permission as P
from carnet.fhir import ids, mapping, profile, search
from carnet.fhir.mhd import FolderEntry, Submission, replaced_ids
from carnet.fhir.models import Folder, RedeemedCode, StoredResource, SubmissionSet
from carnet.fhir.outcome import FhirError
from carnet.records import actions, queries
from carnet.records import profile as record_profile
from carnet.records.errors import RecordError
from carnet.records.models import Document
from carnet.vault import actions as vault

# The blobs deposited by the action running in this context (the vault has no transaction of its own).
_WRITTEN: ContextVar[list[Document] | None] = ContextVar("fhir_written", default=None)


def _discarding_blobs(action):
    """Around an action that deposits several documents in one transaction: when it rolls back, the blobs
    written for rows that no longer exist are discarded."""

    @wraps(action)
    def wrapper(*args, **kwargs):
        written: list[Document] = []
        token = _WRITTEN.set(written)
        try:
            return action(*args, **kwargs)
        except Exception:
            for document in written:
                if not Document.objects.filter(pk=document.pk).exists():
                    vault.discard(document.blob_ref)
            raise
        finally:
            _WRITTEN.reset(token)

    return wrapper


@_discarding_blobs
@atomic_action
def provide_bundle(actor: Actor, submission: Submission) -> dict:
    """ITI-65: every document of the submission, or none; a replay of the same submission changes nothing
    and says so. Blobs written before a refusal are discarded with the rolled-back rows."""
    authorize(
        actor,
        P.RECORD_DOCUMENT_DEPOSIT,
        submission.patient,
        detail={"fhir": "ITI-65"},
        journal_unless_repeated=True,
    )
    written: list[Document] = []
    earlier = SubmissionSet.objects.filter(
        patient=submission.patient, identifier=submission.key, professional=actor.professional
    ).first()
    if earlier is not None and earlier.response:
        return _replayed(earlier.response)
    locations: dict[int, str] = {}
    created: dict[int, Document] = {}
    for provided in submission.documents:
        document = _deposit(actor, submission.patient, provided.resource, provided.content)
        written.append(document)
        created[provided.index] = document
        locations[provided.index] = f"DocumentReference/{document.pk}"
        if provided.binary_index is not None:
            locations[provided.binary_index] = f"Binary/{document.pk}"
    for old_id, index in submission.superseded.items():
        locations[index] = f"DocumentReference/{old_id}"
    updated: set[int] = set()
    for entry in submission.folders:
        folder, was_there = _file_in_folder(actor, submission.patient, entry, created)
        locations[entry.index] = f"List/folder-{folder.pk}"
        if was_there:
            updated.add(entry.index)
    submission_set = SubmissionSet.objects.create(
        patient=submission.patient,
        identifier=submission.key,
        professional=actor.professional,
        body=_without_local_id(submission.list_resource),
    )
    submission_set.documents.set(written, through_defaults={"patient": submission.patient})
    locations[submission.list_index] = f"List/{submission_set.pk}"
    response = _transaction_response(submission, locations, updated)
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
    kept = _WRITTEN.get()
    if kept is not None:
        kept.append(document)
    if not StoredResource.objects.filter(document=document).exists():
        StoredResource.objects.create(document=document, patient=patient, body=_without_local_id(resource))
    return document


def _file_in_folder(
    actor: Actor, patient, entry: FolderEntry, created: dict[int, Document]
) -> tuple[Folder, bool]:
    """The Folder created, or found and given the new entries (a Folder never loses a document here: one
    the actor does not see stays in it). Record documents named must be ones the actor sees."""
    folder = _existing_folder(patient, entry)
    was_there = folder is not None
    if folder is None:
        folder = Folder(patient=patient, unique_id=entry.unique_id)
    folder.title = entry.resource.get("title") or folder.title
    folder.body = {k: v for k, v in _without_local_id(entry.resource).items() if k != "entry"}
    folder.save()
    documents = [created[index] for index in entry.new_documents]
    for target in entry.existing_documents:
        documents.append(_folder_document(actor, patient, target, entry.index))
    folder.documents.add(*documents, through_defaults={"patient": patient})
    return folder, was_there


def _existing_folder(patient, entry: FolderEntry) -> Folder | None:
    """The Folder an entry updates: by id (``PUT List/folder-N``) or by its uniqueId; a POST creates one."""
    path, _, condition = entry.url.partition("?")
    target = path.rpartition("/")[2] if "/" in path else ""
    unique_id = parse_qs(condition).get("identifier", [""])[0].rpartition("|")[2] or entry.unique_id
    if target:
        number = ids.number(target.removeprefix("folder-"))
        found = Folder.objects.filter(pk=number, patient=patient).first() if number is not None else None
        if found is None:
            raise FhirError(
                422, "invalid", f"Bundle.entry[{entry.index}]: List/{target} is not a Folder of this record"
            )
        return found
    found = Folder.objects.filter(unique_id=unique_id).first()
    if found is not None and found.patient_id != patient.pk:
        raise FhirError(
            422,
            "business-rule",
            f"Bundle.entry[{entry.index}]: the Folder uniqueId {unique_id} is already taken",
        )
    if found is not None and entry.method == "POST":
        raise FhirError(
            422,
            "duplicate",
            f"Bundle.entry[{entry.index}]: a Folder with uniqueId {unique_id} exists; add to it with PUT",
        )
    return found


def _folder_document(actor: Actor, patient, target: str, index: int) -> Document:
    """A record document a Folder entry names: one the actor sees in this record (the read is decided)."""
    try:
        found = queries.get_document(actor, mapping.uuid_or_404(target))
    except (Http404, FhirError) as hidden:
        raise _not_in_folder(index, target, hidden) from None
    if found.patient_id != patient.pk:
        raise _not_in_folder(index, target)
    return found


def _not_in_folder(index: int, target: str, hidden=None) -> FhirError:
    error = FhirError(
        422,
        "invalid",
        f"Bundle.entry[{index}]: Folder entry DocumentReference/{target} is not a document of this record",
    )
    error.journal_entry = getattr(hidden, "journal_entry", None)
    return error


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


def _transaction_response(submission: Submission, locations: dict[int, str], updated: set[int]) -> dict:
    """One response per request entry, in the order of the request (FHIR's transaction-response)."""
    now = timezone.now().isoformat()
    entries = []
    for index, entry in enumerate(submission.entries):
        status = "200 OK" if entry["request"]["method"] == "PATCH" or index in updated else "201 Created"
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


@_discarding_blobs
@atomic_action
def publish(actor: Actor, resource: dict, content: bytes, if_none_exist: str = "") -> tuple[Document, bool]:
    """ITI-105 (one DocumentReference with its bytes); with ``If-None-Exist: identifier=...`` a document the
    actor already sees under that unique id is answered instead of a second one."""
    subject = resource.get("subject") or {}
    patient = mapping.resolve_patient(subject.get("reference", ""), subject.get("identifier") or "")
    authorize(
        actor, P.RECORD_DOCUMENT_DEPOSIT, patient, detail={"fhir": "ITI-105"}, journal_unless_repeated=True
    )
    if if_none_exist:
        found = mapping.conditional_match(actor, patient, if_none_exist)
        if found is not None:
            return found, False
    return _deposit(actor, patient, resource, content), True


@atomic_action
def patch_document(actor: Actor, document_id: str, body, content_type: str, if_match: str = "") -> Document:
    """A PATCH of a DocumentReference is one access, one journal line: the read that finds the document is
    decided, and journaled only when no change follows (a refusal at once; a stale If-Match or a PATCH that
    changes nothing as the read it was, after the rollback); a change is journaled by its records action."""
    document = Document.objects.select_related("patient").filter(pk=mapping.uuid_or_none(document_id)).first()
    if document is None:
        raise FhirError(404, "not-found", "no such resource")
    decision = authorize(actor, P.RECORD_DOCUMENT_READ, document, hide=True, journal_unless_repeated=True)
    try:
        search.check_version(document, if_match)
        changed = search.apply_patch(actor, document, search.patched(actor, document, body, content_type))
    except (FhirError, RecordError) as error:
        if getattr(error, "journal_entry", None) is None:
            entry = {"patient": document.patient, "resource_type": "Document", "resource_id": document.pk}
            error.journal_entry = (actor, P.RECORD_DOCUMENT_READ, decision, entry | {"detail": None})  # type: ignore[union-attr]
        raise
    covered_by_change(actor, P.RECORD_DOCUMENT_READ, document.patient)  # the change's line says it all
    return changed


@atomic_action
def create_profile_entry(actor: Actor, patient, resource: dict):
    """A health-profile line from a FHIR resource; the resource itself is kept, codings and all."""
    authorize(
        actor,
        P.RECORD_PROFILE_WRITE,
        patient,
        detail={"fhir": resource["resourceType"]},
        journal_unless_repeated=True,
    )
    entry = record_profile.add_profile_entry(actor, patient, **profile.entry_fields(resource))
    StoredResource.objects.create(profile_entry=entry, patient=patient, body=_without_local_id(resource))
    return entry


@atomic_action
def revoke_app(actor: Actor, application_id: int) -> int:
    """Every token the app holds for this person is revoked at once."""
    authorize(actor, P.ACCESS_APP_REVOKE, actor.patient, detail={"app": application_id})
    RefreshToken.objects.filter(user=actor.user, application_id=application_id).delete()
    AuthorizationCode.objects.filter(user=actor.user, application_id=application_id).delete()
    removed, _ = AccessToken.objects.filter(user=actor.user, application_id=application_id).delete()
    return removed


def clear_expired_tokens(actor: Actor = SYSTEM) -> int:
    """The apps' expired access tokens, ID tokens and authorization codes (django-oauth-toolkit's own
    clean-up, in batches), the revoked refresh tokens of families with no live member left (reuse detection
    needs a revoked token only while its family lives), then the redeemed codes no live token is left of:
    their count is returned."""
    authorize(actor, P.ACCOUNT_EXPIRED_CLEAR, None, detail={"what": "app tokens"})
    clear_expired()
    live = RefreshToken.objects.filter(revoked__isnull=True, token_family__isnull=False).values(
        "token_family"
    )
    RefreshToken.objects.filter(revoked__isnull=False).exclude(token_family__in=live).delete()
    spent = RedeemedCode.objects.filter(
        Q(access_token__isnull=True) | Q(access_token__expires__lt=timezone.now())
    ).exclude(token_family__in=live)
    deleted, _rows = spent.delete()
    return deleted


@atomic_action
def revoke_tokens_of_replayed_code(code_digest: str, application: Application, actor: Actor = SYSTEM) -> int:
    """A code presented again after its exchange: every token its exchange obtained is revoked (the access
    token, and the refresh tokens of its family, rotated or not). Nothing to do for a code never exchanged."""
    redeemed = list(
        RedeemedCode.objects.select_related("user").filter(code_digest=code_digest, application=application)
    )
    if not redeemed:
        return 0
    authorize(
        actor,
        P.ACCESS_APP_TOKENS_REVOKE,
        getattr(redeemed[0].user, "patient", None),
        detail={"application": application.pk, "reason": "authorization code replayed"},
    )
    now = timezone.now()
    for row in redeemed:
        RefreshToken.revoke_family(row.token_family)  # and their access tokens
        RefreshToken.objects.filter(access_token_id=row.access_token_id).update(revoked=now, updated=now)
    removed, _ = AccessToken.objects.filter(pk__in=[row.access_token_id for row in redeemed]).delete()
    RedeemedCode.objects.filter(pk__in=[row.pk for row in redeemed]).delete()
    return removed
