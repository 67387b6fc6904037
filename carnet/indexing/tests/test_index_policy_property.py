"""Property: whatever the record (documents of any visibility, held back or not, minor secret or not, each
naming some codes) and whoever asks, no facet, count, suggestion, result or FHIR candidate of the index
reveals a document the actor may not read (``decide`` on that document is the truth)."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.tests import world
from carnet.indexing import queries
from carnet.indexing.tests.helpers import mention
from carnet.records.models import Document, Visibility

ACTORS = [
    "patient",
    "representative",
    "gp",
    "author",
    "doctor-granted",
    "pharmacist",
    "doctor-no-grant",
    "dentist",
]
CODES = ["E11", "E14", "I10", "F32"]
TYPES = ["11488-4", "57833-6", "68599-0"]

documents = st.lists(
    st.fixed_dictionaries(
        {
            "type_code": st.sampled_from(TYPES),
            "visibility": st.sampled_from(list(Visibility.values)),
            "minor_secret": st.booleans(),
            "held_back": st.booleans(),
            "by_author": st.booleans(),
            "codes": st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True),
            "negated": st.booleans(),
        }
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def small_world(db):
    patient, pros, actors, first = world.build_world()
    first.delete()
    return patient, pros, actors


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=documents, role=st.sampled_from(ACTORS))
def test_no_facet_or_count_reveals_a_document_the_actor_may_not_read(small_world, record, role):
    patient, pros, actors = small_world
    Document.objects.filter(patient=patient).delete()
    now = timezone.now()
    made = []
    for spec in record:
        author = pros["author"] if spec["by_author"] else pros["gp"]
        hidden = {"hidden_from_patient_until": now + datetime.timedelta(days=5), "hidden_since": now}
        document = world.make_document(
            patient,
            author,
            spec["type_code"],
            visibility=spec["visibility"],
            minor_secret=spec["minor_secret"],
            **(hidden if spec["held_back"] else {}),
        )
        for code in spec["codes"]:
            mention(document, "condition", code, negated=spec["negated"])
        made.append((document, spec))
    actor = actors[role]
    readable = [(d, s) for d, s in made if decide(actor, P.RECORD_DOCUMENT_READ, d).allowed]
    expected = Counter(code for _d, spec in readable if not spec["negated"] for code in spec["codes"])
    facets = {f.code: f.documents for f in queries.facets(actor, patient, "condition")}
    assert facets == dict(expected)
    assert set(queries.suggestions(actor, patient, "condition", "")) == set(expected)
    for code in CODES:
        found = set(queries.documents_about(actor, patient, condition=code).values_list("pk", flat=True))
        assert found == {d.pk for d, s in readable if code in s["codes"] and not s["negated"]}
    story = {item.code: len(item.documents) for item in queries.health_story(actor, patient)}
    assert story == dict(expected)
    candidates = {c.code: len(c.documents) for c in queries.candidates(actor, patient, "condition")}
    assert candidates == dict(expected)  # GET /fhir/Condition's unconfirmed candidates
