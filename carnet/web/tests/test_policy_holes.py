"""Each hole found in the policy review, performed through the real entry point (page, task, start-up): the
attack now gets a clear refusal, beside the allowed path."""

import datetime
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carnet import factories
from carnet.access.actions import break_glass
from carnet.access.actor import Actor, Role
from carnet.access.models import EmergencyAccess
from carnet.access.permissions import Permission as P
from carnet.dates import years_after
from carnet.identity import actions as identity
from carnet.identity import sweeps
from carnet.identity.models import ActivationCode, Mandate, Patient, Representative
from carnet.journal.models import Entry
from carnet.journal.queries import WHAT
from carnet.notify.models import NotificationPreference, OutboxMessage
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db
CLOSE = {"confirm": "on", "early_destruction": "on"}


@pytest.fixture
def client_factory():
    return Client


def _caregiver(alice, scopes=("read",)):
    helper = factories.make_user("helene", first_name="Hélène", last_name="Aide")
    Mandate.objects.create(
        patient=alice,
        caregiver=helper,
        scopes=list(scopes),
        ends_at=timezone.now() + datetime.timedelta(days=30),
    )
    return helper


def test_a_read_only_caregiver_cannot_close_the_space(client_factory, alice):
    caregiver = signed_in(client_factory(), _caregiver(alice))
    page = caregiver.post("/patient/cloture/", CLOSE)
    assert page.status_code == 200 and "titulaire" in page.content.decode()
    alice.refresh_from_db()
    assert alice.state == Patient.State.OPEN and alice.destroy_after is None
    refused = Entry.objects.get(action=P.ACCOUNT_SPACE_CLOSE, patient_id=alice.pk)
    assert (refused.allowed, refused.rule) == (False, "holder-only")


def test_the_patient_closes_her_space_and_is_told(client, alice):
    signed_in(client, alice.user)
    assert client.post("/patient/cloture/", CLOSE).status_code == 200
    alice.refresh_from_db()
    assert alice.state == Patient.State.CLOSED
    assert OutboxMessage.objects.filter(recipient=alice.email, subject__contains="clôturé").exists()
    assert Entry.objects.filter(action=P.ACCOUNT_SPACE_CLOSE, patient_id=alice.pk, allowed=True).exists()


def test_a_read_only_caregiver_cannot_change_the_notifications(client_factory, alice):
    caregiver = signed_in(client_factory(), _caregiver(alice))
    page = caregiver.post("/patient/notifications/", {"channel": "letter"})
    assert "mandat ne permet pas" in page.content.decode()
    assert not NotificationPreference.objects.exists()
    assert Entry.objects.filter(
        action=P.NOTIFY_PREFERENCES_CHANGE, allowed=False, patient_id=alice.pk
    ).exists()


def test_the_patient_changes_her_notifications_and_it_is_journaled(client, alice):
    alice.address = "3 rue du Port 20000 Ajaccio"  # the letter channel needs an address (issue 14)
    alice.save(update_fields=["address"])
    signed_in(client, alice.user)
    assert client.post("/patient/notifications/", {"channel": "letter"}).status_code == 302
    assert NotificationPreference.objects.get(patient_id=alice.pk).channel == "letter"
    assert Entry.objects.filter(
        action=P.NOTIFY_PREFERENCES_CHANGE, allowed=True, patient_id=alice.pk
    ).exists()


REASON = {"reason_code": "vital-risk", "reason_text": "Malaise grave en consultation"}


@pytest.mark.parametrize("mode", ["anything", "GLASS", "samu"])
def test_an_unknown_access_mode_opens_no_emergency(client, alice, dave, mode):
    signed_in(client, dave.user)
    assert client.post(f"{found(client, alice)}acces/{mode}/", REASON).status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_breaking_the_glass_is_named_and_opens_an_emergency(client, alice, dave):
    signed_in(client, dave.user)
    assert client.post(f"{found(client, alice)}acces/glass/", REASON).status_code == 302
    assert EmergencyAccess.objects.filter(patient=alice, professional=dave).exists()


