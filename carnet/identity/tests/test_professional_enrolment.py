"""Where no OpenID Connect provider is configured, a professional of the directory enrols by invitation:
a single-use, expiring link; a login, a password and an authenticator app, whose code is asked at every
sign-in. Operators invite one professional or all of an import (command and back office)."""

import datetime
import re
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from carnet.access.actor import Actor, Role
from carnet.errors import Refused
from carnet.identity import actions
from carnet.identity.models import Professional, ProfessionalInvitation, User
from carnet.notify.models import OutboxMessage
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
OPERATOR = Actor(role=Role.OPERATOR)
PASSWORD = "Une phrase de passe solide 2026"
DIRECTORY = """rpps,adeli,family_name,given_name,profession,specialty,organisation,finess,email
19999999907,,Lefèvre,Hélène,medecin,medecine-generale,Cabinet du Port,,helene@cabinet.example
19999999915,,Roux,Paul,pharmacien,,Pharmacie du Port,,
"""


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "annuaire.csv"
    path.write_text(DIRECTORY, encoding="utf-8")
    call_command("import_professionals", str(path))
    return Professional.objects.get(rpps="19999999907")


def _link(email: str) -> str:
    body = OutboxMessage.objects.filter(recipient=email).latest("created_at").body
    return re.search(r"https?://[^/\s]+(/connexion/inscription/[^/\s]+/)", body).group(1)


def _code(client, invitation_pk: int, offset: int = 0) -> str:
    key = client.session[f"enrolment_totp_key:{invitation_pk}"]
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _enrol(client, link: str, **changes):
    client.get(link)
    invitation = ProfessionalInvitation.objects.latest("created_at")
    data = {"login": "dr.lefevre", "password": PASSWORD, "code": _code(client, invitation.pk)} | changes
    return client.post(link, data), invitation


def test_the_command_invites_every_professional_of_the_last_import(imported, capsys):
    call_command("invite_professionals", "--last-import")
    assert "1 invited, 1 left out" in capsys.readouterr().out
    assert _link("helene@cabinet.example").startswith("/connexion/inscription/")


def test_the_command_invites_one_by_rpps_and_refuses_an_unknown_one(imported):
    call_command("invite_professionals", "--rpps", "19999999907")
    assert ProfessionalInvitation.objects.filter(professional=imported).count() == 1
    with pytest.raises(CommandError, match="not in the directory"):
        call_command("invite_professionals", "--rpps", "10000000033")


def test_enrolment_then_the_authenticator_code_at_every_sign_in(client, imported):
    actions.invite_professional(OPERATOR, imported)
    response, invitation = _enrol(client, _link(imported.email))
    assert response.status_code == 302 and response["Location"] == "/connexion/"
    imported.refresh_from_db()
    assert imported.user.username == "dr.lefevre" and imported.user.otp_channel == "totp"
    browser = Client()
    signed = browser.post("/connexion/", {"login": "dr.lefevre", "password": PASSWORD})
    assert signed.status_code == 302 and "/connexion/code/" in signed["Location"]
    assert browser.get("/pro/").status_code == 302  # the password alone opens nothing
    key = imported.user.totpdevice_set.get().key
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + 30
    assert browser.post("/connexion/code/", {"code": f"{totp.token():06d}"})["Location"] == "/pro/"
    assert browser.get("/pro/").status_code == 200


def test_a_wrong_authenticator_code_at_sign_in_is_refused(client, imported):
    actions.invite_professional(OPERATOR, imported)
    _enrol(client, _link(imported.email))
    browser = Client()
    browser.post("/connexion/", {"login": "dr.lefevre", "password": PASSWORD})
    assert browser.post("/connexion/code/", {"code": "000000"}).status_code == 200
    assert browser.get("/pro/").status_code == 302


def test_a_link_works_once(client, imported):
    actions.invite_professional(OPERATOR, imported)
    link = _link(imported.email)
    _enrol(client, link)
    again = Client().get(link)
    assert again.status_code == 400 and "déjà servi" in again.content.decode()


def test_an_expired_link_is_refused(client, imported):
    actions.invite_professional(OPERATOR, imported)
    ProfessionalInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(_link(imported.email))
    assert response.status_code == 400 and "expiré" in response.content.decode()


def test_a_new_invitation_retires_the_old_link(client, imported):
    actions.invite_professional(OPERATOR, imported)
    old = _link(imported.email)
    actions.invite_professional(OPERATOR, imported)
    assert client.get(old).status_code == 400
    assert client.get(_link(imported.email)).status_code == 200


def test_an_unknown_link_is_not_found(client, db):
    assert client.get("/connexion/inscription/forged/").status_code == 404


def test_a_wrong_first_code_creates_nothing(client, imported):
    actions.invite_professional(OPERATOR, imported)
    response, invitation = _enrol(client, _link(imported.email), code="000000")
    assert response.status_code == 200 and "pas le bon" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None and not User.objects.filter(username="dr.lefevre").exists()


@pytest.mark.parametrize(
    "changes, error",
    [({"login": "helene@cabinet.example"}, "adresse électronique"), ({"password": "court"}, "12")],
)
def test_a_bad_login_or_password_creates_nothing(client, imported, changes, error):
    actions.invite_professional(OPERATOR, imported)
    response, _invitation = _enrol(client, _link(imported.email), **changes)
    assert response.status_code == 200 and error in response.content.decode()
    imported.refresh_from_db()
    assert imported.user is None


def test_only_operators_invite_and_only_who_can_be_reached(imported, dave):
    with pytest.raises(Refused) as not_operator:
        actions.invite_professional(Actor(role=Role.PROFESSIONAL, professional=dave), imported)
    assert not_operator.value.status == 403
    with pytest.raises(Refused) as enrolled:
        actions.invite_professional(OPERATOR, dave)
    assert enrolled.value.code == "already_enrolled"
    with pytest.raises(Refused) as unreachable:
        actions.invite_professional(OPERATOR, Professional.objects.get(rpps="19999999915"))
    assert unreachable.value.code == "no_email"


def test_the_operator_invites_from_the_back_office(client, erin, imported):
    signed_in(client, erin)
    page = client.get("/operateurs/professionnels/").content.decode()
    assert "Hélène" in page and "pas de courriel" in page
    assert client.post(f"/operateurs/professionnels/{imported.pk}/inviter/").status_code == 302
    assert _link(imported.email)
    batch = imported.import_batch
    client.post(f"/operateurs/professionnels/imports/{batch.pk}/inviter/")
    assert ProfessionalInvitation.objects.filter(professional=imported).count() == 2


def test_a_professional_cannot_use_the_back_office_invitation(client, imported, dave):
    signed_in(client, dave.user)
    response = client.post(f"/operateurs/professionnels/{imported.pk}/inviter/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not ProfessionalInvitation.objects.exists()
