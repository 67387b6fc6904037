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
    reloaded = Entry.objects.get(seq=second.seq)
    assert reloaded.compute_hash() == second.hash


def test_entries_cannot_be_changed_or_deleted(alice):
    actor = Actor(role=Role.PATIENT, user=alice.user, patient=alice)
    entry = record(actor, "record:document:read", Decision(True, "ok", "r"), patient=alice)
    entry.reason = "edited"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    assert Entry.objects.get(seq=entry.seq).reason == "ok"


def test_the_verifier_rebuilds_exactly_the_recorded_bytes(alice, bob):
    from django.db import connection

    from carnet.journal import verification

    pro = Actor(role=Role.PROFESSIONAL, user=bob.user, professional=bob)
    odd = {"zèbre": 'a "quoted"\nline', "n": 3, "list": [1, None, True], "nested": {"b": 1, "a": "é"}}
    record(pro, "record:document:read", Decision(False, "refusé « ici »", "r\\x"), patient=alice, detail=odd)
    record(pro, "record:document:read", Decision(True, "ok", "r"), patient=None)
    expected = [
        (e.chain, e.chain_seq, e.prev_seq, e.seq, e.prev_hash, e.hash, e.canonical())
        for e in Entry.objects.order_by("chain", "seq")
    ]
    assert list(verification._orm_rows()) == expected
    if connection.vendor == "postgresql":
        assert list(verification._postgres_rows()) == expected
    assert verification.verify_chain().ok
