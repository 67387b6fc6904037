"""Nobody is locked out: a new provisional code, a password reset, a new contact, each with its refusals."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.errors import Refused
from carnet.identity import actions, queries
from carnet.identity.models import ActivationCode, Patient, User
from carnet.identity.signin import send_sign_in_code
from carnet.journal.models import Entry
from carnet.notify.actions import set_preferences
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
ADDRESS = "12 rue des Lilas\n35000 Rennes"
PASSWORD = "une phrase de passe solide"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def paul(db):
    """Invited by letter 7 weeks ago, never activated: his code has expired."""
    paul = factories.make_patient(
        "Paul", "Santoni", user=None, email="", address=ADDRESS, state=Patient.State.OPEN
    )
    actions.invite_patient(paul)
    ActivationCode.objects.filter(patient=paul).update(expires_at=timezone.now() - datetime.timedelta(days=7))
    Patient.objects.filter(pk=paul.pk).update(opposition_deadline=timezone.now() - datetime.timedelta(days=7))
    return Patient.objects.get(pk=paul.pk)


def letters_to(patient):
    return OutboxMessage.objects.filter(channel="letter", patient_id=patient.pk).order_by("created_at")


def code_in(message) -> str:
    return re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", message.body).group(0)


def test_a_new_code_goes_by_letter_to_the_address_on_file_and_the_old_one_stops(paul):
    old = code_in(letters_to(paul).last())
    actions.request_new_code(paul.nir, paul.birth_date, "35000", ip="10.0.0.1")
    letter = letters_to(paul).last()
    assert letter.recipient.endswith("35000 Rennes") and letters_to(paul).count() == 2
    assert "/opposition/" not in letter.body  # the window is over: the space is already open
    with pytest.raises(Refused):
        actions.activate_account(old, "paul-s", PASSWORD, email="paul@example.org")
    user = actions.activate_account(code_in(letter), "paul-s", PASSWORD, email="paul@example.org")
    assert Patient.objects.get(pk=paul.pk).user == user
    assert Entry.objects.filter(action=P.ACCOUNT_CODE_REQUEST, allowed=True, patient_id=paul.pk).count() == 1


@pytest.mark.parametrize(
    ("nir", "birth", "postal"),
    [
        ("same", datetime.date(1985, 3, 15), "35000"),  # wrong birth date
        ("same", "same", "75001"),  # not the postal code on file
        ("same", "same", ""),
        ("1" * 15, "same", "35000"),  # not a NIR
    ],
)
def test_a_wrong_identity_gets_the_same_answer_and_no_code(paul, nir, birth, postal):
    actions.request_new_code(
        paul.nir if nir == "same" else nir, paul.birth_date if birth == "same" else birth, postal
    )
    assert letters_to(paul).count() == 1
    assert Entry.objects.filter(
        action=P.ACCOUNT_CODE_REQUEST, allowed=False, rule="identity-mismatch"
    ).exists()


def test_no_new_code_for_an_activated_space(alice):
    Patient.objects.filter(pk=alice.pk).update(address=ADDRESS)
    actions.request_new_code(alice.nir, alice.birth_date, "35000")
    assert not ActivationCode.objects.filter(patient=alice).exists()
    assert Entry.objects.filter(action=P.ACCOUNT_CODE_REQUEST, rule="not-activable").exists()


def test_new_codes_are_rate_limited_per_person_and_per_address(paul):
    for _ in range(actions.CODE_REQUESTS_PER_PERSON):
        actions.request_new_code(paul.nir, paul.birth_date, "35000", ip=f"10.0.0.{_}")
    with pytest.raises(Refused) as refused:
        actions.request_new_code(paul.nir, paul.birth_date, "35000", ip="10.0.1.1")
    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    cache.clear()
    for _ in range(actions.CODE_REQUESTS_PER_IP):
        actions.request_new_code("1" * 15, paul.birth_date, "35000", ip="10.9.9.9")
    with pytest.raises(Refused):
        actions.request_new_code(paul.nir, paul.birth_date, "35000", ip="10.9.9.9")


def reset_link(user):
    message = OutboxMessage.objects.filter(recipient=user.email).order_by("created_at").last()
    return re.search(r"/nouveau-mot-de-passe/([^/]+)/([^/]+)/", message.body).groups()


def sign_in_code(user):

    send_sign_in_code(user)
    message = OutboxMessage.objects.filter(recipient=user.email).order_by("created_at").last()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_a_password_reset_needs_the_link_and_the_second_factor_and_clears_the_failures(alice):
    actions.request_password_reset(alice.user.username)
    uid, token = reset_link(alice.user)
    User.objects.filter(pk=alice.user.pk).update(locked_until=timezone.now() + datetime.timedelta(minutes=10))
    with pytest.raises(Refused) as locked:
        actions.reset_password(uid, token, sign_in_code(alice.user), PASSWORD)
    assert locked.value.code == "locked"  # the lockout against guessing holds for resets too
    User.objects.filter(pk=alice.user.pk).update(locked_until=None, failed_logins=2)
    user = User.objects.get(pk=alice.user.pk)
    with pytest.raises(Refused):
        actions.reset_password(uid, token, "000000", PASSWORD)  # a wrong second factor
    actions.reset_password(uid, token, sign_in_code(user), PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.failed_logins == 0
    with pytest.raises(Refused) as used:
        actions.reset_password(uid, token, sign_in_code(user), "encore une autre phrase")
    assert used.value.code == "link_invalid"  # a link works once


def test_an_unknown_login_gets_the_same_answer_and_nothing_is_sent(alice):
    before = OutboxMessage.objects.count()
    actions.request_password_reset("nobody-here")
    assert OutboxMessage.objects.count() == before
    assert Entry.objects.filter(action=P.ACCOUNT_PASSWORD_RESET, rule="unknown-login").exists()


def test_a_tampered_reset_link_is_refused(alice):
    actions.request_password_reset(alice.user.username)
    uid, token = reset_link(alice.user)
    with pytest.raises(Refused):
        queries.user_for_reset_link(uid, token[:-2] + "xx")


def holder(patient):
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def contact_code(recipient):
    message = OutboxMessage.objects.filter(recipient__contains=recipient).order_by("created_at").last()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_a_new_email_is_used_only_once_confirmed_and_the_old_one_is_told(alice):
    old = alice.user.email
    actions.request_contact_change(holder(alice), alice.user, "email", "alice.new@example.org")
    assert User.objects.get(pk=alice.user.pk).email == old
    with pytest.raises(Refused):
        actions.confirm_contact_change(holder(alice), alice.user, "000000")
    actions.confirm_contact_change(holder(alice), alice.user, contact_code("alice.new@example.org"))
    assert User.objects.get(pk=alice.user.pk).email == "alice.new@example.org"
    assert Patient.objects.get(pk=alice.pk).email == "alice.new@example.org"
    assert OutboxMessage.objects.filter(recipient=old, subject="Votre compte carnet").exists()


def test_a_new_address_is_confirmed_by_a_letter_sent_there(alice):
    actions.request_contact_change(holder(alice), alice.user, "address", "4 place du Marché 44000 Nantes")
    letter = OutboxMessage.objects.filter(channel="letter").last()
    assert letter.recipient.endswith("44000 Nantes")
    actions.confirm_contact_change(holder(alice), alice.user, contact_code("44000 Nantes"))
    assert Patient.objects.get(pk=alice.pk).address == "4 place du Marché 44000 Nantes"


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("email", "not-an-address", None),
        ("phone", "12", "phone_format"),
        ("address", "Rennes", "address_format"),
    ],
)
def test_bad_new_contacts_are_refused(alice, kind, value, code):

    with pytest.raises((Refused, ValidationError)):
        actions.request_contact_change(holder(alice), alice.user, kind, value)
    assert queries.pending_contact_change(alice.user) is None


def test_nobody_changes_someone_elses_contact_and_guessing_is_limited(alice, dave):
    with pytest.raises(AccessDenied):
        actions.request_contact_change(
            Actor(role=Role.PROFESSIONAL, user=dave.user, professional=dave),
            alice.user,
            "email",
            "x@example.org",
        )
    actions.request_contact_change(holder(alice), alice.user, "phone", "06 12 34 56 78")
    for _ in range(actions.CONTACT_CODE_MAX_FAILURES):
        with pytest.raises(Refused):
            actions.confirm_contact_change(holder(alice), alice.user, "000000")
    with pytest.raises(Refused) as refused:
        actions.confirm_contact_change(holder(alice), alice.user, contact_code("0612345678"))
    assert refused.value.code == "no_change"


def test_the_letter_channel_needs_an_address(alice):

    with pytest.raises(Refused) as refused:
        set_preferences(holder(alice), alice, channel="letter")
    assert refused.value.code == "no_address"
    Patient.objects.filter(pk=alice.pk).update(address=ADDRESS)
    assert (
        set_preferences(holder(alice), Patient.objects.get(pk=alice.pk), channel="letter").channel == "letter"
    )
