"""SMART App Launch v2 for patient apps: authorization code + PKCE (S256 only), a consent screen in plain
French, scopes that narrow, and revocation from the patient's space."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from oauth2_provider.models import Application

from carnet import factories
from carnet.fhir.tests.conftest import Fhir
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
REDIRECT = "https://app.example/callback"


@pytest.fixture
def app(db):
    """Only apps referenced in the catalogue may be connected (carnet.catalogue)."""
    return factories.make_referenced_app("Suivi tension", REDIRECT).application


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(client, app, challenge, method="S256", scope="launch/patient patient/DocumentReference.rs"):
    return client.get(
        "/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": REDIRECT,
            "scope": scope,
            "state": "xyz",
            "code_challenge": challenge,
            "code_challenge_method": method,
        },
    )


def test_code_flow_with_pkce_gives_a_scoped_token(client, app, alice):
    signed_in(client, alice.user)
    verifier, challenge = pkce()
    consent = authorize(client, app, challenge)
    page = consent.content.decode()
    assert consent.status_code == 200 and "Suivi tension" in page and "lire vos documents de santé" in page
    form = {key: value for key, value in consent.context["form"].initial.items() if value is not None}
    answer = client.post("/oauth/authorize/", {**form, "allow": "Authorize", "scope": form["scope"]})
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    token = client.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.content
    api = Fhir(token.json()["access_token"])
    assert api.get("DocumentReference").status_code == 200
    assert api.get("AllergyIntolerance").status_code == 403  # not in the granted scopes


def test_plain_pkce_is_refused(client, app, alice):
    signed_in(client, alice.user)
    verifier, _challenge = pkce()
    response = authorize(client, app, verifier, method="plain")
    assert response.status_code in (200, 302, 400)
    assert "code=" not in response.get("Location", "")


def test_revocation_from_the_patient_space(client, app, alice, as_app):
    api = as_app(alice, ["patient/DocumentReference.rs"])
    signed_in(client, alice.user)
    assert "Appli de suivi" in client.get("/patient/applications/").content.decode()
    application = Application.objects.get(name="Appli de suivi")
    client.post("/patient/applications/", {"application": application.pk})
    assert api.get("DocumentReference").status_code == 401
