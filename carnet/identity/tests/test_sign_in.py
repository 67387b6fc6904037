"""Sign-in through the pages: password, then a 6-digit code; wrong, expired, replayed codes; lockout."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from carnet import factories
from carnet.identity.models import User
from carnet.identity.otp import OneTimeCodeDevice
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def last_code(user) -> str:
    message = OutboxMessage.objects.filter(recipient=user.email).order_by("-pk").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def password_step(client, login, password=PASSWORD):
    return client.post("/connexion/", {"login": login, "password": password})


def test_password_then_code_signs_in(client, alice):
    response = password_step(client, alice.user.username)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/code/")
    assert client.get("/patient/").status_code in (302, 404)  # not signed in yet
    response = client.post("/connexion/code/", {"code": last_code(alice.user)})
    assert response.status_code == 302
    assert response["Location"] == "/patient/"
    assert client.session["_auth_user_id"] == str(alice.user.pk)
    assert client.session.get("otp_device_id")


def test_wrong_password_gives_a_generic_message(client, alice):
    response = password_step(client, alice.user.username, "nope")
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    response = password_step(client, "nobody-has-this-login", "nope")
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()


def test_wrong_code_is_refused(client, alice):
    password_step(client, alice.user.username)
    response = client.post(
        "/connexion/code/", {"code": "000000" if last_code(alice.user) != "000000" else "111111"}
    )
    assert "pas le bon" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_code_is_refused(client, alice):
    password_step(client, alice.user.username)
    code = last_code(alice.user)
    OneTimeCodeDevice.objects.update(valid_until=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post("/connexion/code/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert "expiré" in response.content.decode()


def test_a_code_works_only_once(client, alice):
    password_step(client, alice.user.username)
    code = last_code(alice.user)
    client.post("/connexion/code/", {"code": code})
    client.post("/deconnexion/")
    other = client.__class__()
    password_step(other, alice.user.username)
    OneTimeCodeDevice.objects.update(
        token=None
    )  # the new code is unknown to the attacker: replay the old one
    other.post("/connexion/code/", {"code": code})
    assert "_auth_user_id" not in other.session


def test_sms_channel_sends_the_code_by_sms(client, db):
    factories.make_user("sam", phone="0612345678", otp_channel=User.OtpChannel.SMS)
    password_step(client, "sam")
    assert OutboxMessage.objects.filter(channel="sms", recipient="0612345678").exists()


def test_lockout_after_repeated_failures(client, alice, settings):
    settings.CARNET_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        password_step(client, alice.user.username, "wrong")
    response = password_step(client, alice.user.username)  # even the right password
    assert "verrouillé" in response.content.decode()
    User.objects.filter(pk=alice.user.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert password_step(client, alice.user.username).status_code == 302


def test_rate_limit_per_address(client, db, settings):
    settings.CARNET_SIGN_IN_IP_FAILURES = 5
    for n in range(5):
        password_step(client, f"guess{n}", "x")
    response = password_step(client, "guess-more", "x")
    assert response.status_code == 429
    assert "échecs de connexion depuis cette adresse" in response.content.decode()


def test_new_device_sign_in_notifies_the_patient(client, alice):
    password_step(client, alice.user.username)
    client.post("/connexion/code/", {"code": last_code(alice.user)})
    assert OutboxMessage.objects.filter(subject="Nouvelle connexion à votre espace").count() == 1
    client.post("/deconnexion/")
    password_step(client, alice.user.username)  # same browser: the device cookie is kept
    client.post("/connexion/code/", {"code": last_code(alice.user)})
    assert OutboxMessage.objects.filter(subject="Nouvelle connexion à votre espace").count() == 1
