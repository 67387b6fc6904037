"""The policy decision point: the only place that says yes or no about a patient's data.

``decide`` answers for one resource; ``document_filter`` builds the one SQL predicate that lists and
searches apply, so counts and every page obey the same rules as single reads. Deny by default.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import Expression
from django.utils import timezone

from carnet.access import research
from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.access.models import Block, EmergencyAccess, Grant, PatientAccessSettings, ProfessionRule
from carnet.access.permissions import (
    ACCOUNT_ACTIONS_BY_ROLE,
    ACCOUNT_REQUESTS_BY_ROLE,
    HOLDER_ACCOUNT_ACTIONS,
    MANDATE_SCOPES,
    PROFILE_KIND_OF,
    READS,
    SERVICE_ACTIONS,
    SIGN_IN_ACTIONS,
    USER_ACTIONS,
    app_allows,
    app_writes,
)
from carnet.access.permissions import Permission as P
from carnet.agenda.models import Event
from carnet.identity.models import Patient, Representative, Specialty
from carnet.messaging.models import Attachment, Conversation, Mailbox
from carnet.records.models import Document, Visibility

DOCUMENT_READS = {P.RECORD_DOCUMENT_READ, P.RECORD_DOCUMENT_SEARCH}
# Operators' work on the service: never on clinical content (except a letter the print room prints, journaled
# for its person), and nobody else's.
OPERATOR_ACTIONS: set[str] = {P.ACCESS_EMERGENCY_REVIEW, P.ACCESS_MATRIX_CHANGE, P.JOURNAL_CONTEST_ANSWER}
OPERATOR_ACTIONS |= {P.CATALOGUE_FILE_DECIDE}
OPERATOR_ACTIONS |= {P.NOTIFY_LETTER_READ}  # the print room reads a letter to print it
OPERATOR_ACTIONS |= {action for action, roles in ACCOUNT_REQUESTS_BY_ROLE.items() if "operator" in roles}
# Agenda actions a professional takes on an appointment with themselves (never on anyone else's event).
EVENT_ACTIONS = {P.AGENDA_EVENT_CREATE, P.AGENDA_EVENT_READ, P.AGENDA_EVENT_UPDATE, P.AGENDA_EVENT_CANCEL}
OWN_SPACE_ACTIONS = (
    set(P)
    - OPERATOR_ACTIONS
    - HOLDER_ACCOUNT_ACTIONS
    - set(ACCOUNT_ACTIONS_BY_ROLE)
    - USER_ACTIONS
    - set(SERVICE_ACTIONS)
    - {P.RESEARCH_EXTRACT_INCLUDE}
    - set(ACCOUNT_REQUESTS_BY_ROLE)
    - {P.ACCOUNT_CONTACT_CHANGE, P.ACCOUNT_GP_CHOOSE, P.ACCOUNT_MINOR_SPACE_OPEN}
    - {
        P.ACCESS_EMERGENCY_OPEN,
        P.ACCESS_SAMU_OPEN,
        P.ACCESS_GRANT_CREATE,
        P.ACCESS_STANDING_READ,
        P.ACCESS_GRANT_EXTEND,
        P.RECORD_DOCUMENT_REPLACE,
        P.RECORD_DOCUMENT_HIDE,
        P.RECORD_DOCUMENT_INDEX,
        P.AGENDA_REMINDER_SEND,
        P.CATALOGUE_FILE_SUBMIT,
        P.CATALOGUE_FILE_EXPIRE,
    }
)
# Everything an operator may do: service work on accounts and the service, never on clinical content.
OPERATOR_WORK = (
    OPERATOR_ACTIONS
    | {action for action, roles in ACCOUNT_ACTIONS_BY_ROLE.items() if "operator" in roles}
    | {action for action, roles in SERVICE_ACTIONS.items() if "operator" in roles}
)
PRO_BASIS_ACTIONS = (READS - {P.JOURNAL_ENTRY_READ}) | {P.RECORD_PROFILE_WRITE, P.RECORD_MEASUREMENT_READ}
AUTHOR_ACTIONS = {
    P.RECORD_DOCUMENT_REPLACE,
    P.RECORD_DOCUMENT_DELETE,
    P.RECORD_DOCUMENT_HIDE,
    P.RECORD_DOCUMENT_READ,
}
VISIBLE_STATUSES = [Document.Status.CURRENT, Document.Status.SUPERSEDED]
MESSAGING_ACTIONS = frozenset(p for p in P if p.startswith("messaging:"))


def allow(rule: str) -> Decision:
    return Decision(True, "allowed", rule)


def deny(rule: str, reason: str) -> Decision:
    return Decision(False, reason, rule)


def patient_of(resource) -> Patient | None:
    if isinstance(resource, Patient):
        return resource
    return getattr(resource, "patient", None)


def settings_of(patient: Patient) -> PatientAccessSettings:
    try:
        return patient.access_settings
    except PatientAccessSettings.DoesNotExist:
        return PatientAccessSettings(patient=patient)


def decide(actor: Actor, action: str, resource) -> Decision:
    """Who may do ``action`` on ``resource`` (a Patient, a Document, a profile entry, a wish, or for
    operators an emergency access to review, a contest to answer, a cell of the matrix)."""
    if action in MESSAGING_ACTIONS:
        return _messaging(actor, action, resource)
    if action in ACCOUNT_REQUESTS_BY_ROLE or action in HOLDER_REQUESTS:
        return _account_request(actor, action, resource)
    if action in OPERATOR_ACTIONS:
        if actor.role == Role.OPERATOR:
            return allow("operator-review")
        return deny("operator-only", "only operators do this")
    if action == P.CATALOGUE_FILE_SUBMIT:
        return _editor(actor, resource)
    if action == P.CATALOGUE_FILE_EXPIRE:
        if actor.role == Role.SYSTEM:
            return allow("reference-period-ended")
        return deny("system-only", "only the scheduled task ends a referencing period")
    if action in SERVICE_ACTIONS:
        if str(actor.role) in SERVICE_ACTIONS[action]:
            return allow(f"service-{actor.role}")
        return deny("service-only", "only the service runs this")
    if action in USER_ACTIONS:
        return _own_account(actor, action, resource)
    if action == P.RESEARCH_EXTRACT_INCLUDE:
        return research.decide_inclusion(actor, resource)
    patient = patient_of(resource)
    if patient is None:
        return deny("no-patient", "resource has no patient")
    if action in HOLDER_ACCOUNT_ACTIONS or action in ACCOUNT_ACTIONS_BY_ROLE:
        return _space_account(actor, action, patient)
    refused = decide_space(actor, patient)
    if refused is not None:
        return refused
    if actor.role == Role.PROFESSIONAL and actor.professional is not None:
        return _professional(actor.professional, action, patient, resource)
    if actor.role == Role.SYSTEM:
        return _system(action, resource)
    if actor.patient is None or actor.patient.pk != patient.pk:
        return deny("not-their-space", "the actor acts for another patient")
    return _person(actor, action, patient, resource)


def _editor(actor: Actor, application_file) -> Decision:
    """An editor submits and amends their own application file, nobody else's."""
    if actor.role != Role.EDITOR:
        return deny("editor-only", "only an application's editor submits its file")
    if getattr(application_file, "owner_id", None) != actor.user_id:
        return deny("not-their-file", "the file belongs to another editor")
    return allow("editor-own-file")


