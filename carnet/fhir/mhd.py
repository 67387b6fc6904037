"""IHE MHD ITI-65 Provide Document Bundle, read and checked before anything is written: one SubmissionSet,
DocumentReferences whose Binary matches their declared size and hash, one patient, replacements whose
superseded document is named consistently, Folders of the same patient whose entries name documents of the
bundle or of the record. What carnet does not support (other resources) is refused with an OperationOutcome
naming the entry."""

import base64
import hashlib
import json
from dataclasses import dataclass, field

from carnet.fhir import mapping
from carnet.fhir.outcome import FhirError
from carnet.fhir.validation import first_code, validate

LIST_TYPES = "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes"


@dataclass
class Provided:
    """One DocumentReference of the bundle with its content and where it sits in the bundle."""

    index: int
    resource: dict
    content: bytes
    binary_index: int | None = None


@dataclass
class FolderEntry:
    """A Folder List of the bundle: created (POST) or updated (PUT ``List/{id}``, ``List?identifier=``, or
    ``List`` matched by its uniqueId); its entries are bundle documents (their index) or record documents
    (their id)."""

    index: int
    resource: dict
    method: str
    url: str
    unique_id: str
    new_documents: list[int] = field(default_factory=list)
    existing_documents: list[str] = field(default_factory=list)


@dataclass
class Submission:
    entries: list[dict]
    list_index: int
    list_resource: dict
    documents: list[Provided] = field(default_factory=list)
    superseded: dict[str, int] = field(default_factory=dict)  # replaced document id -> PATCH entry index
    folders: list[FolderEntry] = field(default_factory=list)
    patient: object = None

    @property
    def key(self) -> str:
        """What makes a replay recognisable: the same bundle again (its canonical JSON)."""
        canonical = json.dumps(self.entries, sort_keys=True, ensure_ascii=False)
        return "urn:carnet:submission:" + hashlib.sha256(canonical.encode()).hexdigest()


def _fail(index: int, message: str, status: int = 422, code: str = "invalid") -> FhirError:
    return FhirError(status, code, f"Bundle.entry[{index}]: {message}")


def parse_bundle(body) -> Submission:
    """The checked submission, or a 400/422 naming the first problem."""
    bundle = validate(body, "Bundle")
    if bundle.get("type") != "transaction":
        raise FhirError(422, "invalid", "ITI-65 expects a Bundle of type 'transaction'")
    entries = bundle.get("entry") or []
    lists, folders, binaries, references, patches = [], [], {}, [], []
    documents: set[str] = set()  # the fullUrls of FHIR Document Bundles
    for index, entry in enumerate(entries):
        resource, request = entry.get("resource"), entry.get("request") or {}
        if resource is None or not request.get("method"):
            raise _fail(index, "every entry of a transaction needs a resource and a request")
        kind = resource["resourceType"]
        if kind == "List" and _list_code(resource) == "folder":
            folders.append((index, entry))
        elif kind == "List":
            lists.append(_list_entry(index, resource))
        elif kind == "Binary":
            binaries[entry.get("fullUrl") or f"#entry-{index}"] = (index, _binary(index, resource))
        elif kind == "DocumentReference" and request["method"] == "POST":
            references.append((index, resource))
        elif kind == "Parameters" and request["method"] == "PATCH":
            patches.append((index, request.get("url", ""), resource))
        elif kind == "Bundle" and request["method"] == "POST":
            url = entry.get("fullUrl") or f"#entry-{index}"
            binaries[url] = (index, _fhir_document(index, body["entry"][index]["resource"]))
            documents.add(url)
        elif kind == "Patient":
            raise _fail(
                index,
                "carnet does not match a Patient sent in the Bundle: name the patient as Patient/{id} or by "
                "INS (Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|<INS>)",
            )
        else:
            raise _fail(index, f"{request['method']} {kind} is not part of ITI-65 as carnet serves it")
    if len(lists) != 1:
        raise FhirError(422, "required", "an ITI-65 bundle holds exactly one SubmissionSet List")
    if not references:
        raise FhirError(422, "required", "the Bundle holds no DocumentReference")
    submission = Submission(entries, lists[0], entries[lists[0]]["resource"])
    for index, resource in references:
        submission.documents.append(_provided(index, resource, binaries, documents))
    _check_unique_ids(submission)
    _check_supersedes(submission, patches)
    _check_one_patient(submission)
    submission.folders = [_folder(index, entry, submission) for index, entry in folders]
    return submission


