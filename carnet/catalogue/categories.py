"""Data categories an application may ask for, the SMART v2 scopes each opens, and the review criteria.

Scopes follow SMART App Launch v2 (``patient/Type.rs`` to read and search, ``.c``/``.cu`` to write);
what each scope actually opens is decided by the policy (``carnet.access.permissions``)."""

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "documents": {
        "label": _("vos documents de santé"),
        "read": ["patient/DocumentReference.rs"],
        "write": ["patient/DocumentReference.c"],
    },
    "allergies": {"label": _("vos allergies"), "read": ["patient/AllergyIntolerance.rs"], "write": []},
    "conditions": {"label": _("vos maladies et antécédents"), "read": ["patient/Condition.rs"], "write": []},
    "treatments": {"label": _("vos traitements"), "read": ["patient/MedicationStatement.rs"], "write": []},
    "vaccinations": {"label": _("vos vaccinations"), "read": ["patient/Immunization.rs"], "write": []},
    "measurements": {
        "label": _("vos mesures (poids, tension, glycémie...)"),
        "read": ["patient/Observation.rs"],
        "write": ["patient/Observation.c"],
    },
    "agenda": {
        "label": _("votre agenda"),
        "read": ["patient/Appointment.rs"],
        "write": ["patient/Appointment.cu"],
    },
    "journal": {
        "label": _("le journal des accès à votre dossier"),
        "read": ["patient/AuditEvent.rs"],
        "write": [],
    },
}
CATEGORY_CHOICES = [(key, value["label"]) for key, value in CATEGORIES.items()]

THEMES = [
    ("chronic", _("Suivi d'une maladie chronique")),
    ("measures", _("Objets connectés et mesures")),
    ("prevention", _("Prévention et bien-être")),
    ("care", _("Organisation des soins")),
]

# What operators check before referencing (the law: prior consent, care purposes only, no reuse).
CRITERIA = [
    ("purpose", _("La finalité relève de la prévention, du diagnostic, des soins ou du suivi")),
    ("minimal", _("Chaque catégorie demandée est nécessaire à cette finalité et justifiée")),
    ("hds", _("Les données sont hébergées chez un hébergeur certifié HDS (certificat vérifié)")),
    ("dpia", _("Une analyse d'impact (AIPD) a été menée et transmise")),
    ("privacy", _("La politique de confidentialité est claire, en français, accessible")),
    ("no-reuse", _("Aucune revente ni réutilisation des données, recherche comprise")),
    ("retention", _("La durée de conservation est limitée et annoncée")),
    ("security", _("Adresses de retour en HTTPS et clés publiques (JWKS) fournies")),
]


def scopes_for(category: str, mode: str) -> list[str]:
    return list(CATEGORIES.get(category, {}).get(mode, []))


def category_of_scope(scope: str) -> str | None:
    for key, value in CATEGORIES.items():
        if scope in value["read"] or scope in value["write"]:
            return key
    return None
