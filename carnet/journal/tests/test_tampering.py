"""Tampering: modify, delete, insert and reorder entries at random positions; every case must be caught.

The entries are spread over several chains (one per patient here). Deleting the newest entry of a chain,
like deleting the newest entries of the journal, is only visible against a signed checkpoint: that is
``delete_tail`` and ``delete_chain_head``; ``delete`` removes an entry that has a successor in its chain."""

import random

import pytest
from django.db import connection
from django.db.models import Max

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal.actions import make_checkpoint, record
from carnet.journal.models import Entry
from carnet.journal.verification import verify_chain

pytestmark = pytest.mark.django_db
ENTRIES = 40
CASES_PER_KIND = 40
TOTALS = {"tried": 0, "detected": 0}


def _fill():
    for n in range(ENTRIES):
        record(
            SYSTEM,
            "record:document:read",
            Decision(n % 3 != 0, "r", "rule"),
            patient=n % 5 + 1,
            resource_type="Document",
            resource_id=n,
            detail={"n": n},
        )


def disable_guard(cursor):
    """An attacker with full database rights first removes the append-only triggers."""
    if connection.vendor == "postgresql":
        cursor.execute("ALTER TABLE journal_entry DISABLE TRIGGER USER")
    else:
        cursor.execute("DROP TRIGGER IF EXISTS journal_entry_no_update")
        cursor.execute("DROP TRIGGER IF EXISTS journal_entry_no_delete")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        disable_guard(cursor)
        cursor.execute(statement, params)


def modify(rng):
    seq = rng.randint(1, ENTRIES)
    field, value = rng.choice(
        [
            ("reason", "edited"),
            ("allowed", rng.random() < 0.5 and False),
            ("actor_label", "someone else"),
            ("patient_id", 999),
        ]
    )
    if field == "allowed":
        _sql("UPDATE journal_entry SET allowed = NOT allowed WHERE seq = %s", [seq])
    else:
        _sql(f"UPDATE journal_entry SET {field} = %s WHERE seq = %s", [value, seq])  # noqa: S608
    return seq


def _followed() -> list[int]:
    """Entries with a later entry in their chain."""
    heads = set(Entry.objects.values("chain").annotate(top=Max("seq")).values_list("top", flat=True))
    return [seq for seq in Entry.objects.order_by("seq").values_list("seq", flat=True) if seq not in heads]


def delete(rng):
    """Delete an entry in the middle of its chain (deleting the newest ones is the checkpoint's job)."""
    seq = rng.choice(_followed())
    _sql("DELETE FROM journal_entry WHERE seq = %s", [seq])
    return seq


def delete_chain_head(rng):
    """After a checkpoint, delete the newest entry of one chain (not the journal's newest): the checkpoint
    signed that head, so the entry is named."""
    make_checkpoint()
    heads = sorted(Entry.objects.values("chain").annotate(top=Max("seq")).values_list("top", flat=True))
    seq = rng.choice(heads[:-1])
    _sql("DELETE FROM journal_entry WHERE seq = %s", [seq])
    return seq


def delete_tail(rng):
    make_checkpoint()
    count = rng.randint(1, 5)
    _sql("DELETE FROM journal_entry WHERE seq > %s", [ENTRIES - count])
    return ENTRIES - count + 1


def insert(rng):
    """Insert a forged entry at a random place, renumbering the ones after it."""
    seq = rng.randint(1, ENTRIES)
    _sql("UPDATE journal_entry SET seq = seq + 100000 WHERE seq >= %s", [seq])
    _sql("UPDATE journal_entry SET seq = seq - 100000 + 1 WHERE seq >= 100000")
    source = Entry.objects.get(seq=seq + 1)
    _sql(
        "INSERT INTO journal_entry (seq, chain, chain_seq, prev_seq, at, actor_role, actor_label, "
        "on_behalf_of_label, action, resource_type, resource_id, channel, allowed, rule, reason, detail, "
        "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, 'system', '', '', 'forged', '', '', 'web', true, "
        "'', '', '{}', %s, %s)",
        [seq, source.chain, source.chain_seq, source.prev_seq, source.at, source.prev_hash, "f" * 64],
    )
    return seq


def reorder(rng):
    seq = rng.randint(1, ENTRIES - 1)
    _sql("UPDATE journal_entry SET seq = -1 WHERE seq = %s", [seq])
    _sql("UPDATE journal_entry SET seq = %s WHERE seq = %s", [seq, seq + 1])
    _sql("UPDATE journal_entry SET seq = %s WHERE seq = -1", [seq + 1])
    return seq


@pytest.mark.parametrize(
    "kind", [modify, delete, delete_tail, delete_chain_head, insert, reorder], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("case", range(CASES_PER_KIND))
def test_tampering_is_detected(kind, case):
    _fill()
    assert verify_chain().ok
    rng = random.Random(f"{kind.__name__}-{case}")
    position = kind(rng)
    result = verify_chain()
    TOTALS["tried"] += 1
    assert not result.ok, f"{kind.__name__} at #{position} went unnoticed"
    TOTALS["detected"] += 1
    assert result.first_bad_seq is not None and result.first_bad_seq <= position + 1
    assert result.problem


def test_intact_chain_verifies():
    _fill()
    make_checkpoint()
    result = verify_chain()
    assert (result.ok, result.checked) == (True, ENTRIES)
