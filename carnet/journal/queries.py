"""The patient's journal in plain words: who, profession, what, which document, when, how, emergency or not;
others' accesses apart from the patient's own actions, grouped by professional, paged, with a timeline.
Reading it is journaled. No line ever shows a raw action code."""

import contextlib
import datetime
import json
import uuid
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.access.actor import Actor, Role
from carnet.access.gate import authorize
from carnet.access.models import AccessContest
from carnet.access.permissions import Permission as P
from carnet.access.policy import document_filter
from carnet.identity.models import Professional
from carnet.journal import proof
from carnet.journal.models import Entry
from carnet.records.models import Document

# How a deposit's entry (about the patient: the document does not exist yet) says it is under minor secrecy.
MINOR_SECRET_MARK = '"minor_secret":true'

WHAT = {
    P.RECORD_DOCUMENT_READ: _("a consulté un document"),
    P.RECORD_DOCUMENT_SEARCH: _("a parcouru la liste de vos documents"),
    P.RECORD_DOCUMENT_DEPOSIT: _("a ajouté un document"),
    P.RECORD_DOCUMENT_DELETE: _("a supprimé un document"),
    P.RECORD_DOCUMENT_REPLACE: _("a remplacé un document"),
    P.RECORD_DOCUMENT_HIDE: _("a retenu un document avant une consultation d'annonce"),
    P.RECORD_DOCUMENT_INDEX: _("a lu le texte d'un document pour la recherche dans votre dossier"),
    P.RECORD_DOCUMENT_SET_VISIBILITY: _("a changé la visibilité d'un document"),
    P.RECORD_PROFILE_READ: _("a consulté votre profil de santé"),
    P.RECORD_PROFILE_WRITE: _("a modifié votre profil de santé"),
    P.RECORD_WISHES_READ: _("a consulté vos volontés"),
    P.RECORD_WISHES_WRITE: _("a modifié vos volontés"),
    P.RECORD_EXPORT_CREATE: _("a téléchargé votre dossier"),
    P.ACCESS_GRANT_CREATE: _("a demandé ou déclaré un accès"),
    P.ACCESS_EMERGENCY_OPEN: _("a ouvert votre dossier en urgence"),
    P.ACCESS_SAMU_OPEN: _("a ouvert votre dossier depuis le SAMU"),
    P.ACCESS_SETTINGS_MANAGE: _("a changé vos réglages d'accès"),
    P.ACCESS_MANDATE_GRANT: _("a donné un mandat pour agir pour vous"),
    P.ACCESS_EMERGENCY_REVIEW: _("a examiné un accès en urgence à votre dossier"),
    P.JOURNAL_CONTEST_ANSWER: _("a répondu à votre contestation"),
    P.JOURNAL_ENTRY_READ: _("a consulté votre journal"),
    P.JOURNAL_ENTRY_CONTEST: _("a contesté un accès"),
    P.MESSAGING_ATTACHMENT_FILE: _("a classé dans votre dossier une pièce jointe reçue par messagerie"),
    P.MESSAGING_CONVERSATION_ARCHIVE: _("a rangé une conversation de messagerie"),
    P.MESSAGING_CONVERSATION_CLOSE: _("a clos une conversation de messagerie"),
    P.MESSAGING_CONVERSATION_READ: _("a lu une conversation de messagerie"),
    P.MESSAGING_CONVERSATION_SEARCH: _("a parcouru vos conversations de messagerie"),
    P.MESSAGING_CONVERSATION_START: _("a commencé une conversation de messagerie"),
    P.MESSAGING_MESSAGE_SEND: _("a envoyé un message dans une conversation"),
    P.MESSAGING_MAIL_RELAY: _("a transmis votre réponse à la messagerie sécurisée du professionnel"),
    P.MESSAGING_MAILBOX_MANAGE: _("a ouvert ou réglé sa messagerie sécurisée"),
    P.MESSAGING_PAPER_REPLY_RECORD: _("a enregistré votre réponse reçue par courrier"),
    P.ACCESS_GRANT_EXTEND: _("a prolongé son accès en consultant votre dossier"),
    P.ACCESS_MATRIX_CHANGE: _("a changé ce que chaque profession peut lire"),
    P.ACCESS_APP_REVOKE: _("a retiré l'accès d'une application"),
    P.ACCESS_APP_TOKENS_REVOKE: _(
        "a retiré l'accès d'une application : son code d'autorisation a servi deux fois"
    ),
    P.ACCOUNT_CODE_REQUEST: _("a demandé un nouveau code provisoire"),
    P.ACCOUNT_CONTACT_CHANGE: _("a changé vos coordonnées"),
    P.ACCOUNT_DEVICE_REMEMBER: _("s'est connecté depuis un appareil"),
    P.ACCOUNT_EXPIRED_CLEAR: _("a effacé les sessions et les jetons de connexion expirés"),
    P.ACCOUNT_GP_CHOOSE: _("a déclaré votre médecin traitant"),
    P.ACCOUNT_MINOR_SPACE_OPEN: _("a ouvert votre espace en tant que représentant légal"),
    P.ACCOUNT_PAPER_REQUEST: _("a enregistré une demande reçue par courrier"),
    P.ACCOUNT_PASSWORD_RESET: _("a changé le mot de passe par l'oubli de mot de passe"),
    P.ACCOUNT_REPRESENTATIVE_ADD: _("a enregistré un représentant légal"),
    P.ACCOUNT_REPRESENTATIVE_END: _("a mis fin à une représentation légale"),
    P.ACCOUNT_SIGN_IN_CODE: _("a demandé un code de connexion"),
    P.ACCOUNT_SIGN_IN_PASSWORD: _("a saisi le mot de passe de connexion"),
    P.ACCOUNT_SIGN_IN_PROVIDER: _(
        "s'est connecté par un service d'identification (Pro Santé Connect, FranceConnect)"
    ),
    P.ACCOUNT_PROFESSIONAL_INVITE: _("a invité un professionnel à s'inscrire"),
    P.ACCOUNT_PROFESSIONAL_ENROL: _("s'est inscrit avec son invitation"),
    P.ACCESS_STANDING_READ: _("a vérifié s'il a accès à votre dossier"),
    P.ACCOUNT_SPACE_ACTIVATE: _("a activé votre espace"),
    P.ACCOUNT_SPACE_CLOSE: _("a clôturé votre espace"),
    P.ACCOUNT_SPACE_DESTROY: _("a détruit le dossier à la fin de sa conservation"),
    P.ACCOUNT_SPACE_EARLY_DESTRUCTION: _("a demandé la destruction anticipée de votre dossier"),
    P.ACCOUNT_SPACE_INVITE: _("vous a invité à activer votre espace"),
    P.ACCOUNT_SPACE_MAJORITY: _("vous a remis votre espace à votre majorité"),
    P.ACCOUNT_SPACE_OBJECT: _("s'est opposé à la suspension de votre espace"),
    P.ACCOUNT_SPACE_OPEN: _("a ouvert votre espace"),
    P.ACCOUNT_SPACE_OPPOSE: _("a enregistré votre opposition"),
    P.ACCOUNT_SPACE_REOPEN: _("a rouvert votre espace"),
    P.ACCOUNT_SPACE_SUSPEND: _("a suspendu votre espace"),
    P.ACCOUNT_TOTP_SETUP: _("a réglé l'application d'authentification"),
    P.NOTIFY_DIGEST_SEND: _("vous a envoyé le résumé du jour"),
    P.NOTIFY_LETTERS_FORGET: _("a effacé le texte des courriers imprimés depuis longtemps"),
    P.NOTIFY_LETTERS_PRINT: _("a imprimé vos courriers"),
    P.NOTIFY_LETTER_READ: _(
        "a lu un courrier qui vous est adressé, pour l'imprimer et vous l'envoyer par la poste"
    ),
    P.NOTIFY_PREFERENCES_CHANGE: _("a changé vos préférences de notification"),
    P.RECORD_DOCUMENT_RELEASE_DUE: _("a montré un document retenu à la fin du délai"),
    P.VAULT_KEYS_ROTATE: _("a renouvelé les clés de chiffrement"),
    P.VAULT_BLOBS_SWEEP: _("a effacé les contenus chiffrés qu'aucun document ne référence"),
    P.AGENDA_EVENT_CANCEL: _("a annulé un rendez-vous"),
    P.AGENDA_EVENT_CREATE: _("a ajouté un rendez-vous"),
    P.AGENDA_EVENT_READ: _("a lu votre agenda"),
    P.AGENDA_EVENT_UPDATE: _("a déplacé un rendez-vous"),
    P.AGENDA_FEED_MANAGE: _("a réglé les rappels ou l'adresse de votre agenda"),
    P.AGENDA_PREVENTION_ANSWER: _("a répondu à une proposition de prévention"),
    P.AGENDA_REMINDER_SEND: _("vous a envoyé un rappel de rendez-vous"),
    P.CATALOGUE_APP_CONNECT: _("a connecté une application à votre dossier"),
    P.CATALOGUE_FILE_DECIDE: _("a décidé du référencement d'une application"),
    P.CATALOGUE_FILE_EXPIRE: _("a suspendu une application à la fin de son référencement"),
    P.CATALOGUE_FILE_SUBMIT: _("a déposé le dossier d'une application"),
    P.RECORD_MEASUREMENT_READ: _("a lu vos mesures"),
    P.RECORD_MEASUREMENT_WRITE: _("a écrit une mesure"),
    P.STATS_TABLES_REFRESH: _("a mis à jour les statistiques publiques"),
    P.SCHEDULE_OCCURRENCE_RUN: _("a lancé une tâche planifiée du service"),
    P.SCHEDULE_TASKS_PRUNE: _("a effacé les traces des tâches terminées du service"),
    P.RESEARCH_CHOICE_READ: _("a consulté vos choix pour la recherche"),
    P.RESEARCH_CHOICE_SET: _("a changé vos choix pour la recherche"),
    P.RESEARCH_EXTRACT_CREATE: _("a produit un extrait pour une étude"),
    P.RESEARCH_EXTRACT_INCLUDE: _("a inclus vos données dans l'extrait d'une étude de recherche"),
    P.RESEARCH_STUDY_REGISTER: _("a enregistré une étude de recherche"),
    P.ACCESS_PATIENT_LOOKUP: _("a recherché votre dossier par votre identité (INS)"),
}
# A refused line says what was attempted, never what was done ("a ajouté un document" for a refused deposit).
TRIED = {
    P.RECORD_DOCUMENT_DEPOSIT: _("a tenté d'ajouter un document (refusé)"),
    P.RECORD_DOCUMENT_READ: _("a tenté de consulter un document (refusé)"),
    P.RECORD_DOCUMENT_SEARCH: _("a tenté de parcourir la liste de vos documents (refusé)"),
    P.RECORD_PROFILE_READ: _("a tenté de consulter votre profil de santé (refusé)"),
    P.RECORD_DOCUMENT_REPLACE: _("a tenté de remplacer un document (refusé)"),
}
# The settings entries say what was done (their detail's key), never "changed your settings" for a mere visit.
SETTINGS = {
    "view": _("a ouvert la page « Qui peut voir mon dossier »"),
    "grant": _("a accepté une demande d'accès"),
    "presence-code": _("a créé un code de présence"),
    "revoke": _("a retiré l'accès d'un professionnel"),
    "block": _("a bloqué un professionnel"),
    "unblock": _("a débloqué un professionnel"),
    "settings": _("a changé ses réglages d'accès"),
    "category": _("a choisi la visibilité d'une catégorie de documents sensibles"),
    "mandate": _("a retiré un mandat"),
}
ACCOUNT = {
    "invite": _("a préparé votre espace et envoyé votre code d'activation"),
    "oppose": _("a enregistré votre opposition"),
    "open": _("a ouvert votre espace (délai d'opposition passé)"),
    "activate": _("a activé son espace"),
    "close": _("a clôturé l'espace"),
    "close-early": _("a clôturé l'espace et demandé sa destruction rapide"),
    "early-destruction": _("a demandé la destruction rapide de l'espace"),
    "reopen": _("a rouvert l'espace"),
    "suspend": _("a suspendu l'espace"),
    "object-to-suspension": _("s'est opposé à la suspension de l'espace"),
    "majority": _("a transmis l'espace à son titulaire devenu majeur"),
    "destroy": _("a détruit l'espace"),
}
WHO = {
    Role.SYSTEM: _("carnet (opération automatique)"),
    Role.OPERATOR: _("l'équipe carnet"),
    Role.APP: _("une application"),
    Role.ANONYMOUS: _("une personne non connectée"),
}
PROFESSION_ROLES = {Role.PROFESSIONAL}
NOT_CONTESTABLE = {P.JOURNAL_CONTEST_ANSWER, P.ACCESS_EMERGENCY_REVIEW, P.RECORD_DOCUMENT_INDEX}
OTHERS_ROLES = {Role.PROFESSIONAL, Role.CAREGIVER, Role.REPRESENTATIVE, Role.OPERATOR, Role.APP}
HOW = {
    "web": _("site"),
    "api": _("logiciel professionnel"),
    "app": _("application"),
    "task": _("automatique"),
    "cli": _("exploitation"),
    "emergency": _("urgence"),
}
EMERGENCY_ACTIONS = {P.ACCESS_EMERGENCY_OPEN, P.ACCESS_SAMU_OPEN}


