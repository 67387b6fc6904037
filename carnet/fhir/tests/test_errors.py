"""Every error of the FHIR API is an OperationOutcome with the right status; malformed input never gives a
server error (a bounded mutation fuzz of real bodies); tracebacks reach the log without NIRs."""

import copy
import io
import json
import logging
import random

import pytest
from django.db import OperationalError
from django.test import Client

from carnet.fhir.tests.conftest import PDF, Fhir, document_bundle
from carnet.logscrub import ScrubFilter
from carnet.records.models import Document

pytestmark = pytest.mark.django_db


def is_outcome(response, status):
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"].startswith("application/fhir+json")
        and body["resourceType"] == "OperationOutcome"
        and body["issue"][0]["diagnostics"]
    )


def test_401_is_an_outcome_with_www_authenticate(alice):
    for api in (Fhir(), Fhir("forged")):
        response = api.get("DocumentReference", patient=alice.pk)
        assert is_outcome(response, 401) and response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_route_and_wrong_method_are_outcomes(as_pro, bob):
    api = as_pro(bob)
    assert is_outcome(api.get("Spaceship/1/a/b/c"), 404)
    assert is_outcome(Client().get("/fhir/nothing/here/at/all/"), 404)
    response = api.client.delete("/fhir/metadata", **api.headers)
    assert is_outcome(response, 405) and "GET" in response["Allow"]


def test_xml_is_406_and_json_is_served(client):
    assert is_outcome(client.get("/fhir/metadata", HTTP_ACCEPT="application/fhir+xml"), 406)
    assert is_outcome(client.get("/fhir/metadata", {"_format": "xml"}), 406)
    assert client.get("/fhir/metadata", HTTP_ACCEPT="application/fhir+json").status_code == 200
    assert client.get("/fhir/metadata", {"_format": "json"}).status_code == 200


def test_oversized_body_is_413(as_pro, bob, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_pro(bob).post("", {"resourceType": "Bundle", "padding": "x" * 2000})
    assert is_outcome(response, 413)


def test_database_outage_is_503_with_retry_after(as_pro, bob, alice, monkeypatch):
    api = as_pro(bob)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("carnet.fhir.api.actor_for_token", down)
    response = api.get("DocumentReference", patient=alice.pk)
    assert is_outcome(response, 503) and int(response["Retry-After"]) > 0


def test_vault_failure_is_a_clear_outcome_and_an_operator_alert(as_pro, bob, alice, caplog):
    from carnet.vault.store import blob_store

    api = as_pro(bob)
    location = api.post("", document_bundle(alice, ("urn:oid:77.1", "11488-4", PDF))).json()["entry"][1]
    document = Document.objects.get(pk=location["response"]["location"].split("/")[1])
    blob_store().delete(document.blob_ref)
    with caplog.at_level(logging.ERROR, logger="carnet.fhir"):
        response = api.get(f"Binary/{document.pk}")
    assert is_outcome(response, 500) and "operators" in response.json()["issue"][0]["diagnostics"]
    assert any("vault failure" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "body",
    [
        [],
        "a string",
        {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {"resourceType": "Nope"}}]},
        {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {}, "request": {}}]},
        {"resourceType": "DocumentReference", "status": 3},
        {"resourceType": "Patient"},
    ],
)
def test_malformed_bodies_are_400_or_422(as_pro, bob, body):
    api = as_pro(bob)
    for path in ("", "DocumentReference", "AllergyIntolerance"):
        response = api.post(path, body)
        assert response.status_code in (400, 404, 415, 422) and response.json()["resourceType"] == (
            "OperationOutcome"
        )


def _mutations(value, rng):
    """Yield one mutated copy of a JSON value: a key removed, a value retyped, a list emptied or a string
    replaced with something hostile."""
    hostile = [None, 0, -1, 1e308, "", "x" * 300, [], {}, True, "Patient/../../1", "\x00", "1|2|3", "2A"]
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, path + [key])
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, path + [index])

    walk(value, [])
    mutated = copy.deepcopy(value)
    path = rng.choice(paths[1:])
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(hostile)
    return mutated


def test_mutation_fuzz_of_fhir_bodies_gives_no_server_error(as_pro, as_app, bob, alice):
    """A bounded fuzz (fixed seed): 240 mutated ITI-65, ITI-105, PATCH and profile bodies."""
    api = as_pro(bob)
    api.client.raise_request_exception = False
    created = api.post("", document_bundle(alice, ("urn:oid:88.1", "11488-4", PDF))).json()
    document_id = created["entry"][1]["response"]["location"].split("/")[1]
    bundle = document_bundle(alice, ("urn:oid:88.2", "11488-4", PDF))
    publish = copy.deepcopy(bundle["entry"][1]["resource"])
    publish["content"][0]["attachment"] = {
        "contentType": "application/pdf",
        "data": bundle["entry"][2]["resource"]["data"],
    }
    allergy = {
        "resourceType": "AllergyIntolerance",
        "patient": {"reference": f"Patient/{alice.pk}"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005"}], "text": "Pénicilline"},
        "recordedDate": "2026-10-01",
    }
    patch = {"resourceType": "DocumentReference", "status": "entered-in-error"}
    targets = [("", bundle), ("DocumentReference", publish), ("AllergyIntolerance", allergy)]
    rng, errors, tried = random.Random(15), [], 0
    for _round in range(60):
        for path, body in targets:
            response = api.post(path, _mutations(body, rng))
            tried += 1
            if response.status_code >= 500:
                errors.append((path, response.status_code, response.content[:200]))
        response = api.client.patch(
            f"/fhir/DocumentReference/{document_id}",
            json.dumps(_mutations(patch | {"securityLabel": [{"coding": [{"code": "N"}]}]}, rng)),
            content_type="application/fhir+json",
            **api.headers,
        )
        tried += 1
        if response.status_code >= 500:
            errors.append(("PATCH", response.status_code, response.content[:200]))
    assert tried == 240 and not errors, errors


def test_a_traceback_reaches_the_log_without_the_nir(alice):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    logger = logging.getLogger("carnet.fhir.test-scrub")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"no patient with NIR {alice.nir} (mail alice@example.org)")
        except ValueError:
            logger.error("lookup failed", exc_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "Traceback" in text and "ValueError" in text
    assert alice.nir not in text and "alice@example.org" not in text and "[nir]" in text


def test_a_server_error_during_a_request_logs_a_scrubbed_traceback(as_pro, bob, alice, monkeypatch):
    """Through the real entry point: an unexpected exception whose message holds the NIR."""
    api = as_pro(bob)
    api.client.raise_request_exception = False

    def crash(*args, **kwargs):
        raise RuntimeError(f"unexpected state for {alice.nir}")

    monkeypatch.setattr("carnet.fhir.documents.patient_of", crash)
    root = logging.getLogger()
    console = next(h for h in root.handlers if any(isinstance(f, ScrubFilter) for f in h.filters))
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = api.get("DocumentReference", patient=alice.pk)
    finally:
        console.setStream(previous)
    assert is_outcome(response, 500)
    assert "RuntimeError" in stream.getvalue() and alice.nir not in stream.getvalue()
