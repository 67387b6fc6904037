"""journal.record: every decision becomes a chained entry that code cannot change or delete."""

import pytest

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.journal.models import GENESIS, Entry, JournalIsAppendOnly

pytestmark = pytest.mark.django_db


def test_entries_are_chained(alice):
    actor = Actor(role=Role.PATIENT, user=alice.user, patient=alice)
    first = record(actor, "record:document:read", Decision(True, "ok", "patient-own-record"), patient=alice)
    second = record(actor, "record:document:read", Decision(False, "no", "default-deny"), patient=alice)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    reloaded = Entry.objects.get(pk=second.pk)
    assert reloaded.compute_hash() == second.hash


def test_entries_cannot_be_changed_or_deleted(alice):
    actor = Actor(role=Role.PATIENT, user=alice.user, patient=alice)
    entry = record(actor, "record:document:read", Decision(True, "ok", "r"), patient=alice)
    entry.reason = "edited"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    assert Entry.objects.get(pk=entry.pk).reason == "ok"