def _own_account(actor: Actor, action: str, user) -> Decision:
    """A person's sign-in steps and devices: theirs alone (the visitor signing in proves it by the step)."""
    if actor.role == Role.ANONYMOUS and action in SIGN_IN_ACTIONS:
        return allow("sign-in-step")
    if actor.user_id is not None and actor.user_id == getattr(user, "pk", None):
        return allow("own-account")
    return deny("not-their-account", "only the person changes their own sign-in")


def _space_account(actor: Actor, action: str, patient: Patient) -> Decision:
    """A space's lifecycle: its holder (the patient, a legal representative) or, by role, the service.
    Decided in every state of the space: the action checks which change its state allows."""
    if str(actor.role) in ACCOUNT_ACTIONS_BY_ROLE.get(action, ()):
        return allow(f"account-{actor.role}")
    if action not in HOLDER_ACCOUNT_ACTIONS:
        return deny("service-only", "only the service changes this")
    holder = actor.patient is not None and actor.patient.pk == patient.pk and patient.user_id is not None
    if actor.role == Role.PATIENT and holder and patient.user_id == actor.user_id:
        return allow("account-holder")
    if actor.role == Role.REPRESENTATIVE and _represents(actor.user, patient):
        return allow("account-representative")
    return deny("holder-only", "only the holder of the space or their legal representative does this")


