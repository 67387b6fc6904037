"""The patient's journal in plain French: who, what, when, how, emergency or not. Reading it is journaled."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.identity.models import Professional
from carnet.journal.models import Entry

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
    P.ACCESS_GRANT_EXTEND: _("a prolongé son accès en consultant votre dossier"),
    P.ACCESS_MATRIX_CHANGE: _("a changé ce que chaque profession peut lire"),
    P.ACCESS_APP_REVOKE: _("a retiré l'accès d'une application"),
    P.ACCOUNT_CODE_REQUEST: _("a demandé un nouveau code provisoire"),
    P.ACCOUNT_CONTACT_CHANGE: _("a changé vos coordonnées"),
    P.ACCOUNT_DEVICE_REMEMBER: _("s'est connecté depuis un appareil"),
    P.ACCOUNT_GP_CHOOSE: _("a déclaré votre médecin traitant"),
    P.ACCOUNT_MINOR_SPACE_OPEN: _("a ouvert votre espace en tant que représentant légal"),
    P.ACCOUNT_PAPER_REQUEST: _("a enregistré une demande reçue par courrier"),
    P.ACCOUNT_PASSWORD_RESET: _("a changé le mot de passe par l'oubli de mot de passe"),
    P.ACCOUNT_REPRESENTATIVE_ADD: _("a enregistré un représentant légal"),
    P.ACCOUNT_REPRESENTATIVE_END: _("a mis fin à une représentation légale"),
    P.ACCOUNT_SIGN_IN_CODE: _("a demandé un code de connexion"),
    P.ACCOUNT_SIGN_IN_PASSWORD: _("a saisi le mot de passe de connexion"),
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
    P.NOTIFY_LETTERS_PRINT: _("a imprimé vos courriers"),
    P.NOTIFY_PREFERENCES_CHANGE: _("a changé vos préférences de notification"),
    P.RECORD_DOCUMENT_RELEASE_DUE: _("a montré un document retenu à la fin du délai"),
    P.VAULT_KEYS_ROTATE: _("a renouvelé les clés de chiffrement"),
    P.STATS_TABLES_REFRESH: _("a mis à jour les statistiques publiques"),
}
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
    limit: int = 200,
) -> list[Line]:
    """The journal lines about ``patient``, newest first (reading it is itself journaled).

    Filters: ``kind`` (an action), ``emergency_only``, ``refused_only``, ``since``/``until`` (datetimes,
    inclusive/exclusive), ``actor_user_id`` (one person's accesses).
    """
    authorize(actor, P.JOURNAL_ENTRY_READ, patient)
    entries = (
        Entry.objects.filter(patient_id=patient.pk).exclude(action=P.JOURNAL_ENTRY_READ).order_by("-seq")
    )
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
    entries = list(entries[:limit])
    ids = {e.actor_professional_id for e in entries if e.actor_professional_id}
    professions = {p.pk: p.get_profession_display() for p in Professional.objects.filter(pk__in=ids)}
    return [_line(entry, professions) for entry in entries]


def _line(entry: Entry, professions: dict) -> Line:
    what = WHAT.get(entry.action, _("une action de l'équipe carnet"))  # never a raw code
    if not entry.allowed:
        what = _("a tenté : %(what)s (refusé)") % {"what": what}
    return Line(
        seq=entry.seq,
        at=entry.at,
        who=entry.actor_label or entry.actor_role,
        profession=str(professions.get(entry.actor_professional_id, "")),
        on_behalf_of=entry.on_behalf_of_label,
        what=str(what),
        how=str(HOW.get(entry.channel, entry.channel)),
        allowed=entry.allowed,
        emergency=entry.action in EMERGENCY_ACTIONS or entry.channel == "emergency",
    )
