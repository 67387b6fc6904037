"""Operators' pages: operators see counts and identifiers, never clinical content; others are refused."""

import pytest

from carnet.web.tests.test_journeys import gp_deposits, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.mark.parametrize("path", ["/operateurs/", "/operateurs/courriers/", "/operateurs/matrice/"])
def test_operator_pages_show_no_clinical_content(client_factory, alice, bob, erin, path):
    gp_deposits(client_factory, bob, alice, title="Ordonnance secrète")
    page = signed_in(client_factory(), erin).get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ordonnance secrète" not in text and alice.nir not in text


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_patients_and_professionals_are_refused(client_factory, request, who):
    person = request.getfixturevalue(who)
    response = signed_in(client_factory(), person.user).get("/operateurs/")
    assert response.status_code in {302, 403}