def _check_unique_ids(submission: Submission) -> None:
    """Each document of a submission has its own masterIdentifier (XDS uniqueId)."""
    seen: dict[str, int] = {}
    for provided in submission.documents:
        value = (provided.resource.get("masterIdentifier") or {}).get("value")
        if value in seen:
            raise _fail(
                provided.index, f"masterIdentifier {value} is already that of Bundle.entry[{seen[value]}]"
            )
        if value:
            seen[value] = provided.index


def _list_code(resource: dict) -> str:
    return first_code(resource.get("code"), LIST_TYPES) or first_code(resource.get("code"))


def _list_entry(index: int, resource: dict) -> int:
    if _list_code(resource) != "submissionset":
        raise _fail(index, "a List of an ITI-65 bundle must be the SubmissionSet (code submissionset)")
    return index


def _binary(index: int, resource: dict) -> bytes:
    try:
        return base64.b64decode(resource.get("data") or "", validate=True)
    except ValueError:
        raise _fail(index, "Binary.data is not valid base64", 400) from None


def _provided(index: int, resource: dict, binaries: dict, documents: set[str]) -> Provided:
    attachment = ((resource.get("content") or [{}])[0]).get("attachment") or {}
    url = attachment.get("url", "")
    if attachment.get("data"):
        content, binary_index = mapping.attachment_bytes(attachment, {}), None
    elif url in binaries:
        binary_index, content = binaries[url]
    else:
        raise _fail(index, f"attachment.url {url!r} names no Binary of this Bundle")
    if url in documents:
        _check_fhir_document(index, resource, attachment, binaries[url][1])
    check_attachment(attachment, content, f"Bundle.entry[{index}]: ")
    return Provided(index, resource, content, binary_index)


def _fhir_document(index: int, resource: dict) -> bytes:
    """A FHIR Document sent as the content of a DocumentReference (MHD's FHIR Document Publish option): a
    Bundle of type document whose first entry is its Composition, with an identifier and a timestamp
    (FHIR bdl-9, bdl-10, bdl-11). Its bytes are its JSON as sent (the keys in the producer's order)."""
    if resource.get("type") != "document":
        raise _fail(index, "a Bundle in ITI-65 must be a FHIR Document (Bundle.type 'document')")
    first = ((resource.get("entry") or [{}])[0].get("resource") or {}).get("resourceType")
    if first != "Composition":
        raise _fail(index, "a FHIR Document's first entry must be its Composition (bdl-11)")
    if not (resource.get("identifier") or {}).get("value") or not resource.get("timestamp"):
        raise _fail(index, "a FHIR Document needs its Bundle.identifier and Bundle.timestamp (bdl-9, bdl-10)")
    return json.dumps(resource, ensure_ascii=False).encode()


def _check_fhir_document(index: int, resource: dict, attachment: dict, content: bytes) -> None:
    """The DocumentReference of a FHIR Document says so: contentType application/fhir+json, and the
    Bundle's identifier as its masterIdentifier (MHD, FHIR Document Publish option)."""
    if attachment.get("contentType", "").split(";")[0] not in ("application/fhir+json", "application/json"):
        raise _fail(index, "the attachment of a FHIR Document has contentType application/fhir+json")
    identifier = json.loads(content)["identifier"]["value"]
    if (resource.get("masterIdentifier") or {}).get("value") != identifier:
        raise _fail(index, f"masterIdentifier must be the FHIR Document's Bundle.identifier {identifier}")


def check_attachment(attachment: dict, content: bytes, where: str = "") -> None:
    """``size`` and ``hash`` (SHA-1, base64) describe the raw bytes: a mismatch is a corrupt submission."""
    if attachment.get("size") is not None and int(attachment["size"]) != len(content):
        raise FhirError(
            422,
            "invalid",
            f"{where}attachment.size {attachment['size']} differs from the {len(content)} bytes sent",
        )
    sha1 = base64.b64encode(hashlib.sha1(content).digest()).decode()  # noqa: S324 - FHIR defines SHA-1
    if attachment.get("hash") and attachment["hash"] != sha1:
        raise FhirError(422, "invalid", f"{where}attachment.hash is not the SHA-1 of the bytes sent")


