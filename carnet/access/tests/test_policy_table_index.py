"""The policy table's read column over the index of conditions and drugs (carnet.indexing): for every
role and scenario, the document's codes are in the actor's facets, counts, suggestions, search results,
totals, health story and FHIR candidates exactly when the table lets the actor read the document."""

import pytest

from carnet.access.tests import world
from carnet.access.tests.test_policy_table import COLUMNS, READ, SCENARIOS, _resolve
from carnet.indexing import queries
from carnet.indexing.tests.helpers import mention
from carnet.records.models import Document

pytestmark = pytest.mark.django_db


def _shapes(actor, patient) -> dict[str, bool]:
    """Each query shape over the index: does it reveal the document's codes (E11, A10BA02)?"""
    return {
        "facets": any(f.code == "E11" for f in queries.facets(actor, patient, "condition")),
        "drug facets": any(f.code == "A10BA02" for f in queries.facets(actor, patient, "drug")),
        "suggestions": queries.suggestions(actor, patient, "condition", "E1") == ["E11"],
        "results by code": queries.documents_about(actor, patient, condition="E11").exists(),
        "results by chapter": queries.documents_about(actor, patient, condition="IV").exists(),
        "results by ATC level": queries.documents_about(actor, patient, drug="A10").exists(),
        "totals": queries.documents_about(actor, patient, drug="A10B").count() == 1,
        "story": any(item.code == "E11" for item in queries.health_story(actor, patient)),
        "FHIR candidates": any(c.code == "E11" for c in queries.candidates(actor, patient, "condition")),
        "FHIR drug candidates": any(c.code == "A10BA02" for c in queries.candidates(actor, patient, "drug")),
    }


@pytest.mark.parametrize("scenario", COLUMNS)
def test_index_queries_follow_the_read_table(scenario):
    type_code, fields, change = SCENARIOS[scenario]
    patient, pros, actors, document = world.build_world(type_code, **_resolve(fields))
    mention(document, "condition", "E11")
    mention(document, "drug", "A10BA02")
    mention(document, "condition", "I26", hypothetical=True)
    if change is not None:
        change(patient, pros, document)
    patient.refresh_from_db()
    Document.objects.get(pk=document.pk)
    column = COLUMNS.index(scenario)
    wrong = []
    for role, row in READ.items():
        expected = row[column] == "Y"
        for shape, shown in _shapes(actors[role], patient).items():
            if shown != expected:
                wrong.append(f"{role} {shape}: shows={shown} expected {expected}")
        if queries.suggestions(actors[role], patient, "condition", "I"):
            wrong.append(f"{role}: a hypothetical condition is suggested")
        if any(c.code == "I26" for c in queries.candidates(actors[role], patient, "condition")):
            wrong.append(f"{role}: a hypothetical condition is a FHIR candidate")
    assert not wrong, "\n".join(wrong)
