"""Notifications: channel by preference, immediate or daily digest, letters as PDF, print queue."""

import io

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from carnet.access.actor import Actor, Role
from carnet.errors import Refused
from carnet.factories import make_patient
from carnet.notify import actions, queries, tasks
from carnet.notify.models import NotificationPreference, OutboxMessage, PendingNotification
from carnet.notify.tasks import deliver_notification, send_daily_digests_task
from carnet.records.tasks import index_document_text

pytestmark = pytest.mark.django_db


def _patient(**fields):
    fields.setdefault("address", "12 rue des Lilas\n75011 Paris")
    return make_patient("Alice Marie", "Martin", **fields)


@pytest.mark.parametrize(
    ("email", "phone", "wanted", "expected"),
    [
        ("alice@example.org", "0612345678", "", "email"),
        ("", "0612345678", "", "sms"),
        ("", "", "", "letter"),
        ("alice@example.org", "0612345678", "sms", "sms"),
        ("alice@example.org", "", "letter", "letter"),
        ("", "0612345678", "email", "sms"),  # e-mail wanted but unknown: next default
    ],
)
def test_channel_follows_preference_then_defaults(email, phone, wanted, expected):
    alice = _patient(email=email, phone=phone)
    if wanted:
        actions.set_preferences(Actor.for_patient(alice), alice, channel=wanted)
    actions.notify_patient(alice, "document-added", "Nouveau document", "Connectez-vous.")
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == [expected]


def test_unknown_channel_is_refused_and_nothing_written():
    alice = _patient()
    with pytest.raises(Refused) as caught:
        actions.set_preferences(Actor.for_patient(alice), alice, channel="pigeon")
    assert caught.value.code == "unknown_channel"
    assert not NotificationPreference.objects.exists()


def test_digest_queues_instead_of_sending():
    alice = _patient()
    actions.set_preferences(Actor.for_patient(alice), alice, daily_digest=True)
    actions.notify_patient(alice, "document-added", "Nouveau document", "Connectez-vous.")
    assert not OutboxMessage.objects.exists()
    assert PendingNotification.objects.filter(patient_id=alice.pk, sent_at=None).count() == 1


def test_emergency_access_is_always_immediate_even_with_digest():
    alice = _patient()
    actions.set_preferences(Actor.for_patient(alice), alice, daily_digest=True)
    actions.notify_patient(alice, "emergency-access", "Accès en urgence", "Connectez-vous.", urgent=True)
    assert OutboxMessage.objects.count() == 1
    assert not PendingNotification.objects.exists()


def test_daily_digest_sends_one_message_per_patient_once():
    alice, brigitte = _patient(), _patient(email="")
    for patient in (alice, brigitte):
        actions.set_preferences(Actor.for_patient(patient), patient, daily_digest=True)
        actions.notify_patient(patient, "document-added", "Nouveau document", "x")
        actions.notify_patient(patient, "access-granted", "Nouvel accès", "x")
    assert tasks.send_daily_digests() == 2
    assert OutboxMessage.objects.count() == 2
    email = OutboxMessage.objects.get(channel="email")
    assert "Nouveau document" in email.body and "Nouvel accès" in email.body
    # a second worker (or a second run) finds nothing left to claim
    assert tasks.send_daily_digests() == 0
    assert OutboxMessage.objects.count() == 2
    assert not PendingNotification.objects.filter(sent_at=None).exists()


def test_digest_without_pending_rows_sends_nothing():
    _patient()
    assert tasks.send_daily_digests() == 0
    assert not OutboxMessage.objects.exists()


def test_letter_is_a_pdf_with_the_address_in_the_print_queue():
    alice = _patient(email="", phone="")
    actions.notify_patient(alice, "document-added", "Nouveau document", "Connectez-vous à carnet.")
    letter = queries.print_queue().get()
    assert letter.patient_id == alice.pk
    text = PdfReader(io.BytesIO(bytes(letter.attachment))).pages[0].extract_text()
    assert "12 rue des Lilas" in text and "Nouveau document" in text


def test_mark_letters_printed_empties_the_print_queue_only_for_letters(erin):
    erin_actor = Actor(role=Role.OPERATOR, user=erin)
    alice = _patient(email="", phone="")
    actions.notify_patient(alice, "document-added", "Nouveau document", "x")
    actions.send_email("bob@example.org", "Objet", "Corps")
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    assert actions.mark_letters_printed(erin_actor, ids) == 1
    assert not queries.print_queue().exists()
    assert actions.mark_letters_printed(erin_actor, ids) == 0  # already printed


def test_outbox_filters_by_channel():
    actions.send_email("bob@example.org", "Objet", "Corps")
    actions.queue_letter("Bob\n1 rue", "Objet", "Corps")
    assert queries.outbox().count() == 2
    assert [m.channel for m in queries.outbox("letter")] == ["letter"]
    assert not queries.outbox("sms").exists()


def test_the_daily_task_sends_the_digests():

    alice = _patient()
    actions.set_preferences(Actor.for_patient(alice), alice, daily_digest=True)
    actions.notify_patient(alice, "document-added", "Nouveau document", "x")
    assert send_daily_digests_task.enqueue().return_value == 1
    assert OutboxMessage.objects.count() == 1


def test_a_notification_leaves_only_if_its_transaction_commits(settings):
    """notify_patient queues a task in the caller's transaction (transactional outbox): a rolled-back
    change tells nobody, a committed one is delivered by the worker, not by the request."""

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}
    }
    alice = _patient(email="alice@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.notify_patient(alice, "document-added", "Nouveau document", "Connectez-vous.")
        raise RuntimeError("the deposit failed")
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        actions.notify_patient(alice, "document-added", "Nouveau document", "Connectez-vous.")
    assert not OutboxMessage.objects.exists()  # the request did not send it
    queued = DBTaskResult.objects.get()
    assert queued.task_path == deliver_notification.module_path
    deliver_notification.call(
        *queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]
    )  # the worker's part
    assert list(OutboxMessage.objects.values_list("channel", "recipient")) == [("email", "alice@example.org")]


def test_a_notification_is_taken_before_a_backlog_of_text_extraction(settings):
    """The worker takes tasks by priority: a notice queued after documents to index leaves first."""

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}
    }
    alice = _patient(email="alice@example.org")
    for n in range(3):
        index_document_text.enqueue(f"00000000-0000-0000-0000-00000000000{n}")
    actions.notify_patient(alice, "emergency-access", "Accès en urgence", "Connectez-vous.", urgent=True)
    first = DBTaskResult.objects.ready().first()
    assert first.task_path == deliver_notification.module_path
