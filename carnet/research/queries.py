"""Reads of research: a person's own choices and the extracts they are in; operators' list of studies."""

from dataclasses import dataclass

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.errors import NotFound
from carnet.research.models import Extract, Inclusion, ResearchChoice, Study, StudyConsent


@dataclass
class MyResearch:
    choice: ResearchChoice | None
    studies: list[tuple[Study, StudyConsent | None]]
    inclusions: list[Inclusion]


def my_research(actor: Actor, patient) -> MyResearch:
    authorize(actor, P.RESEARCH_CHOICE_READ, patient)
    answers = {c.study_id: c for c in StudyConsent.objects.filter(patient=patient)}
    running = [s for s in Study.objects.all() if s.is_running()]
    inclusions = Inclusion.objects.filter(patient=patient).select_related("extract__study")
    return MyResearch(
        ResearchChoice.objects.filter(patient=patient).first(),
        [(study, answers.get(study.pk)) for study in running],
        list(inclusions.order_by("-extract__created_at")),
    )


def study_for(study_id) -> Study:
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        raise NotFound("unknown-study", "study")
    return study


def studies() -> list[Study]:
    """For operators: studies and their extracts (counts only)."""
    return list(Study.objects.prefetch_related("extracts"))


def extract_for_operator(actor: Actor, extract_id) -> Extract:
    authorize(actor, P.RESEARCH_EXTRACT_CREATE, None, detail={"download": extract_id})
    found = Extract.objects.filter(pk=extract_id).first()
    if found is None:
        raise NotFound("unknown-extract", "extract")
    return found
