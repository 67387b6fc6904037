"""The patient's journal in plain French: who, profession, what, when, how, emergency; filters; and reading
it is itself journaled. A professional cannot read a patient's journal."""

import datetime

import pytest
from django.utils import timezone

from carnet.access.actor import Actor, Channel, Role
from carnet.access.decision import AccessDenied, Decision
from carnet.access.permissions import Permission as P
from carnet.journal.actions import record
from carnet.journal.models import Entry
from carnet.journal.queries import patient_journal

pytestmark = pytest.mark.django_db


def _pro(person, channel=Channel.WEB):
    return Actor(role=Role.PROFESSIONAL, user=person.user, professional=person, channel=channel)


@pytest.fixture
def history(alice, bob, dave):
    yes, no = Decision(True, "ok", "rule"), Decision(False, "no", "default-deny")
    record(_pro(bob), P.RECORD_DOCUMENT_READ, yes, patient=alice, resource_type="Document", resource_id=1)
    record(_pro(dave, Channel.API), P.RECORD_DOCUMENT_READ, no, patient=alice)
    record(_pro(dave, Channel.EMERGENCY), P.ACCESS_EMERGENCY_OPEN, yes, patient=alice)
    record(_pro(dave), P.RECORD_DOCUMENT_READ, yes, patient=999)  # someone else's record


def _me(alice):
    return Actor(role=Role.PATIENT, user=alice.user, patient=alice)


def test_lines_say_who_profession_what_when_how_and_emergency(alice, bob, history):
    lines = patient_journal(_me(alice), alice)
    assert len(lines) == 3  # only alice's entries, newest first
    emergency, refused, read = lines
    assert emergency.emergency and emergency.what == "a ouvert votre dossier en urgence"
    assert emergency.how == "urgence"
    assert (refused.allowed, refused.how, refused.emergency) == (False, "logiciel professionnel", False)
    assert refused.what == "a tenté de consulter un document (refusé)"
    assert read.who.startswith(bob.display_name) and read.profession == bob.get_profession_display()
    assert read.how == "site" and read.at <= timezone.now()


def test_filters_by_kind_emergency_refusal_actor_and_date(alice, dave, history):
    me = _me(alice)
    assert [x.what for x in patient_journal(me, alice, kind=P.ACCESS_EMERGENCY_OPEN)] == [
        "a ouvert votre dossier en urgence"
    ]
    assert len(patient_journal(me, alice, emergency_only=True)) == 1
    assert len(patient_journal(me, alice, refused_only=True)) == 1
    assert len(patient_journal(me, alice, actor_user_id=dave.user.pk)) == 2
    now = timezone.now()
    assert len(patient_journal(me, alice, since=now - datetime.timedelta(hours=1))) == 3
    assert patient_journal(me, alice, until=now - datetime.timedelta(hours=1)) == []


def test_reading_ones_journal_is_journaled_but_not_listed(alice, history):
    patient_journal(_me(alice), alice)
    reads = Entry.objects.filter(action=P.JOURNAL_ENTRY_READ, patient_id=alice.pk, allowed=True)
    assert reads.count() == 1
    assert all(line.what != "a consulté votre journal" for line in patient_journal(_me(alice), alice))


def test_a_professional_cannot_read_a_patients_journal(alice, bob, history):
    with pytest.raises(AccessDenied):
        patient_journal(_pro(bob), alice)
    refused = Entry.objects.filter(action=P.JOURNAL_ENTRY_READ, patient_id=alice.pk, allowed=False)
    assert refused.count() == 1
