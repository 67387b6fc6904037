"""The lifecycle of a space (domain.md §2): every transition, and every refused one."""

import datetime

import pytest
from django.utils import timezone

from carnet import factories
from carnet.access.actor import SYSTEM, Actor
from carnet.errors import Refused
from carnet.identity import actions, sweeps
from carnet.identity.models import ActivationCode, Opposition, Patient, Representative
from carnet.journal.models import Entry

pytestmark = pytest.mark.django_db
State = Patient.State
PASSWORD = "un long mot de passe 2026"


@pytest.fixture
def invited():
    """A beneficiary imported and invited, without an account yet."""
    patient = factories.make_patient("Inès", "Morel", user=None, state=State.PENDING)
    return patient, actions.invite_patient(patient)


def test_invitation_code_is_stored_hashed_and_sent(invited):
    patient, code = invited
    row = ActivationCode.objects.get(patient=patient)
    assert code.replace("-", "") not in row.code_hash
    assert patient.opposition_deadline > timezone.now() + datetime.timedelta(days=41)
    assert Entry.objects.filter(action="account:space:invite", patient_id=patient.pk).exists()


def test_activation_opens_the_space(invited):
    patient, code = invited
    user = actions.activate_account(code, "ines.m", PASSWORD)
    patient.refresh_from_db()
    assert (patient.state, patient.user) == (State.OPEN, user)
    assert user.check_password(PASSWORD)
    assert user.password.startswith("md5$") or user.password.startswith("argon2")


def test_a_reused_code_is_refused(invited):
    _patient, code = invited
    actions.activate_account(code, "ines.m", PASSWORD)
    with pytest.raises(Refused) as caught:
        actions.activate_account(code, "ines.bis", PASSWORD)
    assert caught.value.code == "code_used"


def test_an_expired_code_is_refused(invited):
    _patient, code = invited
    ActivationCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(Refused) as caught:
        actions.activate_account(code, "ines.m", PASSWORD)
    assert caught.value.code == "code_expired"


def test_an_unknown_code_is_refused(invited):
    with pytest.raises(Refused) as caught:
        actions.activate_account("AAAA-BBBB-CCCC", "ines.m", PASSWORD)
    assert caught.value.code == "code_unknown"


@pytest.mark.parametrize(
    ("login", "code"),
    [
        ("NIR", "login_nir"),
        ("NIR-spaced", "login_nir"),
        ("EMAIL", "login_email"),
        ("a", "login_format"),
        ("ines m", "login_format"),
    ],
)
def test_login_rules(invited, login, code):
    patient, activation = invited
    login = {"NIR": patient.nir, "NIR-spaced": " ".join(patient.nir), "EMAIL": patient.email}.get(
        login, login
    )
    with pytest.raises(Refused) as caught:
        actions.activate_account(activation, login, PASSWORD)
    assert caught.value.code == code
    assert Patient.objects.get(pk=patient.pk).user is None  # nothing half-written
    assert ActivationCode.objects.get(patient=patient).used_at is None


@pytest.mark.parametrize("password", ["court", "123456789012345", "password1234"])
def test_weak_passwords_are_refused(invited, password):
    _patient, code = invited
    with pytest.raises(Refused):
        actions.activate_account(code, "ines.m", password)


def test_opposition_within_the_window_keeps_only_the_fact(invited):
    patient, code = invited
    actions.record_opposition(code=code)
    assert not Patient.objects.filter(pk=patient.pk).exists()
    assert Opposition.objects.count() == 1
    assert patient.nir not in Opposition.objects.get().nir_hash


def test_opposition_after_the_window_is_refused(invited):
    patient, code = invited
    Patient.objects.filter(pk=patient.pk).update(
        opposition_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(Refused) as caught:
        actions.record_opposition(code=code)
    assert caught.value.code == "window_closed"


def test_opposition_after_activation_is_refused(invited):
    patient, code = invited
    actions.activate_account(code, "ines.m", PASSWORD)
    with pytest.raises(Refused):
        actions.record_opposition(code=code)
    with pytest.raises(Refused):
        actions.record_opposition(patient=Patient.objects.get(pk=patient.pk))


def test_spaces_open_after_the_window_even_if_never_activated(invited):
    patient, _code = invited
    later = timezone.now() + datetime.timedelta(days=43)
    assert sweeps.open_unactivated_spaces(later) == 1
    patient.refresh_from_db()
    assert patient.state == State.OPEN and patient.user is None


def test_closure_archives_for_ten_years(alice):
    actions.request_closure(SYSTEM, alice)
    alice.refresh_from_db()
    assert alice.state == State.CLOSED
    assert alice.destroy_after.year == alice.closed_at.year + 10


def test_early_destruction_after_the_grace_period(alice):
    actions.request_closure(SYSTEM, alice, early_destruction=True)
    alice.refresh_from_db()
    assert datetime.timedelta(days=6) < alice.destroy_after - alice.closed_at <= datetime.timedelta(days=7)


def test_reopening_during_the_archive_restores_the_space(alice):
    actions.request_closure(SYSTEM, alice)
    actions.reopen_space(Actor.for_patient(alice), alice)
    alice.refresh_from_db()
    assert (alice.state, alice.destroy_after) == (State.OPEN, None)


def test_reopening_after_destruction_date_is_refused(alice):
    actions.request_closure(SYSTEM, alice, early_destruction=True)
    Patient.objects.filter(pk=alice.pk).update(destroy_after=timezone.now() - datetime.timedelta(seconds=1))
    alice.refresh_from_db()
    with pytest.raises(Refused):
        actions.reopen_space(Actor.for_patient(alice), alice)


def test_suspension_then_objection_reopens(alice):
    actions.suspend_space(SYSTEM, alice)
    assert alice.state == State.SUSPENDED
    actions.object_to_suspension(Actor.for_patient(alice), alice)
    assert alice.state == State.OPEN


def test_suspension_without_objection_becomes_closure(alice):
    actions.suspend_space(SYSTEM, alice)
    assert sweeps.close_expired_suspensions(timezone.now() + datetime.timedelta(days=43)) == 1
    alice.refresh_from_db()
    assert alice.state == State.CLOSED


REFUSED = [
    ("request_closure", State.CLOSED),
    ("request_closure", State.PENDING),
    ("reopen_space", State.OPEN),
    ("reopen_space", State.SUSPENDED),
    ("suspend_space", State.CLOSED),
    ("object_to_suspension", State.OPEN),
    ("object_to_suspension", State.CLOSED),
]


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_refused_transitions(action, state):
    patient = factories.make_patient("Léa", "Roux", state=state)
    actor = SYSTEM if action in {"request_closure", "suspend_space"} else Actor.for_patient(patient)
    with pytest.raises(Refused) as caught:
        getattr(actions, action)(actor, patient)
    assert caught.value.code.startswith("from_")  # the state refuses, not the policy
    assert Patient.objects.get(pk=patient.pk).state == state


def test_at_eighteen_representatives_lose_access_and_the_person_is_invited():
    parent = factories.make_user("parent")
    today = timezone.localdate()
    teen = factories.make_patient("Hugo", "Blanc", user=None, birth_date=today.replace(year=today.year - 18))
    child = factories.make_patient("Zoé", "Blanc", user=None, birth_date=today.replace(year=today.year - 10))
    Representative.objects.create(patient=teen, user=parent)
    Representative.objects.create(patient=child, user=parent)
    assert sweeps.hand_over_at_majority(today) == 1
    assert Representative.objects.get(patient=teen).ended_at is not None
    assert Representative.objects.get(patient=child).ended_at is None
    assert ActivationCode.objects.filter(patient=teen).exists()
