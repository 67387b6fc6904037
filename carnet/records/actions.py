"""The only code that changes the record: deposit, replace, withdraw, delete, visibility, hold back, the
health profile and wishes, and the destruction of a closed space.

Every action asks the policy (``authorize``: decision + journal entry) before touching anything, and
does the whole change in one transaction; content goes through the vault.
"""

import base64
import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access import sensitivity
from carnet.access.actor import SYSTEM, Actor, Role
from carnet.access.gate import atomic_action, authorize, refused_after_allowed
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.errors import Refused
from carnet.identity import erasure
from carnet.identity.models import Patient
from carnet.notify.outbox import notify_patient
from carnet.records import codes, search
from carnet.records.content import ContentRefused, check_content, extract_text
from carnet.records.errors import DocumentConflict, RecordError
from carnet.records.models import Document, DocumentVersion, ProfileEntry, Source, Visibility, Wish
from carnet.vault import envelope as vault
from carnet.vault import queries as vault_queries


@dataclass
class DocumentMetadata:
    unique_id: str
    type_code: str
    title: str
    care_date: datetime.date
    mime_type: str = ""
    practice_setting: str = ""
    author_organisation: str = ""
    language: str = "fr-FR"
    sensitive_category: str = ""
    minor_secret: bool = False
    visibility: str | None = None
    hide_days: int = 0


def _depositor(actor: Actor) -> str:
    if actor.role == Role.PROFESSIONAL:
        return Document.Depositor.PROFESSIONAL
    if actor.role == Role.SYSTEM:
        return Document.Depositor.INSURER
    if actor.role == Role.APP:
        return Document.Depositor.APP
    return Document.Depositor.PATIENT


def _check_type(depositor: str, type_code: str) -> None:
    by_depositor: dict[str, set[str]] = {
        Document.Depositor.PROFESSIONAL: set(codes.TYPES) - {"REMB"},
        Document.Depositor.PATIENT: set(codes.PATIENT_TYPES) | {"EXPPAT_1", "EXPPAT_3"},
        Document.Depositor.INSURER: {"REMB", "ATTEST-RESID"},
        Document.Depositor.APP: set(codes.PATIENT_TYPES),  # a patient document, the app its author
    }
    allowed = by_depositor[depositor]
    if type_code not in allowed:
        raise RecordError(
            "bad_type", _("Type de document %(code)s non accepté pour ce déposant.") % {"code": type_code}
        )


def _existing(actor: Actor, patient, meta: DocumentMetadata, sha256: str) -> Document | None:
    """The same document deposited again (idempotency), only to someone who may read it: its metadata is
    never an answer to a depositor the record hides it from (the review read a private document's title)."""
    found = Document.objects.filter(patient=patient, unique_id=meta.unique_id).first()
    if found is None:
        return None
    own = found.depositor == _depositor(actor) and found.deposited_by_id == actor.user_id
    if found.sha256 != sha256 or not (own or decide(actor, P.RECORD_DOCUMENT_READ, found).allowed):
        raise DocumentConflict(
            "duplicate_id",
            _("Un autre document de ce dossier porte déjà l'identifiant unique %(id)s.")
            % {"id": meta.unique_id},
        )
    return found


def _refused(error: Refused, actor: Actor, patient, meta: DocumentMetadata) -> Refused:
    """A deposit the policy allowed but the record refused (content, conflict, type) is journaled as refused
    once the transaction is rolled back (``atomic_action``), never as "a ajouté un document"."""
    detail = {"minor_secret": True} if meta.minor_secret else None
    return refused_after_allowed(error, actor, P.RECORD_DOCUMENT_DEPOSIT, patient, "deposit", detail=detail)


def _checked_mime_type(actor: Actor, content: bytes, meta: DocumentMetadata) -> str:
    _check_type(_depositor(actor), meta.type_code)
    if _depositor(actor) == Document.Depositor.APP and (meta.hide_days or meta.minor_secret):
        raise RecordError("app_labels", _("Une application ne retient ni ne cache un document."))
    mime_type = check_content(content, meta.mime_type)
    if meta.hide_days and not 0 < meta.hide_days <= settings.CARNET_HIDDEN_MAX_DAYS:
        raise RecordError(
            "hide_too_long",
            _("Un document ne peut être retenu plus de %(d)d jours.")
            % {"d": settings.CARNET_HIDDEN_MAX_DAYS},
        )
    return mime_type