HOLDER_REQUESTS = {P.ACCOUNT_CONTACT_CHANGE, P.ACCOUNT_GP_CHOOSE, P.ACCOUNT_MINOR_SPACE_OPEN}
ACCOUNT_RESOURCES: dict[str, set[str]] = {
    P.ACCOUNT_MINOR_SPACE_OPEN: {"Patient"},
    P.ACCOUNT_CODE_REQUEST: {"Patient"},
    P.ACCOUNT_CONTACT_CHANGE: {"User"},
    P.ACCOUNT_GP_CHOOSE: {"Patient"},
    P.ACCOUNT_PAPER_REQUEST: {"Patient", "PaperOpposition"},
    P.ACCOUNT_PASSWORD_RESET: {"User"},
    P.ACCOUNT_REPRESENTATIVE_ADD: {"Patient"},
    P.ACCOUNT_REPRESENTATIVE_END: {"Patient"},
}


# Requests answered the same whether or not someone matched (nothing tells who is on file): the rule named.
QUIET_REQUESTS: dict[str, str] = {
    P.ACCOUNT_CODE_REQUEST: "identity-mismatch",
    P.ACCOUNT_PASSWORD_RESET: "unknown-login",
}


def _account_request(actor: Actor, action: str, resource) -> Decision:
    """Getting in and keeping one's account: new codes, resets, contacts, the GP, representatives, paper."""
    if resource is None and action in QUIET_REQUESTS:
        return deny(QUIET_REQUESTS[action], "nobody on file matches the request")
    if resource.__class__.__name__ not in ACCOUNT_RESOURCES[action]:  # (a lazy request.user passes)
        return deny("wrong-resource", "this action is not about this kind of thing")
    if action == P.ACCOUNT_CODE_REQUEST and (
        resource.state not in (Patient.State.PENDING, Patient.State.OPEN) or resource.user_id is not None
    ):
        return deny("not-activable", "this space is activated already, or cannot be")
    if action == P.ACCOUNT_PASSWORD_RESET and not (resource.email or resource.phone):
        return deny("unknown-login", "no contact on file to send the link to")
    if str(actor.role) in ACCOUNT_REQUESTS_BY_ROLE.get(action, ()):
        return allow(f"account-request-{actor.role}")
    if action == P.ACCOUNT_CONTACT_CHANGE:
        if actor.user_id is not None and actor.user_id == getattr(resource, "pk", None):
            return allow("own-contact")
        return deny("not-their-account", "only the person changes their own contact")
    if action == P.ACCOUNT_GP_CHOOSE:
        return _gp_choice(actor, resource)
    if action == P.ACCOUNT_MINOR_SPACE_OPEN:
        if actor.role != Role.REPRESENTATIVE or not _represents(actor.user, resource):
            return deny("not-representative", "only a legal representative of the minor opens their space")
        if resource.state not in (Patient.State.PENDING, Patient.State.OPEN):
            return deny("space-not-open", "the space is not pending")
        return allow("representative-opens-minor-space")
    return deny("account-request-role", "this role does not do this")


def _gp_choice(actor: Actor, patient: Patient) -> Decision:
    """The médecin traitant is declared by the patient (or their representative), or by the insurer's file."""
    if actor.role == Role.SYSTEM:
        return allow("beneficiary-file")
    if patient.state != Patient.State.OPEN:
        return deny("space-not-open", "the space is not open")
    if actor.role == Role.PATIENT and patient.user_id is not None and patient.user_id == actor.user_id:
        return allow("patient-declares-gp")
    if actor.role == Role.REPRESENTATIVE and _represents(actor.user, patient):
        return allow("representative-declares-gp")
    return deny("holder-only", "only the holder of the space or their legal representative does this")