@dataclass
class Line:
    seq: int
    at: object
    who: str
    profession: str
    on_behalf_of: str
    what: str
    how: str
    allowed: bool
    emergency: bool
    document: str = ""
    by_others: bool = False
    contestable: bool = False
    contest: object = None
    group_key: str = ""
    # The entry's codes, for software reading the journal (the FHIR API's AuditEvent), never shown as words.
    action: str = ""
    channel: str = ""
    actor_role: str = ""
    actor_professional_id: int | None = None
    resource_type: str = ""
    resource_id: str = ""


@dataclass
class Group:
    """One professional (or other person) and their lines on this page."""

    who: str
    profession: str
    lines: list = field(default_factory=list)

    @property
    def emergency(self) -> bool:
        return any(line.emergency for line in self.lines)


@dataclass
class Timeline:
    """Accesses by others per person and per day over ``days`` days ending today (for the picture)."""

    days: list
    rows: list  # (who, profession, [count per day], total, first, last)

    @property
    def peak(self) -> int:
        return max([max(counts) for _w, _p, counts, *_rest in self.rows] or [0]) or 1


@dataclass
class JournalPage:
    lines: list
    groups: list
    page: int
    has_next: bool
    timeline: Timeline | None


def patient_journal(
    actor: Actor,
    patient,
    *,
    kind: str = "",
    emergency_only: bool = False,
    refused_only: bool = False,
    since=None,
    until=None,
    actor_user_id: int | None = None,
    who: str = "",
    offset: int = 0,
    limit: int = 200,
) -> list[Line]:
    """The journal lines about ``patient``, newest first (reading it is itself journaled).

    Filters: ``kind`` (an action), ``emergency_only``, ``refused_only``, ``since``/``until`` (datetimes,
    inclusive/exclusive), ``actor_user_id`` (one person's accesses), ``who`` ("others": accesses by
    professionals, caregivers, operators and apps; "mine": the patient's own actions and the service's).
    """
    authorize(actor, P.JOURNAL_ENTRY_READ, patient)
    entries = _entries(actor, patient, kind, emergency_only, refused_only, since, until, actor_user_id, who)
    return _lines(patient, list(entries[offset : offset + limit]))