@atomic_action
def deposit_document(
    actor: Actor, patient, content: bytes, meta: DocumentMetadata, *, replaces=None
) -> Document:
    """Add a document to the record. Same unique id + same content = the same document (idempotent).

    One transaction: the policy's decision, the checks of the bytes, the idempotency check, the encrypted
    blob and the rows. A deposit refused by the record (content, conflict, type) is journaled as refused,
    never as added; a blob written for rows that roll back is discarded."""
    # Kept out of representatives' journal; no type code: the journal outlives a destroyed record's metadata.
    authorize(
        actor,
        P.RECORD_DOCUMENT_DEPOSIT,
        patient,
        detail={"minor_secret": True} if meta.minor_secret else None,
    )
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        mime_type = _checked_mime_type(actor, content, meta)
        existing = _existing(actor, patient, meta, sha256)
    except (RecordError, ContentRefused) as error:
        raise _refused(error, actor, patient, meta) from None
    if existing is not None:
        return existing
    ref = vault.put(patient, content)  # refuses a destroyed record's key (KeyDestroyed)
    try:
        return _create(actor, patient, content, meta, _depositor(actor), mime_type, sha256, ref, replaces)
    except Exception:
        vault.discard(ref)
        raise


def _create(actor, patient, content, meta, depositor, mime_type, sha256, ref, replaces) -> Document:
    category = sensitivity.category_for(meta.type_code, meta.sensitive_category)
    visibility = meta.visibility or sensitivity.proposed_visibility(patient, category)
    if visibility not in Visibility.values:
        raise RecordError("bad_visibility", _("Visibilité inconnue."))
    now = timezone.now()
    hidden_until = now + datetime.timedelta(days=meta.hide_days) if meta.hide_days else None
    document = Document.objects.create(
        patient=patient,
        unique_id=meta.unique_id,
        type_code=meta.type_code,
        class_code=codes.class_of(meta.type_code),
        title=meta.title[:255] or codes.type_name(meta.type_code),
        author=actor.professional,
        author_organisation=meta.author_organisation or getattr(actor.professional, "organisation", ""),
        care_date=meta.care_date,
        practice_setting=meta.practice_setting,
        format_code=codes.FORMAT_BY_MIME.get(mime_type, ""),
        mime_type=mime_type,
        size=len(content),
        sha256=sha256,
        sha1_b64=base64.b64encode(hashlib.sha1(content).digest()).decode(),  # noqa: S324 - FHIR defines SHA-1
        language=meta.language,
        visibility=visibility,
        sensitive_category=category,
        minor_secret=meta.minor_secret,
        hidden_from_patient_until=hidden_until,
        hidden_since=now if hidden_until else None,
        depositor=depositor,
        deposited_by=actor.user,
        source_app=actor.app_name[:200] if actor.role == Role.APP else "",
        source_application_id=actor.app_id if actor.role == Role.APP else None,
        replaces=replaces,
        blob_ref=ref,
    )
    _keep_version(document, created=True)
    search.index_document(document, "", new=True)  # the title now; the extracted text by a background task
    _index_later(document, mime_type)
    if hidden_until is None:
        _tell_new_document(document)  # queued in this transaction: sent only if the deposit commits
    return document


def _keep_version(document: Document, *, created: bool = False) -> None:
    """One row of the document's history per change of what carnet decides about it (status, visibility,
    holding back): the versions the FHIR API serves. The UPDATE numbers them one after another."""
    now = timezone.now()
    if not created:
        Document.objects.filter(pk=document.pk).update(version=F("version") + 1, updated_at=now)
        document.version = Document.objects.filter(pk=document.pk).values_list("version", flat=True).get()
        document.updated_at = now
    DocumentVersion.objects.create(
        document=document,
        patient_id=document.patient_id,
        number=document.version,
        status=document.status,
        visibility=document.visibility,
        minor_secret=document.minor_secret,
        hidden_from_patient_until=document.hidden_from_patient_until,
        recorded_at=document.updated_at or document.created_at,
    )


def _index_later(document: Document, mime_type: str) -> None:
    """Text extraction (pypdf) is most of a deposit's cost: it runs in the task worker, not in the request."""
    if mime_type in ("application/pdf", "text/plain", "application/xml"):
        from carnet.records.tasks import index_document_text  # noqa: PLC0415 - cycle: the task calls us

        index_document_text.enqueue(str(document.pk))
        if settings.CARNET_INDEXING:  # conditions and drugs (NLP): a queue and a worker of their own
            from carnet.indexing.tasks import index_mentions  # noqa: PLC0415 - the indexing app calls us

            index_mentions.enqueue(str(document.pk))