def _system(action: str, resource) -> Decision:
    """Tasks and the insurer feed: they deposit insurer documents and read a document's text for the search
    index (the worker, journaled like any reader); nothing else."""
    if action == P.RECORD_DOCUMENT_DEPOSIT and isinstance(resource, Patient):
        return allow("insurer-feed")
    if action == P.RECORD_DOCUMENT_INDEX and isinstance(resource, Document):
        return allow("search-indexing")
    if action == P.AGENDA_REMINDER_SEND and isinstance(resource, Event):
        return allow("agenda-reminder")
    return deny("default-deny", "no rule allows this")


# --- the patient and those acting for them -------------------------------------------------------------


def _person(actor: Actor, action: str, patient: Patient, resource) -> Decision:
    standing = _standing(actor, action, patient, getattr(resource, "profile_kind", ""))
    if standing is not None:
        return standing
    if action not in OWN_SPACE_ACTIONS:
        return deny("patient-not-professional-action", "this action belongs to professionals")
    if isinstance(resource, Document):
        return _person_document(actor, action, resource)
    if _professionals_appointment(resource, action):
        return deny("professional-appointment", "an appointment set by a professional is theirs to move")
    if action == P.RECORD_PROFILE_WRITE and getattr(resource, "source", "patient") != "patient":
        return deny("professional-entry", "an entry written by a professional is theirs to change")
    return allow(f"{actor.role}-own-record")


def _standing(actor: Actor, action: str, patient: Patient, profile_kind: str = "") -> Decision | None:
    """Refusals that depend on who acts for the patient (representative, caregiver, app)."""
    if actor.role == Role.REPRESENTATIVE and not _represents(actor.user, patient):
        return deny("not-representative", "no active legal representation")
    if actor.role == Role.CAREGIVER:
        mandate = actor.mandate
        if mandate is None or mandate.patient_id != patient.pk or not mandate.is_active():
            return deny("no-mandate", "no active mandate")
        if not any(action in MANDATE_SCOPES.get(scope, ()) for scope in mandate.scopes):
            return deny("mandate-scope", "the mandate does not cover this action")
    if actor.role == Role.APP and not (
        app_allows(actor.scopes, action, profile_kind) or app_writes(actor.scopes, action)
    ):
        return deny("app-scope", "the app was not granted this scope")
    if actor.role not in (Role.PATIENT, Role.REPRESENTATIVE, Role.CAREGIVER, Role.APP):
        return deny("default-deny", "no rule allows this actor")
    return None


def _professionals_appointment(resource, action: str) -> bool:
    """An appointment a professional set is theirs to move or cancel (the patient asks them)."""
    return (
        isinstance(resource, Event)
        and action in (P.AGENDA_EVENT_UPDATE, P.AGENDA_EVENT_CANCEL)
        and resource.created_by_role == Role.PROFESSIONAL
    )


def _represents(user, patient: Patient) -> bool:
    rep = Representative.objects.filter(user=user, patient=patient, ended_at__isnull=True).first()
    if rep is None:
        return False
    if rep.protection_until is not None and rep.protection_until < timezone.localdate():
        return False  # the court's protection measure has ended
    return rep.kind == Representative.Kind.GUARDIAN or patient.age_on(timezone.localdate()) < 18


def _person_document(actor: Actor, action: str, document: Document) -> Decision:
    if _hidden_from_patient(document):
        return deny("hidden-from-patient", "held back until an announcement consultation")
    if document.minor_secret and actor.role == Role.REPRESENTATIVE:
        return deny("minor-secret", "care under minor secrecy is never shown to representatives")
    if action == P.RECORD_DOCUMENT_DELETE and document.depositor != Document.Depositor.PATIENT:
        return deny("professional-document", "a professional's document can be masked, not deleted")
    if document.status == Document.Status.ENTERED_IN_ERROR and action != P.RECORD_DOCUMENT_READ:
        return deny("entered-in-error", "the document was withdrawn")
    return allow(f"{actor.role}-own-record")


def _hidden_from_patient(document: Document) -> bool:
    until = document.hidden_from_patient_until
    return until is not None and until > timezone.now()