def test_a_patient_cannot_contest_another_patients_journal_entry(client_factory, alice, bob):
    other = factories.make_patient("Paul", "Roux")
    gp = signed_in(client_factory(), bob.user)
    gp.post(f"{found(gp, other)}acces/declare/")
    theirs = Entry.objects.filter(patient_id=other.pk).last().seq
    patient = signed_in(client_factory(), alice.user)
    text = {"text": "Je ne connais pas ce médecin"}
    assert patient.post(f"/patient/journal/{theirs}/contester/", text).status_code == 404
    assert patient.post("/patient/journal/999999/contester/", text).status_code == 404
    patient.get("/patient/documents/")  # a line of her own
    own = Entry.objects.filter(patient_id=alice.pk).last().seq
    assert patient.post(f"/patient/journal/{own}/contester/", text).status_code == 302
    assert [c.entry_seq for c in alice.contests.all()] == [own]


def test_every_journaled_event_is_a_permission_said_in_words(client, alice, erin):
    identity.suspend_space(Actor(role=Role.OPERATOR, user=erin), alice)
    identity.object_to_suspension(Actor.for_patient(alice), alice)
    signed_in(client, alice.user)
    page = client.get("/patient/journal/").content.decode()
    assert "a suspendu votre espace" in page and "account:space" not in page
    assert set(Entry.objects.values_list("action", flat=True)) <= set(P)
    assert set(WHAT) == set(P)  # every permission has its words in the patient's journal


def test_break_glass_tells_the_gp_through_the_outbox_after_the_commit(settings, alice, bob, dave):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}
    }
    with pytest.raises(RuntimeError), transaction.atomic():
        break_glass(Actor.for_professional(dave), alice, "vital-risk", "Malaise grave en consultation")
        raise RuntimeError("the request failed after the emergency access")
    assert not DBTaskResult.objects.exists() and not OutboxMessage.objects.exists()
    break_glass(Actor.for_professional(dave), alice, "vital-risk", "Malaise grave en consultation")
    queued = {row.task_path.rsplit(".", 1)[-1] for row in DBTaskResult.objects.all()}
    assert "send_email_task" in queued
    assert not OutboxMessage.objects.filter(recipient=bob.user.email).exists()  # sent by the worker


def test_an_unknown_professional_in_the_access_buttons_is_a_404(client, alice):
    signed_in(client, alice.user)
    assert client.post("/patient/acces/999999/bloquer/").status_code == 404


def test_a_non_numeric_app_id_is_a_clear_refusal(client, alice):
    signed_in(client, alice.user)
    page = client.post("/patient/applications/", {"application": "abc"})
    assert page.status_code == 400 and "Choisissez une application" in page.content.decode()


def test_closing_on_29_february_archives_until_28_february(client, alice, monkeypatch):
    leap_day = datetime.datetime(2028, 2, 29, 10, 0, tzinfo=datetime.UTC)
    signed_in(client, alice.user)
    monkeypatch.setattr(identity, "timezone", SimpleNamespace(now=lambda: leap_day))  # the action's today
    assert client.post("/patient/cloture/", {"confirm": "on"}).status_code == 200
    alice.refresh_from_db()
    assert alice.destroy_after.date() == datetime.date(2038, 2, 28)


def test_the_majority_task_on_29_february(alice):
    born = datetime.date(2010, 2, 28)
    teen = factories.make_patient("Hugo", "Blanc", user=None, birth_date=born)
    Representative.objects.create(patient=teen, user=alice.user)
    assert sweeps.hand_over_at_majority(datetime.date(2028, 2, 29)) == 1
    assert years_after(datetime.date(2028, 2, 29), -18) == datetime.date(2010, 2, 28)


def test_activation_with_a_refused_password_says_why(client):
    patient = factories.make_patient("Inès", "Morel", user=None, state=Patient.State.PENDING)
    code = identity.invite_patient(patient)
    page = client.post(
        "/activation/",
        {"code": code, "login": "ines.m", "password": "123456789012345", "otp_channel": "email"},
    )
    assert page.status_code == 200 and "entièrement numérique" in page.content.decode()
    assert ActivationCode.objects.get(patient=patient).used_at is None


@pytest.mark.parametrize(
    ("name", "value"),
    [("CARNET_BLOB_STORE", "S3"), ("CARNET_BLOB_STORE", "files"), ("CARNET_GRANT_MODE", "declare")],
)
def test_a_setting_with_an_unknown_value_stops_the_start(name, value):
    env = {**os.environ, name: value, "DJANGO_SETTINGS_MODULE": "carnet.settings"}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert f"{name} must be one of" in started.stderr and repr(value) in started.stderr


def test_a_setting_with_a_known_value_starts():
    env = {**os.environ, "CARNET_BLOB_STORE": "file", "DJANGO_SETTINGS_MODULE": "carnet.settings"}
    started = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env)
    assert started.returncode == 0
