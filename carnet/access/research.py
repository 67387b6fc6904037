"""The policy's rules for research (beyond MES: opt-in only). Nobody is in an extract unless they chose
research in general, and either accepted this study or chose every study an ethics committee approved
(without declining or withdrawing from this one); the space is open; a minor only on a representative's
choice, and an adult only on their own (a representative's choice ends at 18). ``eligible`` is the one
filter extracts select from, and ``decide_inclusion`` answers for one person from the same filter, so the
two never disagree."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.dates import years_after
from carnet.identity.models import Patient
from carnet.research.models import Study, StudyConsent


@dataclass(frozen=True)
class Candidate:
    """A person considered for a study's extract (what the journal names: the patient and the study)."""

    study: Study
    patient: Patient

    @property
    def pk(self) -> int:
        return self.study.pk


def _decided_validly(prefix: str, today, person: str = "") -> Q:
    """A choice counts if the person made it as an adult, or a representative made it while a minor
    (``person`` is the path to the patient's fields from the row the choice is on)."""
    adult = Q(**{f"{person}birth_date__lte": years_after(today, -18)})
    return (Q(**{f"{prefix}decided_by": "patient"}) & adult) | (
        Q(**{f"{prefix}decided_by": "representative"}) & ~adult
    )


def eligible(study: Study, today=None) -> QuerySet:
    """Everyone who may be in an extract of ``study`` today."""
    today = today or timezone.localdate()
    if not study.is_running(today):
        return Patient.objects.none()
    answers = StudyConsent.objects.filter(study=study, patient=OuterRef("pk"))
    accepted = answers.filter(accepted=True, withdrawn_at__isnull=True).filter(
        _decided_validly("", today, person="patient__")
    )
    refused = answers.filter(Q(accepted=False) | Q(withdrawn_at__isnull=False))
    general = Q(research_choice__opted_in=True) & _decided_validly("research_choice__", today)
    every_study = Q(research_choice__every_approved_study=True) & ~Exists(refused)
    basis = Exists(accepted) | every_study if study.ethics_approved else Exists(accepted)
    return Patient.objects.filter(Q(state=Patient.State.OPEN) & general & basis)


def decide_inclusion(actor: Actor, candidate) -> Decision:
    if actor.role not in (Role.OPERATOR, Role.SYSTEM):
        return Decision(False, "only the service includes people in an extract", "research-service-only")
    if not isinstance(candidate, Candidate):
        return Decision(False, "not a research candidate", "default-deny")
    if eligible(candidate.study).filter(pk=candidate.patient.pk).exists():
        return Decision(True, "allowed", "research-consent")
    return Decision(False, "no valid consent to this study", "no-research-consent")
