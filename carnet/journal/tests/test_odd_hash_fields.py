"""`carnet journal verify` names the entry whose hash field holds a tab, a backslash or a newline (the COPY
stream of PostgreSQL writes them as escapes: the verifier once misread the line and crashed)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.journal.tests.test_tampering import disable_guard
from carnet.journal.verification import verify_chain

pytestmark = pytest.mark.django_db
ODD = {"tab": "\t", "backslash": "\\", "newline": "\n", "escape-like": "\\t\\N"}


@pytest.mark.parametrize("column", ["hash", "prev_hash"])
@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
def test_verify_names_the_entry_whose_hash_field_was_spoilt(column, odd):
    entries = [
        record(SYSTEM, "record:document:read", Decision(True, "r", "rule"), patient=1) for _ in range(6)
    ]
    target = entries[3]
    spoilt = getattr(target, column)[:30] + odd + getattr(target, column)[30 + len(odd) :]
    with connection.cursor() as cursor:
        disable_guard(cursor)
        cursor.execute(f'UPDATE journal_entry SET "{column}" = %s WHERE seq = %s', [spoilt, target.seq])  # noqa: S608
    result = verify_chain()
    assert (result.ok, result.first_bad_seq) == (False, target.seq)
    with pytest.raises(CommandError, match=f"entry #{target.seq}: modified"):
        call_command("journal", "verify")