# --- professionals --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Standing:
    """What the patient decided about this professional, read in one query."""

    blocked: bool
    emergency: bool
    grant_mode: str | None
    gp_sees_masked: bool


class _Clauses:
    """The SQL of what the patient decided about a professional: block, emergency, grant, masked choice.

    Written by hand, once, and used twice: by ``_standing_of`` (one query for a single decision) and by
    ``_professional_filter`` (subqueries of the list predicate). Only table names from the models are
    interpolated; every value is a parameter.
    """

    def __init__(self, professional, patient: Patient):
        q = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        pair = [patient.pk, professional.pk]
        confirmed = " AND mode = %s" if professional.specialty == Specialty.TRAVAIL else ""
        self.block = (
            f"EXISTS (SELECT 1 FROM {q(Block._meta.db_table)} WHERE patient_id = %s"
            " AND professional_id = %s)",
            pair,
        )
        self.emergency = (
            f"EXISTS (SELECT 1 FROM {q(EmergencyAccess._meta.db_table)} WHERE patient_id = %s"
            " AND professional_id = %s AND ends_at > %s)",
            [*pair, now],
        )
        self.grant_mode = (
            f"(SELECT mode FROM {q(Grant._meta.db_table)} WHERE patient_id = %s AND professional_id = %s"
            f" AND revoked_at IS NULL AND confirmed_at IS NOT NULL AND expires_at > %s{confirmed}"
            " ORDER BY id LIMIT 1)",
            [*pair, now] + ([Grant.Mode.CONFIRMED] if confirmed else []),
        )
        self.masked_hidden_from_gp = (
            f"EXISTS (SELECT 1 FROM {q(PatientAccessSettings._meta.db_table)} WHERE patient_id = %s"
            " AND NOT gp_sees_masked)",
            [patient.pk],
        )
        self.readable_types = (
            f"SELECT type_code FROM {q(ProfessionRule._meta.db_table)} WHERE profession = %s",
            [professional.profession],
        )


def _join(*parts) -> tuple[str, list]:
    """Concatenate (sql, params) pieces and plain SQL strings."""
    sql, params = [], []
    for part in parts:
        if isinstance(part, str):
            sql.append(part)
        else:
            sql.append(part[0])
            params += part[1]
    return " ".join(sql), params


def _standing_of(professional, patient: Patient) -> _Standing:
    c = _Clauses(professional, patient)
    sql, params = _join("SELECT", c.block, ",", c.emergency, ",", c.grant_mode, ",", c.masked_hidden_from_gp)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        blocked, emergency, grant_mode, hidden = cursor.fetchone()
    return _Standing(bool(blocked), bool(emergency), grant_mode, not hidden)


def _professional(professional, action: str, patient: Patient, resource) -> Decision:
    if action == P.ACCESS_STANDING_READ:  # a blocked professional too learns that they are blocked
        return allow("professional-own-standing")
    standing = _standing_of(professional, patient)
    if standing.blocked:
        return deny("blocked", "the patient blocked this professional")
    if action in (P.RECORD_DOCUMENT_DEPOSIT, P.ACCESS_GRANT_CREATE, P.ACCESS_PATIENT_LOOKUP):
        return allow("professional-care-relationship")
    if action in (P.ACCESS_EMERGENCY_OPEN, P.ACCESS_SAMU_OPEN):
        return _emergency_allowed(professional, action, patient)
    if isinstance(resource, Event) and action in EVENT_ACTIONS:
        if resource.professional_id != professional.pk:
            return deny("not-participant", "a professional sees only the appointments they take part in")
        return allow("appointment-participant")
    if action == P.ACCESS_GRANT_EXTEND:  # a visit under a grant pushes its end (never named "grant-…")
        if standing.grant_mode:
            return allow("visit-extends-grant")
        return deny("no-grant", "no authorisation from the patient")
    if isinstance(resource, Document):
        return _professional_document(professional, action, patient, resource, standing)
    if (
        action == P.RECORD_PROFILE_WRITE
        and getattr(resource, "author_id", professional.pk) != professional.pk
    ):
        return deny("not-author", "only the author changes a professional entry")
    if action not in PRO_BASIS_ACTIONS:
        return deny("patient-only-action", "this action belongs to the patient")
    return _basis(professional, patient, standing) or deny("no-grant", "no authorisation from the patient")


