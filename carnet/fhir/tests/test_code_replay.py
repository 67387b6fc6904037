"""An authorization code used twice: the second exchange is refused and every token the first one obtained
is revoked (RFC 9700 §4.2.4, RFC 6749 §4.1.2), through /oauth/authorize/ and /oauth/token/ with PKCE S256
as a real patient app does."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from carnet import factories
from carnet.access.permissions import Permission as P
from carnet.fhir.tests.conftest import Fhir
from carnet.fhir.tests.test_smart import REDIRECT, authorize, pkce
from carnet.journal.models import Entry
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(db):
    return factories.make_referenced_app("Suivi tension", REDIRECT).application


def consented_code(client, app, alice) -> tuple[str, str]:
    """Alice connects the app: the consent screen, then the code on the redirect; with its verifier."""
    signed_in(client, alice.user)
    verifier, challenge = pkce()
    consent = authorize(client, app, challenge)
    form = {key: value for key, value in consent.context["form"].initial.items() if value is not None}
    answer = client.post("/oauth/authorize/", {**form, "allow": "Authorize", "scope": form["scope"]})
    return parse_qs(urlparse(answer["Location"]).query)["code"][0], verifier


def exchange(app, code, verifier):
    return Client().post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )


def refresh(app, refresh_token):
    return Client().post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": app.client_id},
    )


def test_a_replayed_code_is_refused_and_revokes_the_first_token(client, app, alice):
    code, verifier = consented_code(client, app, alice)
    first = exchange(app, code, verifier)
    assert first.status_code == 200, first.content
    api = Fhir(first.json()["access_token"])
    assert api.get("DocumentReference").status_code == 200  # the allowed path

    replay = exchange(app, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert api.get("DocumentReference").status_code == 401
    assert refresh(app, first.json()["refresh_token"]).json()["error"] == "invalid_grant"
    entry = Entry.objects.get(action=P.ACCESS_APP_TOKENS_REVOKE)
    assert entry.allowed and entry.patient_id == alice.pk and entry.actor_role == "system"
    assert code not in entry.detail


def test_tokens_refreshed_before_the_replay_are_revoked_too(client, app, alice):
    code, verifier = consented_code(client, app, alice)
    first = exchange(app, code, verifier).json()
    rotated = refresh(app, first["refresh_token"])
    assert rotated.status_code == 200, rotated.content
    api = Fhir(rotated.json()["access_token"])
    assert api.get("DocumentReference").status_code == 200

    assert exchange(app, code, verifier).status_code == 400
    assert api.get("DocumentReference").status_code == 401
    assert refresh(app, rotated.json()["refresh_token"]).status_code == 400


def test_an_unknown_code_revokes_nothing_else(client, app, alice):
    code, verifier = consented_code(client, app, alice)
    api = Fhir(exchange(app, code, verifier).json()["access_token"])
    other, other_verifier = consented_code(Client(), app, alice)
    assert exchange(app, "forged-" + other, other_verifier).status_code == 400  # never issued
    assert exchange(app, other, "wrong-verifier-" + "x" * 40).status_code == 400  # PKCE refused
    assert api.get("DocumentReference").status_code == 200
    assert not Entry.objects.filter(action=P.ACCESS_APP_TOKENS_REVOKE).exists()


def test_another_app_replaying_the_code_is_refused_and_revokes_nothing(client, app, alice):
    """The code belongs to its client: presented by another client it is unknown there."""
    thief = factories.make_referenced_app("Autre appli", REDIRECT).application
    code, verifier = consented_code(client, app, alice)
    api = Fhir(exchange(app, code, verifier).json()["access_token"])
    assert exchange(thief, code, verifier).status_code in (400, 401)
    assert api.get("DocumentReference").status_code == 200
