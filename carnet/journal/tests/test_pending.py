"""Entries recorded inside a transaction are chained and written when it commits, and only then.

The lock that serialises the chain is therefore held for the commit, not for the whole request. These tests
check the visible behaviour: nothing is lost on commit, nothing survives a rollback, a rolled-back savepoint
takes its own entries with it, and the chain stays whole.
"""

import contextlib

import pytest
from django.db import connection, transaction

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.journal.models import Entry
from carnet.journal.verification import verify_chain


def _note(label: str, **kwargs):
    return record(SYSTEM, "record:document:read", Decision(True, label, "rule"), **kwargs)


def _reasons() -> list[str]:
    return list(Entry.objects.order_by("seq").values_list("reason", flat=True))


@pytest.mark.django_db
def test_entries_wait_for_the_end_of_the_transaction_then_are_chained():
    _note("before")
    with transaction.atomic():
        _note("first")
        _note("second")
        assert _reasons() == ["before"]
    assert _reasons() == ["before", "first", "second"]
    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_entry():
    with pytest.raises(RuntimeError), transaction.atomic():
        _note("lost")
        raise RuntimeError("the action failed")
    _note("after")
    assert _reasons() == ["after"]
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_rolled_back_savepoint_takes_only_its_own_entries():
    with transaction.atomic():
        _note("outer")
        with contextlib.suppress(ValueError), transaction.atomic():
            _note("inner")
            raise ValueError
        _note("outer again")
    assert _reasons() == ["outer", "outer again"]
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_entry_returned_inside_a_transaction_gets_its_place_at_commit():
    with transaction.atomic():
        entry = _note("waiting")
        assert entry.seq is None
    assert Entry.objects.get(seq=entry.seq).hash == entry.hash


@pytest.mark.django_db(transaction=True)
def test_real_commits_and_rollbacks_behave_the_same():
    """Without the test case's wrapping transaction: the database wrapper's commit writes the entries."""
    with transaction.atomic():
        _note("committed")
        assert len(connection.journal_pending) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        _note("rolled back")
        raise RuntimeError
    assert connection.journal_pending == []
    with transaction.atomic():
        with transaction.atomic():
            _note("nested")
        _note("outer")
    assert _reasons() == ["committed", "nested", "outer"]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_failing_journal_write_fails_the_commit_and_keeps_nothing(monkeypatch):
    from carnet.identity.models import User
    from carnet.journal import chain as actions

    def broken(conn, entries):
        raise actions.Entry.DoesNotExist("journal unavailable")

    monkeypatch.setattr(actions, "append", broken)
    with pytest.raises(actions.Entry.DoesNotExist), transaction.atomic():
        User.objects.create(username="kept-only-with-its-journal")
        _note("cannot be written")
    assert not User.objects.filter(username="kept-only-with-its-journal").exists()
    monkeypatch.undo()
    assert _reasons() == []
