"""The default profession × document-type matrix (order of 26 October 2023, simplified), and its
plain-words description for patients. Operators change the live matrix (ProfessionRule rows)."""

from django.utils.translation import gettext_lazy as _

ALL_CLINICAL = [
    "11488-4",
    "11490-0",
    "34112-3",
    "15507-7",
    "34874-8",
    "11502-2",
    "11526-1",
    "18748-4",
    "60591-5",
    "34133-9",
    "68599-0",
    "83901-9",
    "57833-6",
    "57832-8",
    "60593-1",
    "11369-6",
    "89601-9",
]
PATIENT_OWN = [f"DOCPAT{n:02d}" for n in range(1, 10)] + ["EXPPAT_1", "EXPPAT_3"]
SUMMARIES = ["60591-5", "34133-9"]

DEFAULT_MATRIX = {
    # Doctors read every type except the residence certificate.
    "medecin": ALL_CLINICAL + PATIENT_OWN + ["REMB"],
    # A dentist does not read psychiatric summaries, psychological assessments or advance directives.
    "chirurgien-dentiste": [t for t in ALL_CLINICAL if t not in {"68599-0", "83901-9"}]
    + [t for t in PATIENT_OWN if t != "EXPPAT_3"],
    "pharmacien": ["57833-6", "57832-8", "60593-1", "11369-6", "11502-2", *SUMMARIES],
    "infirmier": ["57833-6", "57832-8", "60593-1", "11369-6", "11502-2", "11490-0", *SUMMARIES, "EXPPAT_1"],
    "masseur-kinesitherapeute": ["57832-8", "18748-4", "34874-8", "11490-0", *SUMMARIES],
    "sage-femme": [
        "11488-4",
        "11490-0",
        "34112-3",
        "11502-2",
        "18748-4",
        "57833-6",
        "57832-8",
        "60593-1",
        "11369-6",
        *SUMMARIES,
        "EXPPAT_1",
        "EXPPAT_3",
    ],
    "autre": [],
}

PLAIN_WORDS = {
    "medecin": _("Les médecins peuvent lire tous vos documents de santé, sauf les documents administratifs."),
    "chirurgien-dentiste": _(
        "Les chirurgiens-dentistes lisent vos documents de santé, sauf les synthèses "
        "psychiatriques, les bilans psychologiques et vos directives anticipées."
    ),
    "pharmacien": _(
        "Les pharmaciens lisent vos ordonnances, vos délivrances de médicaments, vos vaccinations, "
        "vos analyses de biologie et les synthèses de votre médecin."
    ),
    "infirmier": _(
        "Les infirmiers lisent vos ordonnances, vos vaccinations, vos analyses, vos lettres de sortie, "
        "les synthèses et le nom des personnes à prévenir."
    ),
    "masseur-kinesitherapeute": _(
        "Les kinésithérapeutes lisent vos prescriptions de soins, vos comptes rendus "
        "d'imagerie et opératoires, vos lettres de sortie et les synthèses."
    ),
    "sage-femme": _(
        "Les sages-femmes lisent vos consultations, hospitalisations, analyses, imagerie, "
        "ordonnances, vaccinations, synthèses et vos volontés."
    ),
    "autre": _("Les autres professionnels ne lisent aucun document, sauf en urgence."),
}
