"""Re-authentication before sensitive actions, and a signed-in session only after the second factor."""

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from carnet.web.auth.decorators import REAUTH_AT, reauth_required

pytestmark = pytest.mark.django_db


@reauth_required
def sensitive(request):
    return HttpResponse("done")


def _request(session):
    request = RequestFactory().post("/patient/cloture/")
    request.session = session
    return request


def test_sensitive_action_needs_a_recent_password(settings):
    settings.CARNET_REAUTH_SECONDS = 300
    stale = _request({REAUTH_AT: time.time() - 301})
    response = sensitive(stale)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/confirmer/")
    fresh = _request({REAUTH_AT: time.time() - 10})
    assert sensitive(fresh).content == b"done"


def test_reauth_page_accepts_only_the_right_password(client, alice):
    from carnet.web.tests.test_journeys import signed_in

    signed_in(client, alice.user)
    assert "pas" in client.post("/connexion/confirmer/", {"password": "wrong"}).content.decode().lower()
    response = client.post(
        "/connexion/confirmer/", {"password": "correct horse battery staple", "next": "/patient/"}
    )
    assert response.status_code == 302 and client.session[REAUTH_AT] > time.time() - 5


def test_a_password_alone_does_not_open_a_space(client, alice):
    from carnet.web.actor import actor_for_request

    client.post("/connexion/", {"login": alice.user.username, "password": "correct horse battery staple"})
    request = RequestFactory().get("/")
    request.user = alice.user
    request.user.is_verified = lambda: False
    request.session = client.session
    assert actor_for_request(request).role == "anonymous"