def journal_page(
    actor: Actor,
    patient,
    *,
    who="others",
    since=None,
    until=None,
    emergency_only=False,
    refused_only=False,
    page: int = 1,
    per_page: int = 50,
    timeline_days: int = 30,
) -> JournalPage:
    """One page of the journal for the patient's page: lines, the same lines grouped by person (others'
    accesses), whether an older page exists, and the timeline of others' accesses (one journaled read)."""
    authorize(actor, P.JOURNAL_ENTRY_READ, patient)
    page = max(1, page)
    entries = _entries(actor, patient, "", emergency_only, refused_only, since, until, None, who)
    rows = list(entries[(page - 1) * per_page : page * per_page + 1])
    lines = _lines(patient, rows[:per_page])
    groups: dict[str, Group] = {}
    for line in lines:
        groups.setdefault(line.group_key, Group(line.who, line.profession)).lines.append(line)
    timeline = _timeline(actor, patient, timeline_days) if who == "others" else None
    return JournalPage(lines, list(groups.values()), page, len(rows) > per_page, timeline)


def journal_download(actor: Actor, patient) -> bytes:
    """The patient's own entries with the proof that they belong to the signed chain (journal/proof.py)."""
    authorize(actor, P.JOURNAL_ENTRY_READ, patient, detail={"download": "proof"})
    return proof.download_json(patient.pk)


