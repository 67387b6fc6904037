"""Ids that Python calls digits but are not ASCII ("²", "٣", full-width "１２") name nothing: 404, never a
500 (found by schemathesis: GET /fhir/List/² answered 500)."""

import pytest

pytestmark = pytest.mark.django_db
ODD = ["²", "٣", "１２"]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(
    "path", ["List/{}", "Patient/{}", "Practitioner/{}", "Condition/profile-{}", "Observation/m-{}"]
)
def test_a_non_ascii_digit_id_is_not_found(as_pro, alice, bob, path, odd):
    response = as_pro(bob).get(path.format(odd))
    assert response.status_code == 404, response.content
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("odd", ODD)
def test_a_non_ascii_digit_in_a_search_finds_nothing(as_pro, alice, bob, odd):
    for path, params in (
        ("DocumentReference", {"patient": alice.pk, "author": odd}),
        ("Patient", {"_id": odd}),
        ("Practitioner", {"_id": odd}),
    ):
        response = as_pro(bob).get(path, **params)
        assert response.status_code == 200, (path, response.content)
        assert not response.json().get("entry"), path


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("Practitioner", {"family": "Mar\x00tin"}),
        ("Patient", {"identifier": "\x00"}),
        ("DocumentReference", {"patient": "1", "type": "a\x00b"}),
    ],
)
def test_a_nul_character_in_a_search_is_a_clear_400(as_pro, alice, bob, path, params):
    """PostgreSQL's text cannot hold NUL (schemathesis found GET /fhir/Practitioner answering 500)."""
    response = as_pro(bob).get(path, **params)
    assert response.status_code == 400, (path, response.content)
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "NUL character" in outcome["issue"][0]["diagnostics"]
