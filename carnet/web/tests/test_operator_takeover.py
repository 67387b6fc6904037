"""The operator takeover of the security review: Django's admin login (a password alone) and a session
that never passed the second factor must not open the admin, enrol an authenticator or re-authenticate;
a change of second factor is journaled and told on the old channel."""

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.identity.models import User
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_the_admin_login_form_is_carnets_sign_in(client, erin):
    page = client.get("/operateurs/admin/login/?next=/operateurs/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/connexion/?next=")
    attempt = client.post("/operateurs/admin/login/", {"username": erin.username, "password": PASSWORD})
    assert attempt.status_code == 302 and attempt["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session  # the password alone signed nobody in
    assert client.get("/operateurs/admin/").status_code == 302


def test_a_password_only_session_is_refused_by_the_admin(client, erin):
    client.force_login(erin)  # what Django's own admin login used to leave: no second factor
    response = client.get("/operateurs/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/connexion/?next=")
    assert response.templates[0].name == "web/auth/sign_in.html"
    assert client.get("/operateurs/admin/identity/user/").status_code == 302


def test_an_operator_who_passed_the_second_factor_reaches_the_admin(client, erin):
    signed_in(client, erin)
    assert client.get("/operateurs/admin/").status_code == 200


def test_carnets_sign_in_opens_the_admin_after_the_code(client, erin):
    client.post("/connexion/?next=/operateurs/admin/", {"login": erin.username, "password": PASSWORD})
    assert client.get("/operateurs/admin/").status_code == 302  # password step only
    code = OutboxMessage.objects.filter(recipient=erin.email).latest("pk").body.split(": ")[1][:6]
    response = client.post("/connexion/code/?next=/operateurs/admin/", {"code": code})
    assert response["Location"] == "/operateurs/admin/"
    assert client.get("/operateurs/admin/").status_code == 200


@pytest.mark.parametrize("page", ["/connexion/application/", "/connexion/confirmer/"])
def test_a_session_without_second_factor_cannot_enrol_or_reauthenticate(client, erin, page):
    client.force_login(erin)
    assert client.get(page)["Location"].startswith("/connexion/?next=")
    response = client.post(page, {"code": "123456", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/connexion/?next=")
    assert not TOTPDevice.objects.filter(user=erin).exists()
    assert "reauthenticated_at" not in client.session


def test_the_attack_fails_end_to_end(client, erin):
    """Password at the admin login, enrol an authenticator, sign in with its code: nothing opens."""
    client.post("/operateurs/admin/login/", {"username": erin.username, "password": PASSWORD})
    client.get("/connexion/application/")
    client.post("/connexion/", {"login": erin.username, "password": PASSWORD})  # pending, not signed in
    client.get("/connexion/application/")
    assert not TOTPDevice.objects.filter(user=erin).exists()
    client.post("/connexion/code/", {"code": "000000"})
    assert client.get("/operateurs/").status_code == 302


def _enrol(client, user):
    client.get("/connexion/application/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post("/connexion/application/", {"code": f"{totp(device.bin_key):06d}"})


def test_a_new_authenticator_is_told_on_the_old_e_mail_channel_and_journaled(client, alice):
    signed_in(client, alice.user)
    before = OutboxMessage.objects.count()
    assert _enrol(client, alice.user).status_code == 302
    notice = OutboxMessage.objects.order_by("pk")[before:].get()
    assert (notice.channel, notice.recipient) == ("email", alice.user.email)
    assert "moyen de connexion a changé" in notice.subject
    entry = Entry.objects.get(action="account:totp:setup", detail__contains='"step":"changed"')
    assert entry.patient_id == alice.pk and entry.actor_user_id == alice.user.pk and entry.allowed


def test_a_new_authenticator_is_told_by_sms_to_who_signed_in_by_sms(client, alice):
    User.objects.filter(pk=alice.user.pk).update(otp_channel=User.OtpChannel.SMS, phone="+33612345678")
    alice.user.refresh_from_db()
    signed_in(client, alice.user)
    _enrol(client, alice.user)
    assert OutboxMessage.objects.filter(channel="sms", recipient="+33612345678").exists()


def test_a_wrong_first_code_changes_nothing_and_tells_nobody(client, alice):
    signed_in(client, alice.user)
    client.get("/connexion/application/")
    client.post("/connexion/application/", {"code": "000000"})
    assert not Entry.objects.filter(detail__contains='"step":"changed"').exists()
    assert not OutboxMessage.objects.filter(subject__contains="moyen de connexion").exists()