def _entries(actor, patient, kind, emergency_only, refused_only, since, until, actor_user_id, who):
    entries = (
        Entry.objects.filter(patient_id=patient.pk).exclude(action=P.JOURNAL_ENTRY_READ).order_by("-seq")
    )
    entries = _visible_to(actor, patient, entries)
    if kind:
        entries = entries.filter(action=kind)
    if emergency_only:
        entries = entries.filter(action__in=EMERGENCY_ACTIONS)
    if refused_only:
        entries = entries.filter(allowed=False)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    if actor_user_id is not None:
        entries = entries.filter(actor_user_id=actor_user_id)
    if who == "others":
        entries = entries.filter(actor_role__in=OTHERS_ROLES)
    elif who == "mine":
        entries = entries.exclude(actor_role__in=OTHERS_ROLES)
    return entries


def _visible_to(actor: Actor, patient, entries):
    """A representative's journal obeys the documents' visibility: no line about a document they may not
    see (care under minor secrecy: with a gynaecologist as author, the line itself is the secret)."""
    if actor.role != Role.REPRESENTATIVE:
        return entries
    shown = document_filter(actor, patient)
    unseen = Document.objects.filter(patient=patient)
    unseen = unseen.exclude(shown) if shown is not None else unseen
    ids = [str(pk) for pk in unseen.values_list("pk", flat=True)]
    return entries.exclude(resource_type="Document", resource_id__in=ids).exclude(
        detail__contains=MINOR_SECRET_MARK
    )