def _emergency_allowed(professional, action: str, patient: Patient) -> Decision:
    choices = settings_of(patient)
    if action == P.ACCESS_SAMU_OPEN and choices.refuses_samu:
        return deny("samu-refused", "the patient refused access by the emergency call centre")
    if action == P.ACCESS_EMERGENCY_OPEN and choices.refuses_emergency:
        return deny("emergency-refused", "the patient refused emergency access")
    if professional.specialty == Specialty.TRAVAIL:
        return deny("occupational-doctor", "occupational doctors need the patient's express consent")
    return allow("emergency-reason-given")


def _basis(professional, patient: Patient, standing: _Standing) -> Decision | None:
    """Why this professional may read at all: an emergency, the standing GP grant, or a valid grant."""
    if standing.emergency:
        return allow("emergency-access")
    if patient.gp_id == professional.pk:
        return allow("gp-standing-grant")
    return allow(f"grant-{standing.grant_mode}") if standing.grant_mode else None


def _professional_document(
    professional, action: str, patient: Patient, document: Document, standing: _Standing
) -> Decision:
    if document.author_id == professional.pk and action in AUTHOR_ACTIONS:
        return allow("author")
    if action not in DOCUMENT_READS:
        return deny("not-author", "only the author replaces, withdraws or holds back a document")
    if document.status not in VISIBLE_STATUSES:
        return deny("entered-in-error", "the document was withdrawn")
    if document.visibility == Visibility.PRIVATE:
        return deny("private", "the patient keeps this document private")
    basis = _basis(professional, patient, standing)
    if basis is None:
        return deny("no-grant", "no authorisation from the patient")
    if not ProfessionRule.objects.filter(
        profession=professional.profession, type_code=document.type_code
    ).exists():
        return deny("matrix", "this profession does not read this type of document")
    if document.visibility == Visibility.MASKED and not _sees_masked(professional, patient, basis, standing):
        return deny("masked", "the patient masked this document from professionals")
    return basis


def _sees_masked(professional, patient: Patient, basis: Decision, standing: _Standing) -> bool:
    if basis.rule == "emergency-access":
        return True
    return patient.gp_id == professional.pk and standing.gp_sees_masked


# --- secure messaging (domain.md §6) ---------------------------------------------------------------------


def _conversation_of(resource) -> Conversation | None:
    if isinstance(resource, Attachment):
        return resource.message.conversation
    return resource if isinstance(resource, Conversation) else None


def _messaging(actor: Actor, action: str, resource) -> Decision:
    """A patient's conversations with a mailbox: the patient's side (and those acting for them), the
    mailbox's members, and operators, who only record a paper reply they never read back."""
    if action == P.MESSAGING_MAILBOX_MANAGE:
        return _mailbox_owner(actor, resource)
    if action == P.MESSAGING_MAIL_RELAY:
        return _mail_relay(actor, resource)
    patient = patient_of(resource)
    if patient is None:
        return deny("no-patient", "resource has no patient")
    conversation = _conversation_of(resource)
    closed = conversation is not None and conversation.is_closed
    if action == P.MESSAGING_PAPER_REPLY_RECORD:
        return _paper_reply(actor, patient, closed)
    refused = decide_space(actor, patient)
    if refused is not None:
        return refused
    if actor.role == Role.PROFESSIONAL and actor.professional is not None:
        return _messaging_professional(actor.professional, action, patient, conversation)
    if actor.role == Role.SYSTEM:
        return deny("default-deny", "no rule allows this")
    if actor.patient is None or actor.patient.pk != patient.pk:
        return deny("not-their-space", "the actor acts for another patient")
    standing = _standing(actor, action, patient)
    if standing is not None:
        return standing
    if action == P.MESSAGING_CONVERSATION_CLOSE:
        return deny("mailbox-closes", "the professional or the organisation closes a conversation")
    if action == P.MESSAGING_MESSAGE_SEND and closed:
        return deny("conversation-closed", "the conversation was closed")
    if action == P.MESSAGING_CONVERSATION_START:
        if conversation is None:
            return deny("wrong-resource", "a conversation is started with a mailbox")
        return _patient_may_start(patient, conversation.mailbox)
    return allow(f"{actor.role}-own-conversation")


