"""Sign-in throttling, tested from the outside: only the sign-in page is used."""

import pytest
from django.core.cache import cache

from carnet.web.auth.views import PENDING

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, login, password, ip="203.0.113.7"):
    return client.post("/connexion/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_the_right_password_works_before_any_failure(client, alice):
    response = _sign_in(client, alice.user.username, RIGHT)
    assert response.status_code == 302 and client.session[PENDING] == alice.user.pk


def test_after_repeated_failures_even_the_right_password_is_refused(client, alice, settings):
    for _ in range(settings.CARNET_LOGIN_MAX_FAILURES):
        assert _sign_in(client, alice.user.username, "wrong").status_code == 200
    response = _sign_in(client, alice.user.username, RIGHT)
    assert response.status_code == 200 and PENDING not in client.session
    assert "verrouillé" in response.content.decode()


def test_one_address_trying_many_logins_is_slowed_down(client, alice):
    for n in range(30):
        _sign_in(client, f"someone-{n}", "wrong")
    response = _sign_in(client, alice.user.username, RIGHT)
    assert response.status_code == 200 and PENDING not in client.session
    assert "Trop de tentatives" in response.content.decode()
    other = _sign_in(client, alice.user.username, RIGHT, ip="198.51.100.9")
    assert other.status_code == 302  # another address is not punished