def _timeline(actor, patient, days: int) -> Timeline:
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=days - 1)
    since = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time()))
    entries = _entries(actor, patient, "", False, False, since, None, None, "others")
    rows: dict[str, list] = {}
    names: dict[str, tuple] = {}
    professions = _professions(entries.order_by().values_list("actor_professional_id", flat=True).distinct())
    for at, label, role, professional_id in entries.values_list(
        "at", "actor_label", "actor_role", "actor_professional_id"
    )[:5000]:
        key = _group_key(label, role, professional_id)
        counts = rows.setdefault(key, [0] * days)
        counts[min(days - 1, (timezone.localtime(at).date() - first_day).days)] += 1
        name, first, last, profession = names.get(
            key, (_who(label, role), at, at, professions.get(professional_id, ""))
        )
        names[key] = (name, min(first, at), max(last, at), profession)
    result = []
    for key, counts in rows.items():
        name, first, last, profession = names[key]
        result.append((name, str(profession), counts, sum(counts), first, last))
    result.sort(key=lambda row: -row[3])
    return Timeline([first_day + datetime.timedelta(days=i) for i in range(days)], result)


def _professions(ids) -> dict:
    ids = {pk for pk in ids if pk}
    return {p.pk: p.get_profession_display() for p in Professional.objects.filter(pk__in=ids)}


def _lines(patient, entries: list) -> list[Line]:
    professions = _professions(e.actor_professional_id for e in entries)
    documents = _document_titles(patient, entries)
    contests = {c.entry_seq: c for c in AccessContest.objects.filter(patient_id=patient.pk)}
    return [_line(entry, professions, documents, contests) for entry in entries]


