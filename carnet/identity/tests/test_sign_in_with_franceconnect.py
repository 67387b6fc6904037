"""Patients may sign in with FranceConnect (the same OpenID Connect mechanism, configured separately):
the identity traits it gives must name exactly one activated space, otherwise nothing happens."""

import pytest

from carnet import factories
from carnet.identity.models import Patient
from carnet.identity.tests.oidc_fixtures import follow_provider

START = "/connexion/avec/franceconnect/"
pytestmark = [pytest.mark.django_db, pytest.mark.server]


def _traits(patient, **changes) -> dict:
    claims = {
        "sub": "fc-1",
        "given_name": "Alice Marie",
        "family_name": patient.birth_name.upper(),
        "birthdate": patient.birth_date.isoformat(),
        "gender": "female",
        "birthplace": patient.birthplace_code,
    }
    return {**claims, **changes}


def _sign_in(client, franceconnect, claims):
    franceconnect.control(claims=claims)
    path, query = follow_provider(client, START)
    return client.get(path, query)


def test_alice_signs_in_with_franceconnect(client, franceconnect, alice):
    response = _sign_in(client, franceconnect, _traits(alice))
    assert response.status_code == 302 and response["Location"] == "/patient/"
    assert client.get("/patient/").status_code == 200
    assert "given_name" in franceconnect.last_authorize()["scope"]


def test_accents_and_case_do_not_matter(client, franceconnect, db):
    helene = factories.make_patient("Hélène", "Lefèvre")
    claims = _traits(helene, given_name="HELENE", family_name="LEFEVRE")
    assert _sign_in(client, franceconnect, claims)["Location"] == "/patient/"


@pytest.mark.parametrize(
    "change",
    [{"birthdate": "1985-03-15"}, {"gender": "male"}, {"family_name": "Dupont"}, {"birthplace": "13055"}],
)
def test_traits_that_do_not_match_are_refused(client, franceconnect, alice, change):
    response = _sign_in(client, franceconnect, _traits(alice, **change))
    assert response.status_code == 403 and b"no_matching_space" in response.content
    assert client.get("/patient/").status_code == 302


def test_two_spaces_with_the_same_traits_are_refused(client, franceconnect, alice):
    factories.make_patient("Alice Marie", "Martin")
    response = _sign_in(client, franceconnect, _traits(alice))
    assert response.status_code == 403 and b"no_matching_space" in response.content


def test_a_space_not_activated_yet_is_refused(client, franceconnect, db):
    pending = factories.make_patient(user=False, state=Patient.State.PENDING)
    response = _sign_in(client, franceconnect, _traits(pending))
    assert response.status_code == 403 and b"space_not_active" in response.content


def test_an_expired_id_token_is_refused_here_too(client, franceconnect, alice):
    franceconnect.control(mode="expired")
    response = _sign_in(client, franceconnect, _traits(alice))
    assert response.status_code == 403 and b"id_token_expired" in response.content


def test_the_sign_in_page_offers_franceconnect(client, franceconnect):
    assert "FranceConnect" in client.get("/connexion/").content.decode()