def _mailbox_owner(actor: Actor, mailbox) -> Decision:
    """A professional's own mailbox (made on first use, its settings): its owner's alone."""
    if actor.role != Role.PROFESSIONAL or actor.professional is None:
        return deny("professional-only", "only a professional owns a mailbox")
    if not isinstance(mailbox, Mailbox) or mailbox.owner_id != actor.professional.pk:
        return deny("not-owner", "only the mailbox's owner manages it")
    return allow("mailbox-owner")


def _mail_relay(actor: Actor, resource) -> Decision:
    """The worker hands a patient's reply to the secure-mail relay (never anyone else; an open space only)."""
    if actor.role != Role.SYSTEM:
        return deny("system-only", "only the service relays secure mail")
    patient = patient_of(resource)
    if patient is not None and patient.state != Patient.State.OPEN:
        return deny("space-not-open", f"space is {patient.state}")
    return allow("secure-mail-relay")


def _paper_reply(actor: Actor, patient: Patient, closed: bool) -> Decision:
    if actor.role != Role.OPERATOR:
        return deny("operator-only", "only operators record a paper reply")
    if patient.state != Patient.State.OPEN:
        return deny("space-not-open", f"space is {patient.state}")
    if closed:
        return deny("conversation-closed", "the conversation was closed")
    return allow("operator-paper-reply")


def _patient_may_start(patient: Patient, mailbox: Mailbox) -> Decision:
    """MES lets a patient write first to a pharmacy only; carnet also to the médecin traitant and to
    mailboxes that accept patients' first messages."""
    if Block.objects.filter(patient=patient, professional_id=mailbox.owner_id).exists():
        return deny("blocked", "the patient blocked this professional")
    if mailbox.kind == Mailbox.Kind.PHARMACY:
        return allow("patient-writes-pharmacy")
    if mailbox.kind == Mailbox.Kind.PERSONAL and mailbox.owner_id == patient.gp_id:
        return allow("patient-writes-gp")
    if mailbox.accepts_patient_messages:
        return allow("mailbox-accepts-patients")
    return deny("mailbox-not-open-to-patients", "this mailbox does not take first messages from patients")


def _messaging_professional(professional, action: str, patient: Patient, conversation) -> Decision:
    standing = _standing_of(professional, patient)
    if standing.blocked:
        return deny("blocked", "the patient blocked this professional")
    if action == P.MESSAGING_ATTACHMENT_FILE:
        return deny("patient-only-action", "the patient files a received attachment")
    if action == P.MESSAGING_CONVERSATION_SEARCH:
        return allow("mailbox-member")  # the list filter keeps their mailboxes' conversations only
    if conversation is None or not conversation.mailbox.has_member(professional):
        return deny("not-mailbox-member", "the conversation belongs to another mailbox")
    if action == P.MESSAGING_CONVERSATION_START:
        basis = _basis(professional, patient, standing)
        return basis or deny("no-standing", "no grant, médecin traitant or emergency access")
    if action in (P.MESSAGING_MESSAGE_SEND, P.MESSAGING_CONVERSATION_CLOSE) and conversation.is_closed:
        return deny("conversation-closed", "the conversation was closed")
    return allow("mailbox-member")


def conversation_filter(actor: Actor) -> Q | None:
    """The filter of the conversations ``actor`` may list; None means nothing. A professional sees their
    mailboxes' conversations with open spaces that did not block them; a person, their space's."""
    if actor.role == Role.PROFESSIONAL and actor.professional is not None:
        pro = actor.professional
        mailboxes = Mailbox.objects.filter(Q(owner=pro) | Q(members=pro)).values("pk")
        blocked = Block.objects.filter(professional=pro).values("patient_id")
        return Q(mailbox_id__in=mailboxes, patient__state=Patient.State.OPEN) & ~Q(patient_id__in=blocked)
    if actor.patient is None:
        return None
    if not decide(actor, P.MESSAGING_CONVERSATION_SEARCH, actor.patient).allowed:
        return None
    return Q(patient=actor.patient)


