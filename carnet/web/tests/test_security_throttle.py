"""Sign-in throttling, tested from the outside: only the sign-in and re-authentication pages are used.

Failures count, per account and per address; successes never do, so a building behind one address (a
hospital, a France Services office, a mobile network) is not locked out by its own people signing in."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.utils import timezone

from carnet import factories
from carnet.journal.models import Entry
from carnet.web.auth.views import PENDING
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, login, password, ip="203.0.113.7"):
    return client.post("/connexion/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_a_per_process_cache_is_refused_at_start_up():
    env = {**os.environ, "CARNET_CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "carnet.settings"},
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0 and "shared across processes" in started.stderr


def test_the_right_password_works_before_any_failure(client, alice):
    response = _sign_in(client, alice.user.username, RIGHT)
    assert response.status_code == 302 and client.session[PENDING] == alice.user.pk


def test_after_repeated_failures_even_the_right_password_is_refused_with_when(client, alice, settings):
    for _ in range(settings.CARNET_LOGIN_MAX_FAILURES):
        assert _sign_in(client, alice.user.username, "wrong").status_code == 200
    response = _sign_in(client, alice.user.username, RIGHT)
    assert response.status_code == 429 and PENDING not in client.session
    alice.user.refresh_from_db()
    when = f"{timezone.localtime(alice.user.locked_until):%H:%M}"
    assert (
        "verrouillé" in response.content.decode() and f"Réessayez après {when}" in response.content.decode()
    )


def test_a_building_of_people_signing_in_is_never_locked_out(client_factory, settings):
    settings.CARNET_SIGN_IN_IP_FAILURES = 5
    people = [factories.make_user(f"agent{n}") for n in range(12)]
    for person in people:  # twelve successful sign-ins from one address: more than the failure ceiling
        assert _sign_in(client_factory(), person.username, RIGHT).status_code == 302


def test_one_address_failing_on_many_logins_is_stopped_with_when(client_factory, alice, settings):
    settings.CARNET_SIGN_IN_IP_FAILURES = 5
    for n in range(5):
        _sign_in(client_factory(), f"someone-{n}", "wrong")
    response = _sign_in(client_factory(), alice.user.username, RIGHT)
    assert response.status_code == 429 and "Réessayez après" in response.content.decode()
    other = _sign_in(client_factory(), alice.user.username, RIGHT, ip="198.51.100.9")
    assert other.status_code == 302  # another address is not punished


def test_the_ip_ceiling_is_high_by_default(settings):
    assert settings.CARNET_SIGN_IN_IP_FAILURES >= 100


def test_re_authentication_guesses_are_limited(client, alice, settings):
    signed_in(client, alice.user)
    for _ in range(settings.CARNET_LOGIN_MAX_FAILURES - 1):
        page = client.post("/connexion/confirmer/", {"password": "wrong"})
        assert "Mot de passe incorrect" in page.content.decode()
    page = client.post("/connexion/confirmer/", {"password": "wrong"})
    assert "verrouillé" in page.content.decode()
    page = client.post("/connexion/confirmer/", {"password": RIGHT})  # even the right one, until then
    assert "verrouillé" in page.content.decode()
    assert Entry.objects.filter(action="account:sign-in:password", allowed=True, actor_user_id=alice.user.pk)


def test_re_authentication_with_the_right_password(client, alice):
    signed_in(client, alice.user)
    assert client.post("/connexion/confirmer/?next=/patient/cloture/", {"password": RIGHT}).status_code == 302


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
