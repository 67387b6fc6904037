"""Professionals sign in through Pro Santé Connect, here a real OpenID Connect provider process: the full
sign-in, then every refusal (forged or stale answers, unknown people, a provider that does not answer)."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from carnet import factories
from carnet.identity import oidc
from carnet.identity.models import Professional, User
from carnet.identity.tests.oidc_fixtures import ProviderProcess, follow_provider

START = "/connexion/avec/pro-sante-connect/"
pytestmark = [pytest.mark.django_db, pytest.mark.server]


def _sign_in(client, psc, rpps: str):
    psc.control(claims={"sub": f"psc-{rpps}", "SubjectNameID": f"8{rpps}"})
    path, query = follow_provider(client, START)
    return client.get(path, query)


def test_an_imported_professional_signs_in_and_gets_a_login(client, psc):
    dave = factories.make_professional("Dave", "Leroy", user=False)
    response = _sign_in(client, psc, dave.rpps)
    assert response.status_code == 302 and response["Location"] == "/pro/"
    assert client.get("/pro/").status_code == 200
    dave.refresh_from_db()
    assert dave.user is not None and not dave.user.has_usable_password()


def test_the_request_carries_pkce_scopes_and_acr_values(client, psc):
    client.get(START)
    sent = psc.last_authorize()
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    assert sent["scope"] == "openid scope_all" and sent["acr_values"] == "eidas1" and sent["nonce"]


def test_a_professional_with_a_login_keeps_it(client, psc, bob):
    before = bob.user_id
    assert _sign_in(client, psc, bob.rpps)["Location"] == "/pro/"
    bob.refresh_from_db()
    assert bob.user_id == before


def test_an_unknown_rpps_is_refused_and_creates_nothing(client, psc, db):
    users = User.objects.count()
    response = _sign_in(client, psc, "10000000008")
    assert response.status_code == 403
    assert "ne figure pas dans" in response.content.decode()
    assert User.objects.count() == users
    assert client.get("/pro/").status_code == 302  # not signed in


def test_an_inactive_professional_is_refused(client, psc, dave):
    User.objects.filter(pk=dave.user_id).update(is_active=False)
    response = _sign_in(client, psc, dave.rpps)
    assert response.status_code == 403 and b"inactive_professional" in response.content


def test_an_ambiguous_number_is_refused(client, psc, dave):
    other = factories.make_professional("Eve", "Adeli", user=False, rpps=None, adeli=dave.rpps[:9])
    psc.control(claims={"sub": "x", "SubjectNameID": f"8{other.adeli}"})
    Professional.objects.filter(pk=dave.pk).update(rpps=other.adeli)
    path, query = follow_provider(client, START)
    response = client.get(path, query)
    assert response.status_code == 403 and b"ambiguous_rpps" in response.content


def test_a_missing_claim_is_refused(client, psc, dave):
    psc.control(claims={"sub": "x"})
    path, query = follow_provider(client, START)
    response = client.get(path, query)
    assert response.status_code == 403 and b"unknown_rpps" in response.content


@pytest.mark.parametrize(
    "mode, code",
    [
        ("wrong_audience", b"id_token_invalid_claim_aud"),
        ("expired", b"id_token_expired_token_exp"),
        ("unsigned", b"id_token_unsupported_algorithm"),
        ("bad_signature", b"id_token_bad_signature"),
        ("weak_acr", b"id_token_acr"),
    ],
)
def test_an_untrustworthy_id_token_is_refused(client, psc, dave, mode, code):
    psc.control(mode=mode)
    response = _sign_in(client, psc, dave.rpps)
    assert response.status_code == 403 and code in response.content
    dave.refresh_from_db()
    assert client.get("/pro/").status_code == 302


def test_an_id_token_with_the_nonce_of_an_earlier_sign_in_is_refused(client, psc, dave):
    _sign_in(client, psc, dave.rpps)
    client.post("/deconnexion/")
    psc.control(mode="stale_nonce")
    response = _sign_in(client, psc, dave.rpps)
    assert response.status_code == 403 and b"id_token_invalid_claim_nonce" in response.content


def test_a_replayed_answer_is_refused(client, psc, dave):
    psc.control(claims={"sub": "x", "SubjectNameID": f"8{dave.rpps}"})
    path, query = follow_provider(client, START)
    assert client.get(path, query)["Location"] == "/pro/"
    client.post("/deconnexion/")
    client.get(START)  # a new sign-in starts; the old answer is replayed into it
    response = client.get(path, query)
    assert response.status_code == 403 and b"state_mismatch" in response.content


def test_a_state_that_is_not_ours_is_refused(client, psc, dave):
    psc.control(claims={"sub": "x", "SubjectNameID": f"8{dave.rpps}"})
    path, query = follow_provider(client, START)
    response = client.get(path, {**query, "state": "forged"})
    assert response.status_code == 403 and b"state_mismatch" in response.content


def test_a_callback_without_a_sign_in_started_is_refused(client, psc):
    response = client.get("/connexion/avec/pro-sante-connect/retour/", {"code": "x", "state": "y"})
    assert response.status_code == 403


def test_a_cancelled_sign_in_at_the_provider_is_refused(client, psc):
    location = client.get(START)["Location"]
    state = parse_qs(urlparse(location).query)["state"][0]
    response = client.get(f"{START}retour/", {"error": "access_denied", "state": state})
    assert response.status_code == 403 and b"provider_error" in response.content


def test_a_provider_that_is_down_gives_a_clear_page(client, settings, db):
    settings.CARNET_OIDC = {
        **settings.CARNET_OIDC,
        "psc": {"issuer": "http://127.0.0.1:9", "client_id": "carnet", "timeout": 2},
    }
    response = client.get(START)
    assert response.status_code == 503
    assert "ne répond pas" in response.content.decode()


def test_a_provider_that_goes_down_during_the_sign_in_gives_a_clear_page(client, settings, tmp_path, dave):
    process = ProviderProcess(tmp_path)
    settings.CARNET_OIDC = {**settings.CARNET_OIDC, "psc": process.settings_for()}
    process.control(claims={"sub": "x", "SubjectNameID": f"8{dave.rpps}"})
    try:
        path, query = follow_provider(client, START)
    finally:
        process.stop()
    response = client.get(path, query)
    assert response.status_code == 503 and b"provider_down" in response.content


def test_client_secret_authentication_works_too(client, settings, tmp_path, dave):
    process = ProviderProcess(tmp_path, secret="a-long-client-secret")
    settings.CARNET_OIDC = {**settings.CARNET_OIDC, "psc": process.settings_for()}
    try:
        assert _sign_in(client, process, dave.rpps)["Location"] == "/pro/"
        settings.CARNET_OIDC = {
            **settings.CARNET_OIDC,
            "psc": process.settings_for(client_secret="the-wrong-secret"),
        }
        client.post("/deconnexion/")
        assert _sign_in(client, process, dave.rpps).status_code == 403
    finally:
        process.stop()


def test_a_forged_code_is_refused_by_the_provider(client, psc, dave):
    location = client.get(START)["Location"]
    state = parse_qs(urlparse(location).query)["state"][0]
    response = client.get("/connexion/avec/pro-sante-connect/retour/", {"code": "forged", "state": state})
    assert response.status_code == 403 and b"token_refused" in response.content


def test_without_a_provider_configured_the_page_does_not_exist(client, db):
    assert client.get(START).status_code == 404
    assert b"Pro Sant" not in client.get("/connexion/").content


def test_the_sign_in_page_offers_the_configured_provider(client, psc):
    assert "Pro Santé Connect" in client.get("/connexion/").content.decode()


def test_the_provider_process_checks_pkce(psc):
    """The test provider is strict itself: a token request without the verifier is refused."""
    answer = requests.post(f"{psc.issuer}/token", data={"code": "x"}, timeout=5)
    assert answer.status_code == 401


def test_an_id_token_is_accepted_once_for_its_nonce(psc):
    """Beside the session's own nonce, carnet remembers the nonces it accepted: the same id_token presented
    twice (two callbacks racing on one session) is refused the second time."""
    provider = oidc.provider("psc")
    metadata = oidc.discover(provider)
    token = requests.get(f"{psc.issuer}/_control/id_token", params={"nonce": "n-1"}, timeout=5).json()
    assert oidc.validate_id_token(provider, metadata, token["id_token"], "n-1")["sub"] == "person-1"
    with pytest.raises(oidc.SignInWithProviderRefused) as replayed:
        oidc.validate_id_token(provider, metadata, token["id_token"], "n-1")
    assert replayed.value.code == "nonce_replayed"
