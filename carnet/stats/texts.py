"""What each published table is called and how its codes read, in the reader's language."""

from django.utils.translation import gettext_lazy as _

from carnet.access.models import EmergencyAccess, Grant
from carnet.identity.models import Profession
from carnet.messaging.models import Message
from carnet.records.codes import CLASSES
from carnet.records.models import Visibility
from carnet.stats.geography import DEPARTMENTS, REGIONS

TITLES = {
    "espaces-crees-par-region": _("Espaces créés, par région"),
    "espaces-crees-par-age": _("Espaces créés, par âge"),
    "espaces-actives-par-region": _("Espaces activés par leur titulaire, par région"),
    "espaces-actives-par-age": _("Espaces activés par leur titulaire, par âge"),
    "espaces-fermes-par-region": _("Espaces fermés, par région"),
    "oppositions": _("Oppositions à la création d'un espace"),
    "documents-deposes-par-classe": _("Documents déposés, par classe"),
    "documents-deposes-par-auteur": _("Documents déposés, par auteur"),
    "documents-deposes-par-region": _("Documents déposés, par région du patient"),
    "documents-lus-par-un-professionnel": _("Documents lus par un professionnel autre que leur auteur"),
    "documents-lus-par-un-professionnel-par-region": _(
        "Documents lus par un professionnel autre que leur auteur, par région"
    ),
    "documents-lus-par-le-patient": _("Documents lus par le patient (ou qui agit pour lui)"),
    "delai-avant-premiere-lecture": _("Délai entre le dépôt et la première lecture par un professionnel"),
    "professionnels-actifs": _("Professionnels actifs, par profession"),
    "acces-en-urgence": _("Accès en urgence"),
    "examens-des-acces-en-urgence": _("Examen des accès en urgence, par conclusion"),
    "autorisations-par-mode": _("Autorisations d'accès données, par mode"),
    "masquage": _("Choix de visibilité des documents"),
    "blocages": _("Professionnels bloqués et débloqués"),
    "notifications-par-canal": _("Notifications envoyées, par canal"),
    "courriers-imprimes": _("Courriers postaux imprimés"),
    "messages-echanges": _("Messages échangés entre patients et professionnels, par auteur"),
    "messages-par-canal": _("Messages échangés, par canal"),
    "documents-jamais-lus": _("Documents jamais lus 30 et 90 jours après leur dépôt"),
    "carte-espaces-actives": _("Espaces activés ces douze derniers mois, par département"),
}

DESCRIPTIONS = {
    "documents-lus-par-un-professionnel": _(
        "Chaque document compte une fois, le mois de sa première lecture par un professionnel qui n'en est "
        "pas l'auteur. La lecture par le patient n'est pas comptée ici."
    ),
    "documents-jamais-lus": _(
        "Pour chaque mois de dépôt assez ancien : les documents déposés, et ceux lus par quelqu'un d'autre "
        "que leur auteur (un professionnel ou le patient) dans les 30 puis les 90 jours."
    ),
    "delai-avant-premiere-lecture": _(
        "Par mois de dépôt, le nombre de documents selon le délai avant leur première lecture par un "
        "professionnel autre que leur auteur ; la médiane est la classe de délai où se trouve la moitié."
    ),
}

DELAYS = {
    "0": _("le jour même"),
    "1": _("1 jour"),
    "2-3": _("2 à 3 jours"),
    "4-7": _("4 à 7 jours"),
    "8-14": _("8 à 14 jours"),
    "15-30": _("15 à 30 jours"),
    "31-90": _("31 à 90 jours"),
    "91+": _("plus de 90 jours"),
}
OTHERS = {
    "": _("inconnu"),
    "total": _("total"),
    "patient": _("le patient"),
    "insurer": _("l'Assurance maladie"),
    "professional": _("professionnel"),
    "emergency": _("bris de glace"),
    "samu": _("médecin régulateur du SAMU"),
    "presence-code": _("code de présence"),
    "block": _("bloqué"),
    "unblock": _("débloqué"),
    "email": _("courriel"),
    "sms": _("SMS"),
    "letter": _("courrier postal"),
    "documents_deposited": _("déposés"),
    "documents_read_within_30": _("lus dans les 30 jours"),
    "documents_read_within_90": _("lus dans les 90 jours"),
}


def label(slug: str, across: str, code: str) -> str:
    """The words for a column (or a department) code of a published table."""
    if across == "region":
        return str(REGIONS.get(code) or _("région inconnue"))
    if across == "age":
        return str(_("%(band)s ans") % {"band": code}) if code else str(_("âge inconnu"))
    if across == "department":
        return f"{DEPARTMENTS[code][0]} ({code})" if code in DEPARTMENTS else str(_("département inconnu"))
    for names in (_dimension_names(slug), OTHERS):
        if code in names:
            return str(names[code])
    return code


def _dimension_names(slug: str) -> dict:
    if slug.startswith("documents-") and "auteur" not in slug:
        return CLASSES
    if slug in ("documents-deposes-par-auteur", "professionnels-actifs"):
        return dict(Profession.choices)
    if slug == "delai-avant-premiere-lecture":
        return DELAYS
    if slug == "examens-des-acces-en-urgence":
        return {**dict(EmergencyAccess.Outcome.choices), "": _("à examiner")}
    if slug == "autorisations-par-mode":
        return dict(Grant.Mode.choices)
    if slug == "messages-par-canal":
        return dict(Message.Channel.choices)
    if slug == "masquage":
        return dict(Visibility.choices)
    return {}
