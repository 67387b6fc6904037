"""The hash an append stores (made by the database's ``carnet_journal_append`` on PostgreSQL, in Python
on SQLite) is the one verification recomputes from the stored fields, whatever the text of the entry: tabs,
backslashes, newlines, NUL-free Unicode beyond the BMP, escapes that look like COPY's, in labels, reasons and
details; several entries of one chain in one transaction too."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet.access.actor import Actor, Channel, Role
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.journal.models import Entry
from carnet.journal.verification import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


def _actor(label: str) -> Actor:
    return Actor(role=Role.APP, app_name=label, channel=Channel.APP)  # an app: its name is the label


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.tuples(TEXT, TEXT, st.dictionaries(TEXT, TEXT, max_size=3)), min_size=1, max_size=4),
    patient=st.integers(min_value=1, max_value=10**9),
    allowed=st.booleans(),
)
def test_every_stored_hash_is_the_one_verification_recomputes(texts, patient, allowed):
    with transaction.atomic():  # one transaction, one chain: the entries are linked to each other in it
        written = [
            record(
                _actor(label),
                "record:document:read",
                Decision(allowed, reason, "rule"),
                patient=patient,
                resource_type="Document",
                resource_id=label[:80],
                detail=detail,
            )
            for label, reason, detail in texts
        ]
    stored = {entry.seq: entry for entry in Entry.objects.filter(seq__in=[e.seq for e in written])}
    for entry in written:
        assert stored[entry.seq].hash == entry.hash == stored[entry.seq].compute_hash()
        assert stored[entry.seq].actor_label == entry.actor_label
    chain = [stored[entry.seq] for entry in written]
    links = zip(chain, chain[1:], strict=False)
    assert all(b.prev_hash == a.hash and b.chain_seq == a.chain_seq + 1 for a, b in links)
    assert verify_chain().ok