def index_document_text(document_id: str) -> bool:
    """Extract the text of a document (decrypting it) into the search index; safe to run twice."""
    document = Document.objects.select_related("patient").filter(pk=document_id).first()
    if (
        document is None
        or document.patient.state == document.patient.State.DESTROYED
        or not document.blob_ref
    ):
        return False
    authorize(SYSTEM, P.RECORD_DOCUMENT_INDEX, document)  # the worker reads the content: journaled
    content = vault_queries.get(document.patient, document.blob_ref, expected_sha256=document.sha256)
    search.index_document(document, extract_text(content, document.mime_type))
    return True


@atomic_action
def propose_sensitive_category(actor: Actor, document: Document, category: str) -> bool:
    """The content names a sensitive category (carnet.indexing): a document nobody classed yet is proposed
    masked according to the patient's choice for that category, and the patient is told (never what it
    says: the page tells them why). A document already classed or given a visibility keeps it."""
    authorize(actor, P.RECORD_DOCUMENT_INDEX, document, detail={"step": "category"})
    visibility = sensitivity.proposed_visibility(document.patient, category)
    changed = Document.objects.filter(
        pk=document.pk, sensitive_category="", visibility=Visibility.NORMAL
    ).update(sensitive_category=category, visibility=visibility)
    if changed and visibility != Visibility.NORMAL:
        notify_patient(
            document.patient,
            "document-masked-by-content",
            _("Un document a été masqué aux professionnels"),
            _(
                "Un document de votre espace carnet aborde un sujet sensible : il a été masqué aux "
                "professionnels, comme vous l'avez choisi. Connectez-vous pour voir pourquoi et le changer."
            ),
        )
    return bool(changed)


def _tell_new_document(document: Document) -> None:
    notify_patient(
        document.patient,
        "new-document",
        _("Nouveau document dans votre espace"),
        _("Un nouveau document a été ajouté à votre espace de santé carnet. Connectez-vous pour le voir."),
    )


@atomic_action
def replace_document(actor: Actor, old: Document, content: bytes, meta: DocumentMetadata) -> Document:
    """A new version supersedes the old one; the history is kept."""
    authorize(actor, P.RECORD_DOCUMENT_REPLACE, old)
    if old.status != Document.Status.CURRENT:
        raise RecordError("not_current", _("Seule la version en vigueur peut être remplacée."))
    new = deposit_document(actor, old.patient, content, meta, replaces=old)
    Document.objects.filter(pk=old.pk).update(status=Document.Status.SUPERSEDED)
    old.status = Document.Status.SUPERSEDED
    _keep_version(old)
    return new


@atomic_action
def withdraw_document(actor: Actor, document: Document) -> Document:
    """The author withdraws a document (logical deletion: entered-in-error, history kept)."""
    authorize(actor, P.RECORD_DOCUMENT_DELETE, document)
    return _mark_entered_in_error(document)


# A patient deletes a document they deposited (never a professional's: they mask it instead): the same
# action, the policy tells the two apart.
delete_own_document = withdraw_document


def _mark_entered_in_error(document: Document) -> Document:
    if document.status == Document.Status.ENTERED_IN_ERROR:
        raise RecordError("already_deleted", _("Ce document est déjà supprimé."))
    document.status = Document.Status.ENTERED_IN_ERROR
    document.save(update_fields=["status"])
    _keep_version(document)
    return document


@atomic_action
def set_document_visibility(actor: Actor, document: Document, visibility: str) -> Document:
    """The patient's choice: normal, masked from professionals, or private (the author and them)."""
    if visibility not in Visibility.values:
        raise RecordError("bad_visibility", _("Visibilité inconnue."))
    authorize(actor, P.RECORD_DOCUMENT_SET_VISIBILITY, document, detail={"visibility": visibility})
    document.visibility = visibility
    document.save(update_fields=["visibility"])
    _keep_version(document)
    return document


@atomic_action
def hold_back_document(actor: Actor, document: Document, days: int) -> Document:
    """The author holds a document back from the patient until an announcement consultation (bounded)."""
    authorize(actor, P.RECORD_DOCUMENT_HIDE, document)
    if document.hidden_since is not None:
        raise RecordError(
            "never_extended", _("Un document ne peut être retenu qu'une fois, sans prolongation.")
        )
    if not 0 < days <= settings.CARNET_HIDDEN_MAX_DAYS:
        raise RecordError(
            "hide_too_long",
            _("Un document ne peut être retenu plus de %(d)d jours.")
            % {"d": settings.CARNET_HIDDEN_MAX_DAYS},
        )
    now = timezone.now()
    document.hidden_since, document.hidden_from_patient_until = now, now + datetime.timedelta(days=days)
    document.save(update_fields=["hidden_since", "hidden_from_patient_until"])
    _keep_version(document)
    return document


