"""schemathesis' stateful tests: sequences of calls that follow the OpenAPI description's links (a search's
first entry or a created resource's id into the reads, PATCH, PUT, history and Binary), against the running
server, as the GP of a patient with documents. A bounded run (deterministic, a few seconds here): no answer
is ever a 5xx, and links are followed to real resources."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from carnet.fhir.tests.conftest import document_bundle, token_for
from carnet.records.samples import sample_pdf

pytestmark = pytest.mark.django_db(transaction=True)
SCENARIOS, STEPS = 15, 6  # the budget: at most 90 calls after the searches that start each scenario


def test_linked_sequences_give_no_server_errors(live_server, settings_override, software, bob, alice, client):
    token = token_for(software, bob)
    docs = [(f"urn:oid:9.8.{n}", "11488-4", sample_pdf(f"compte rendu {n}")) for n in range(3)]
    seeded = client.post(
        "/fhir/",
        document_bundle(alice, *docs),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert seeded.status_code == 200, seeded.content
    schema = schemathesis.openapi.from_url(f"{live_server.url}/fhir/openapi.json")
    failures, calls, linked = [], Counter(), Counter()

    class Workflow(schema.as_state_machine()):
        def before_call(self, case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            declared = {p["name"] for p in case.operation.definition.raw.get("parameters", [])}
            query = case.query if case.query is not None else {}
            if "patient" in declared and not {"patient", "patient.identifier", "subject"} & set(query):
                query["patient"] = str(alice.pk)  # searches start from the record bob may read
            if case.operation.path == "/fhir/Patient" and not {"identifier", "_id"} & set(query):
                query["_id"] = str(alice.pk)
            case.query = query

        def step(self, input):
            output = super().step(input)
            if input.transition is not None and output.response.status_code < 300:
                linked[input.case.operation.label] += 1
            return output

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            calls[case.operation.label] += 1
            if response.status_code >= 500:
                failures.append(f"{case.operation.label}: {response.status_code}")

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"\nschemathesis stateful: {sum(calls.values())} calls, {sum(linked.values())} linked, {failures}")
    assert schema.statistic.transitions.total >= 30  # the description's links
    assert sum(linked.values()) > 0, calls  # some sequences reached a real resource through a link
    assert not failures, failures


@pytest.fixture
def settings_override(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