def _document_titles(patient, entries) -> dict:
    """Titles of the documents the lines are about, except those held back from the patient for now."""
    ids = {e.resource_id for e in entries if e.resource_type == "Document" and e.resource_id}
    shown = Document.objects.filter(patient_id=patient.pk, pk__in=_uuids(ids)).exclude(
        hidden_from_patient_until__gt=timezone.now()
    )
    return {str(pk): title for pk, title in shown.values_list("pk", "title")}


def _uuids(ids) -> list:
    out = []
    for value in ids:
        with contextlib.suppress(ValueError):  # a document id that is not a UUID: no title to show
            out.append(uuid.UUID(str(value)))
    return out


def _group_key(label: str, role: str, professional_id) -> str:
    return f"pro:{professional_id}" if professional_id else f"{role}:{label}"


def _who(label: str, role: str) -> str:
    if role in WHO and not (role == Role.APP and label):
        return str(WHO[role])
    return label or str(WHO.get(role, _("une personne")))


CARD = {
    "issued": _("a créé une carte d'urgence (la précédente ne fonctionne plus)"),
    "revoked": _("a révoqué sa carte d'urgence"),
    "shown": _("a affiché sa carte d'urgence"),
}


def _what(entry: Entry) -> str:
    if entry.action == P.ACCESS_PATIENT_LOOKUP and _detail(entry).get("via") == "emergency-card":
        return str(_("a ouvert le lien de votre carte d'urgence"))
    if entry.action == P.ACCOUNT_CONTACT_CHANGE and "language" in _detail(entry):
        return str(_("a choisi la langue de ses courriers et documents"))
    if entry.action == P.ACCOUNT_TOTP_SETUP and _detail(entry).get("step") == "paper-list":
        return str(_("a demandé une nouvelle liste de codes de connexion par courrier"))
    if entry.action == P.ACCESS_SETTINGS_MANAGE:
        detail = _detail(entry)
        if detail.get("card") in CARD:
            return str(CARD[detail["card"]])
        key = next((k for k in SETTINGS if k in detail), "settings")
        return str(SETTINGS[key])
    if entry.action in WHAT:
        return str(WHAT[entry.action])
    if entry.action.startswith("account:space:"):
        return str(ACCOUNT.get(entry.action.removeprefix("account:space:"), _("a changé l'état de l'espace")))
    return str(_("a effectué une opération sur votre dossier"))  # never a raw code


def _detail(entry: Entry) -> dict:
    try:
        value = json.loads(entry.detail or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _line(
    entry: Entry, professions: dict, documents: dict | None = None, contests: dict | None = None
) -> Line:
    what = _what(entry)
    if not entry.allowed:
        what = TRIED.get(entry.action) or _("a tenté : %(what)s (refusé)") % {"what": what}
    by_others = entry.actor_role in OTHERS_ROLES
    contest = (contests or {}).get(entry.seq)
    return Line(
        seq=entry.seq,
        at=entry.at,
        who=_who(entry.actor_label, entry.actor_role),
        profession=str(professions.get(entry.actor_professional_id, "")),
        on_behalf_of=entry.on_behalf_of_label,
        what=str(what),
        how=str(HOW.get(entry.channel, _("autre"))),
        allowed=entry.allowed,
        emergency=entry.action in EMERGENCY_ACTIONS or entry.channel == "emergency",
        document=(documents or {}).get(entry.resource_id, "") if entry.resource_type == "Document" else "",
        by_others=by_others,
        contestable=by_others and entry.allowed and contest is None and entry.action not in NOT_CONTESTABLE,
        contest=contest,
        group_key=_group_key(entry.actor_label, entry.actor_role, entry.actor_professional_id),
        action=entry.action,
        channel=entry.channel,
        actor_role=entry.actor_role,
        actor_professional_id=entry.actor_professional_id,
        resource_type=entry.resource_type,
        resource_id=entry.resource_id,
    )