def replaced_ids(resource: dict) -> list[str]:
    return [
        ((relation.get("target") or {}).get("reference") or "").rpartition("/")[2]
        for relation in resource.get("relatesTo") or []
        if relation.get("code") == "replaces"
    ]


def _check_supersedes(submission: Submission, patches: list) -> None:
    """A PATCH entry may only mark as superseded a document this bundle replaces (the DMP's replacement)."""
    replaced = {target for d in submission.documents for target in replaced_ids(d.resource)}
    for index, url, parameters in patches:
        target = url.rpartition("/")[2]
        operations = [
            {part.get("name"): part for part in p.get("part") or []}
            for p in parameters.get("parameter") or []
        ]
        supersedes = len(operations) == 1 and (
            (operations[0].get("type") or {}).get("valueCode") == "replace"
            and (operations[0].get("path") or {}).get("valueString") == "DocumentReference.status"
            and (operations[0].get("value") or {}).get("valueCode") == "superseded"
        )
        if not url.startswith("DocumentReference/") or not supersedes or target not in replaced:
            raise _fail(index, "a PATCH may only set status=superseded on a document this bundle replaces")
        submission.superseded[target] = index


def _check_one_patient(submission: Submission) -> None:
    subjects = [(submission.list_index, submission.list_resource)] + [
        (d.index, d.resource) for d in submission.documents
    ]
    patients = {}
    for index, resource in subjects:
        subject = resource.get("subject") or {}
        if not subject:
            raise _fail(index, "subject (the patient) is required")
        patients[index] = mapping.resolve_patient(
            subject.get("reference", ""), subject.get("identifier") or ""
        )
    if len({patient.pk for patient in patients.values()}) != 1:
        raise FhirError(422, "invalid", "every resource of one submission must name the same patient")
    submission.patient = patients[submission.list_index]


def _folder(index: int, entry: dict, submission: Submission) -> FolderEntry:
    """A Folder of the bundle, checked: the submission's patient, a uniqueId, entries that name documents."""
    resource, request = entry["resource"], entry["request"]
    if request["method"] not in ("POST", "PUT"):
        raise _fail(index, "a Folder is created (POST) or updated (PUT), nothing else")
    subject = resource.get("subject") or {}
    patient = mapping.resolve_patient(subject.get("reference", ""), subject.get("identifier") or "")
    if patient != submission.patient:
        raise _fail(index, "the Folder is about another patient than the SubmissionSet")
    unique_ids = [i.get("value") for i in resource.get("identifier") or [] if _is_unique_id(i)]
    if not unique_ids or not unique_ids[0]:
        raise _fail(index, "a Folder needs its uniqueId identifier")
    folder = FolderEntry(index, resource, request["method"], request.get("url", ""), unique_ids[0])
    in_bundle = {submission.entries[d.index].get("fullUrl"): d.index for d in submission.documents}
    for item in resource.get("entry") or []:
        reference = (item.get("item") or {}).get("reference") or ""
        if reference in in_bundle:
            folder.new_documents.append(in_bundle[reference])
        elif "DocumentReference/" in reference and not reference.startswith("urn:"):
            folder.existing_documents.append(reference.rpartition("/")[2])
        else:
            raise _fail(index, f"Folder entry {reference!r} names no DocumentReference of this Bundle")
    return folder


def _is_unique_id(identifier: dict) -> bool:
    """The uniqueId of an MHD List: typed so, or else the only identifier."""
    return first_code(identifier.get("type"), "") in ("uniqueId", "") and identifier.get("use") != "official"


def simplified(body) -> tuple[dict, bytes]:
    """ITI-105: one DocumentReference carrying its bytes in ``attachment.data``, checked like ITI-65's."""
    resource = validate(body, "DocumentReference")
    attachment = ((resource.get("content") or [{}])[0]).get("attachment") or {}
    if not attachment.get("data"):
        raise FhirError(422, "required", "ITI-105 carries the document in content[0].attachment.data")
    content = mapping.attachment_bytes(attachment, {})
    check_attachment(attachment, content)
    return resource, content
