"""Optional authenticator app: set up with a first code, then asked at sign-in instead of e-mail codes."""

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.identity.models import User
from carnet.notify.models import OutboxMessage
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_setup_page_needs_a_signed_in_person(client):
    response = client.get("/connexion/application/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert not TOTPDevice.objects.exists()


def test_a_right_first_code_switches_sign_in_to_the_app(client, alice):
    signed_in(client, alice.user)
    page = client.get("/connexion/application/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=alice.user, confirmed=False)
    response = client.post("/connexion/application/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.otp_channel == User.OtpChannel.TOTP

    client.logout()
    sent_before = OutboxMessage.objects.count()
    client.post("/connexion/", {"login": alice.user.username, "password": PASSWORD})
    assert OutboxMessage.objects.count() == sent_before  # no e-mail code: the app gives it
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # as if the next 30-second step had come
    response = client.post("/connexion/code/", {"code": f"{totp(device.bin_key):06d}"})
    assert client.session.get("_auth_user_id") == str(alice.user.pk), response.content.decode()[:500]


def test_a_wrong_first_code_leaves_e_mail_codes_in_place(client, alice):
    signed_in(client, alice.user)
    client.get("/connexion/application/")
    response = client.post("/connexion/application/", {"code": "000000"})
    assert "pas le bon" in response.content.decode()
    alice.user.refresh_from_db()
    assert alice.user.otp_channel != User.OtpChannel.TOTP
    assert not TOTPDevice.objects.filter(user=alice.user, confirmed=True).exists()
