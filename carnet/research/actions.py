"""The only writes of research: a person's choices, a study's registration, an extract and who is in it."""

from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import Actor, Role
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.access.research import Candidate, eligible
from carnet.errors import Refused
from carnet.research import extract
from carnet.research.models import CATEGORIES, Extract, Inclusion, ResearchChoice, Study, StudyConsent


def _who(actor: Actor) -> str:
    return "representative" if actor.role == Role.REPRESENTATIVE else "patient"


@atomic_action
def set_research_choice(actor: Actor, patient, opted_in: bool, every_approved_study: bool) -> ResearchChoice:
    """The general choice, off by default; saying no also ends "every approved study"."""
    authorize(
        actor, P.RESEARCH_CHOICE_SET, patient, detail={"opted_in": opted_in, "every": every_approved_study}
    )
    choice, _created = ResearchChoice.objects.update_or_create(
        patient=patient,
        defaults={
            "opted_in": opted_in,
            "every_approved_study": opted_in and every_approved_study,
            "decided_by": _who(actor),
            "decided_at": timezone.now(),
        },
    )
    return choice


@atomic_action
def answer_study(
    actor: Actor, patient, study: Study, accepted: bool, free_text: bool = False
) -> StudyConsent:
    """Accept or decline one study (accepting needs the general choice first)."""
    authorize(actor, P.RESEARCH_CHOICE_SET, patient, detail={"study": study.pk, "accepted": accepted})
    choice = ResearchChoice.objects.filter(patient=patient, opted_in=True).first()
    if accepted and choice is None:
        raise Refused("opt-in-first", _("Acceptez d'abord que vos données servent à la recherche."))
    if not study.is_running():
        raise Refused("study-ended", _("Cette étude est terminée."))
    consent, _created = StudyConsent.objects.update_or_create(
        study=study,
        patient=patient,
        defaults={
            "accepted": accepted,
            "free_text": accepted and free_text and study.free_text,
            "decided_by": _who(actor),
            "decided_at": timezone.now(),
            "withdrawn_at": None,
        },
    )
    return consent


@atomic_action
def withdraw_from_study(actor: Actor, patient, study: Study) -> int:
    """Withdrawal at any time: no later extract of this study includes the person."""
    authorize(actor, P.RESEARCH_CHOICE_SET, patient, detail={"study": study.pk, "withdrawn": True})
    return StudyConsent.objects.filter(study=study, patient=patient, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


@atomic_action
def register_study(actor: Actor, **fields) -> Study:
    """Operators register a study with its approval, purpose, data categories and period."""
    authorize(actor, P.RESEARCH_STUDY_REGISTER, None, detail={"title": "study"})
    unknown = set(fields.get("categories") or []) - set(CATEGORIES)
    if unknown or not fields.get("categories"):
        raise Refused("bad-categories", _("Choisissez les catégories de données parmi celles proposées."))
    if fields["period_start"] > fields["period_end"]:
        raise Refused("bad-period", _("La période des données commence après sa fin."))
    if fields["ends_on"] < timezone.localdate():
        raise Refused("ended", _("La date de fin de l'étude est passée."))
    return Study.objects.create(registered_by=actor.user, **fields)


@atomic_action
def create_extract(actor: Actor, study: Study) -> Extract:
    """An extract of everyone who consented to this study, each told in their journal and their space."""
    authorize(actor, P.RESEARCH_EXTRACT_CREATE, None, detail={"study": study.pk})
    if not study.is_running():
        raise Refused("study-ended", _("Cette étude est terminée : plus aucun extrait."))
    patients = list(eligible(study).order_by("pk"))
    for patient in patients:
        authorize(actor, P.RESEARCH_EXTRACT_INCLUDE, Candidate(study, patient), detail={"study": study.pk})
    free_text = set(
        StudyConsent.objects.filter(study=study, patient__in=patients, free_text=True).values_list(
            "patient_id", flat=True
        )
    )
    content, summary = extract.build(study, patients, free_text)
    made = Extract.objects.create(study=study, created_by=actor.user, content=content, summary=summary)
    Inclusion.objects.bulk_create([Inclusion(extract=made, patient=patient) for patient in patients])
    return made