@atomic_action
def release_hidden_document(actor: Actor, document: Document) -> Document:
    """The author releases a held-back document early (after the announcement consultation)."""
    authorize(actor, P.RECORD_DOCUMENT_HIDE, document)
    if document.hidden_from_patient_until is None or document.hidden_from_patient_until <= timezone.now():
        raise RecordError("not_hidden", _("Ce document n'est pas retenu."))
    document.hidden_from_patient_until = document.hidden_released_at = timezone.now()
    document.save(update_fields=["hidden_from_patient_until", "hidden_released_at"])
    _keep_version(document)
    _tell_new_document(document)
    return document


@atomic_action
def warn_held_back_document(actor: Actor, document: Document) -> bool:
    """At 2 weeks the patient is told their record was updated (once), without saying what."""
    authorize(actor, P.RECORD_DOCUMENT_RELEASE_DUE, document, detail={"step": "warn"})
    if not Document.objects.filter(pk=document.pk, hidden_notice_sent_at__isnull=True).update(
        hidden_notice_sent_at=timezone.now()
    ):
        return False
    notify_patient(
        document.patient,
        "hidden-document-pending",
        _("Votre dossier a été mis à jour"),
        _(
            "Votre dossier de santé a été mis à jour. Nous vous invitons à consulter un "
            "professionnel de santé pour en parler."
        ),
    )
    return True


@atomic_action
def release_due_document(actor: Actor, document: Document) -> bool:
    """At the limit a held-back document is shown to the patient, who is told (once)."""
    authorize(actor, P.RECORD_DOCUMENT_RELEASE_DUE, document, detail={"step": "release"})
    if not Document.objects.filter(pk=document.pk, hidden_released_at__isnull=True).update(
        hidden_released_at=timezone.now()
    ):
        return False
    _tell_new_document(document)
    return True


# --- the health profile and the wishes ------------------------------------------------------------------


@atomic_action
def add_profile_entry(
    actor: Actor,
    patient,
    *,
    kind: str,
    label: str,
    date: datetime.date,
    code: str = "",
    value: str = "",
    unit: str = "",
) -> ProfileEntry:
    """A patient declares, or a professional records, a condition, allergy, treatment, vaccine or measure."""
    authorize(actor, P.RECORD_PROFILE_WRITE, patient, detail={"kind": kind})
    if kind not in ProfileEntry.Kind.values:
        raise RecordError("unknown_kind", _("Type d'information inconnu."), field="kind")
    by_professional = actor.role == Role.PROFESSIONAL
    return ProfileEntry.objects.create(
        patient=patient,
        kind=kind,
        label=label[:200],
        code=code,
        value=value,
        unit=unit,
        date=date,
        source=Source.PROFESSIONAL if by_professional else Source.PATIENT,
        author=actor.professional if by_professional else None,
    )


@atomic_action
def remove_profile_entry(actor: Actor, entry: ProfileEntry) -> ProfileEntry:
    """An entry is withdrawn (entered in error), never erased: its history stays."""
    authorize(actor, P.RECORD_PROFILE_WRITE, entry)
    entry.status = ProfileEntry.Status.ENTERED_IN_ERROR
    entry.save(update_fields=["status"])
    return entry


@atomic_action
def set_wish(
    actor: Actor,
    patient,
    *,
    kind: str,
    text: str = "",
    name: str = "",
    phone: str = "",
    organ_donation: str = "",
) -> Wish:
    """Wishes are the patient's own: only they (or who acts for them) write them."""
    authorize(actor, P.RECORD_WISHES_WRITE, patient, detail={"kind": kind})
    if kind not in Wish.Kind.values:
        raise RecordError("unknown_kind", _("Type de volonté inconnu."), field="kind")
    values = {
        "text": text,
        "name": name,
        "phone": phone,
        "organ_donation": organ_donation,
        "updated_at": timezone.now(),
    }
    if kind == Wish.Kind.EMERGENCY_CONTACT:
        return Wish.objects.create(patient=patient, kind=kind, **values)
    wish, _created = Wish.objects.update_or_create(patient=patient, kind=kind, defaults=values)
    return wish


# --- the end of a closed space (domain.md §2) ------------------------------------------------------------


@atomic_action
def destroy_space(actor: Actor, patient: Patient) -> bool:
    """Erase the patient's data key (all content becomes unreadable for good), then every row about them
    that each app declared in its ``erasure.py``; the Patient row is reduced to the fact of a past space."""
    authorize(actor, P.ACCOUNT_SPACE_DESTROY, patient)
    claimed = Patient.objects.filter(pk=patient.pk, state=Patient.State.CLOSED).update(
        state=Patient.State.DESTROYED, state_changed_at=timezone.now()
    )
    if not claimed:
        return False
    vault.shred(patient)
    erasure.erase_patient(patient.pk)
    return True
