"""Reminders at the delays the patient chose, by their channel, sent once; never for a cancelled event."""

import datetime

import pytest
from django.utils import timezone

from carnet.agenda import actions
from carnet.agenda.models import Reminder
from carnet.agenda.tasks import send_due_reminders, send_due_reminders_task
from carnet.agenda.tests.test_events import at, me, pro
from carnet.errors import Refused
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def reminders_sent(patient):
    return OutboxMessage.objects.filter(recipient=patient.email).count()


def test_reminders_leave_at_their_time_once_and_say_nothing_clinical(alice):
    event = actions.create_event(
        me(alice), alice, actions.EventData("Oncologie", at(3)), reminders=[60, 1440]
    )
    assert sorted(event.reminders.values_list("minutes_before", flat=True)) == [60, 1440]
    assert send_due_reminders(now=event.starts_at - datetime.timedelta(days=2)) == 0
    the_day_before = event.starts_at - datetime.timedelta(hours=23)
    assert send_due_reminders(now=the_day_before) == 1
    assert send_due_reminders(now=the_day_before) == 0  # claimed: never twice
    message = OutboxMessage.objects.get(recipient=alice.email)
    assert "Oncologie" not in message.body and message.recipient == alice.email
    assert Entry.objects.filter(action="agenda:reminder:send", actor_role="system").count() == 1


def test_the_task_sends_what_is_due(alice):
    event = actions.create_event(me(alice), alice, actions.EventData("Kiné", at(3)), reminders=[60])
    Reminder.objects.filter(event=event).update(send_at=timezone.now() - datetime.timedelta(minutes=1))
    assert send_due_reminders_task.call() == 1
    assert reminders_sent(alice) == 1


def test_no_reminder_for_a_cancelled_event(alice, bob):
    event = actions.create_event(pro(bob), alice, actions.EventData("Consultation", at(3)))
    actions.set_reminders(me(alice), event, [1440])
    actions.cancel_event(pro(bob), event)
    assert send_due_reminders(now=event.starts_at - datetime.timedelta(hours=2)) == 0


def test_a_moved_event_moves_its_reminders(alice):
    event = actions.create_event(me(alice), alice, actions.EventData("Kiné", at(3)), reminders=[60])
    actions.move_event(me(alice), event, at(10))
    assert event.reminders.get().send_at == at(10) - datetime.timedelta(minutes=60)


def test_only_the_offered_delays_and_letters_only_a_week_ahead(alice):
    with pytest.raises(Refused):
        actions.create_event(me(alice), alice, actions.EventData("Kiné", at(3)), reminders=[5])
    alice.email, alice.phone = "", ""
    alice.save()
    event = actions.create_event(me(alice), alice, actions.EventData("IRM", at(20)), reminders=[60, 10080])
    assert list(event.reminders.values_list("minutes_before", flat=True)) == [10080]


def test_a_patient_who_chose_letters_gets_only_the_week_ahead_reminder(alice):
    from carnet.notify.models import NotificationPreference

    NotificationPreference.objects.create(patient_id=alice.pk, channel="letter")
    event = actions.create_event(
        me(alice), alice, actions.EventData("IRM", at(20)), reminders=[60, 1440, 10080]
    )
    assert list(event.reminders.values_list("minutes_before", flat=True)) == [10080]
