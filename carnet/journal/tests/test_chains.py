"""The journal as independent chains: a patient's entries in one chain, other patients' appends elsewhere;
the single chain of before (chain 0) stays verifiable beside them, against its old checkpoints and the new."""

import json

import pytest
from django.db import connection
from django.test import override_settings

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal import proof, signing
from carnet.journal.actions import make_checkpoint, record
from carnet.journal.bench import single_chain_append
from carnet.journal.chain import SEQUENCE, chain_for, new_entry
from carnet.journal.models import LEGACY, Checkpoint, Entry
from carnet.journal.tests.test_tampering import disable_guard
from carnet.journal.verification import verify_chain

pytestmark = pytest.mark.django_db
YES = Decision(True, "r", "rule")


def _note(patient):
    return record(SYSTEM, "record:document:read", YES, patient=patient)


def test_a_patients_entries_follow_each_other_in_one_chain():
    first, other, second = _note(7), _note(8), _note(7)
    assert first.chain == second.chain != other.chain
    assert (second.prev_seq, second.prev_hash, second.chain_seq) == (
        first.seq,
        first.hash,
        first.chain_seq + 1,
    )
    assert (other.prev_seq, other.chain_seq) == (0, 1)


@override_settings(CARNET_JOURNAL_CHAINS=4)
def test_the_chain_comes_from_the_patient_and_entries_without_one_spread():
    assert [chain_for(p) for p in (4, 5, 6, 7, 8)] == [1, 2, 3, 4, 1]
    assert {chain_for(None) for _ in range(200)} == {1, 2, 3, 4}


def _single_chain_journal(count=6):
    """A journal written before the split: chain 0, contiguous seqs, a v1 checkpoint of its head."""
    for n in range(count):
        entry = new_entry(
            SYSTEM,
            "record:document:read",
            YES,
            patient=n % 2 + 1,
            resource_type="",
            resource_id=n,
            detail=None,
        )
        single_chain_append(connection, [entry])
    head = Entry.objects.order_by("-seq").first()
    old = Checkpoint(head_seq=head.seq, head_hash=head.hash, count=head.seq, key_id=signing.key_id())
    old.signature = signing.sign(old.statement())
    old.save()
    if connection.vendor == "postgresql":  # as migration 0006 starts the sequence after the old entries
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval('{SEQUENCE}', %s + 1, false)", [head.seq])  # noqa: S608


def test_the_single_chain_of_before_verifies_beside_the_new_chains():
    _single_chain_journal()
    new = [_note(1), _note(2), _note(1)]
    assert [e.seq for e in new] == [7, 8, 9] and all(e.chain != LEGACY for e in new)
    make_checkpoint()
    result = verify_chain()
    assert (result.ok, result.checked, result.chains) == (True, 9, 3)
    v2 = Checkpoint.objects.exclude(root="").get()
    assert [LEGACY, 6, 6, Entry.objects.get(seq=6).hash] in v2.head_list()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE journal_entry SET reason = 'x' WHERE seq = 3", "DELETE FROM journal_entry WHERE seq = 3"],
)
def test_tampering_with_the_single_chain_of_before_is_named(statement):
    _single_chain_journal()
    _note(1)
    with connection.cursor() as cursor:
        disable_guard(cursor)
        cursor.execute(statement)
    result = verify_chain()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_deleting_the_old_chains_head_is_caught_by_its_old_checkpoint():
    _single_chain_journal()
    with connection.cursor() as cursor:
        disable_guard(cursor)
        cursor.execute("DELETE FROM journal_entry WHERE seq = 6")
    result = verify_chain()
    assert (result.ok, result.first_bad_seq) == (False, 6)
    assert "entries #6 to #6 were deleted" in result.problem


def test_a_download_spanning_the_old_chain_and_a_new_one_verifies():
    _single_chain_journal()
    _note(1)
    _note(1)
    data = json.loads(json.dumps(proof.download(1)))
    assert [block["chain"] for block in data["chains"]] == [LEGACY, chain_for(1)]
    assert [e["seq"] for e in data["entries"]] == [1, 3, 5, 7, 8]
    assert proof.verify_download(data) == (True, "ok")
    data["entries"][0]["reason"] = "edited"
    assert proof.verify_download(data)[0] is False