# --- lists and searches ---------------------------------------------------------------------------------


def document_filter(actor: Actor, patient: Patient) -> Q | None:
    """The filter a query must apply to list ``patient``'s documents for ``actor``; None means nothing.

    For professionals the patient's choices (block, emergency, grants, masked documents) are subqueries of
    the filter itself: listing costs the database no extra round trip. ``decide`` answers the same for a
    single document; the policy table test checks the two agree in every case.
    """
    if actor.role == Role.PROFESSIONAL and actor.professional is not None:
        if decide_space(actor, patient) is not None:
            return None
        return _professional_filter(actor.professional, patient)
    decision = decide(actor, P.RECORD_DOCUMENT_SEARCH, patient)
    if not decision.allowed:
        return None
    now = timezone.now()
    visible = Q(hidden_from_patient_until__isnull=True) | Q(hidden_from_patient_until__lte=now)
    if actor.role == Role.REPRESENTATIVE:
        visible &= Q(minor_secret=False)
    return visible


def profile_kinds(actor: Actor) -> set[str] | None:
    """The health profile kinds a list may show ``actor`` (None: every kind): an app only the kinds its
    SMART scopes name (``patient/AllergyIntolerance.rs`` opens allergies, not conditions)."""
    if actor.role != Role.APP:
        return None
    kinds = PROFILE_KIND_OF.values()
    return {kind for kind in kinds if app_allows(actor.scopes, P.RECORD_PROFILE_READ, kind)}


def decide_space(actor: Actor, patient: Patient) -> Decision | None:
    """The refusal that needs no query (operator, anonymous, space not open), or None."""
    if actor.role in (Role.OPERATOR, Role.ANONYMOUS):
        return deny(f"{actor.role}-no-clinical-access", "operators and anonymous users never read a record")
    if patient.state != Patient.State.OPEN:
        return deny("space-not-open", f"space is {patient.state}")
    return None


class _OnDocument(Expression):
    """A hand-written SQL predicate over the document row: ``{status}``-style names in ``sql`` become the
    columns of the document table under whatever alias the query gives it (subqueries relabel it)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, sql: str, params: list, columns: list[str]):
        super().__init__()
        self.sql, self.params, self.columns = sql, params, [F(name) for name in columns]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        names = {}
        for column in self.columns:
            sql, _params = compiler.compile(column)
            names[column.target.attname] = sql
        return self.sql.format(**names), list(self.params)


def _professional_filter(professional, patient: Patient) -> Q:
    """Own documents, plus, with a basis (emergency, GP, grant), the readable ones; nothing if blocked.

    The same rules as ``_professional_document``, as one hand-written SQL predicate (``_Clauses`` for what
    the patient decided) whose document columns Django names, so the filter stays right whatever alias the
    query gives the table. Built from Django subquery expressions instead, it cost more to compile than
    PostgreSQL took to run it.
    """
    c = _Clauses(professional, patient)
    not_masked = ("{visibility} <> %s", [Visibility.MASKED])
    if patient.gp_id == professional.pk:  # the standing grant is a basis; masked as the patient chose
        basis_and_masks = _join("(", not_masked, "OR", c.emergency, "OR NOT", c.masked_hidden_from_gp, ")")
    else:
        basis_and_masks = _join(
            "(", c.emergency, "OR", c.grant_mode, "IS NOT NULL) AND (", not_masked, "OR", c.emergency, ")"
        )
    sql, params = _join(
        "NOT",
        c.block,
        "AND (",
        ("{author_id} = %s", [professional.pk]),
        "OR (",
        ("{status} IN (%s, %s) AND {visibility} <> %s", [*VISIBLE_STATUSES, Visibility.PRIVATE]),
        "AND {type_code} IN (",
        c.readable_types,
        ") AND",
        basis_and_masks,
        "))",
    )
    columns = ["author_id", "status", "visibility", "type_code"]
    return Q(_OnDocument(sql, params, columns))
