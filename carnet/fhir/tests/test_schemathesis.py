"""schemathesis, a client nobody here wrote, against the OpenAPI description of the running server (which
declares every query parameter and body): no answer is ever a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from carnet.fhir.tests.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = 5  # a bounded run: every operation, few examples each (about 20 s here)


def test_no_server_errors(live_server, settings_override, software, bob, alice):
    bearer = {"Authorization": f"Bearer {token_for(software, bob)}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/fhir/openapi.json")
    failures, tried = [], []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case):
            response = case.call(headers=bearer)
            tried.append(1)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    print(f"\nschemathesis: {len(tried)} requests, {len(failures)} server errors")
    described = schema.raw_schema["paths"]
    assert sum(len(op.get("parameters", [])) for ops in described.values() for op in ops.values()) > 60
    assert sum("requestBody" in op for ops in described.values() for op in ops.values()) >= 7
    assert tried and not failures, failures


@pytest.fixture
def settings_override(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
