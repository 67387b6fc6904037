"""Signed checkpoints, the verify command, offline verification, and the patient's download with proof."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal import proof, signing
from carnet.journal.actions import make_checkpoint, record
from carnet.journal.models import Entry
from carnet.journal.tests.test_tampering import disable_guard

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _fill(n=10, patients=(1, 2)):
    for i in range(n):
        record(
            SYSTEM, "record:document:read", Decision(True, "r", "rule"), patient=patients[i % len(patients)]
        )


def test_checkpoint_is_signed_and_verifiable_offline(tmp_path, capsys):
    _fill()
    call_command("journal", "checkpoint", "--out", str(tmp_path / "cp.json"))
    call_command("journal", "export-key")
    (tmp_path / "key.pem").write_text(capsys.readouterr().out.split("}")[-1].strip() + "\n")
    script = ROOT / "docs" / "verify_checkpoint.py"
    ok = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "cp.json"), str(tmp_path / "key.pem")],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("valid: 10 entries")
    forged = json.loads((tmp_path / "cp.json").read_text()) | {"count": 11}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    bad = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "forged.json"), str(tmp_path / "key.pem")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1


def test_verify_command_against_an_exported_checkpoint(tmp_path, capsys):
    _fill()
    call_command("journal", "checkpoint", "--out", str(tmp_path / "cp.json"))
    call_command("journal", "verify", "--from-checkpoint", str(tmp_path / "cp.json"))
    assert "journal intact: 10 entries" in capsys.readouterr().out
    with connection.cursor() as cursor:  # an attacker with database rights removes the newest entries
        disable_guard(cursor)
        cursor.execute("DELETE FROM journal_entry WHERE seq > 8")
    with pytest.raises(CommandError, match="entries #9 to #10 were deleted"):
        call_command("journal", "verify", "--from-checkpoint", str(tmp_path / "cp.json"))


def test_the_database_itself_refuses_update_delete_and_truncate():
    _fill(2)
    make_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.update(reason="edited")  # bypasses the model's save(): the database still refuses
    statements = [
        "UPDATE journal_entry SET reason = 'x'",
        "DELETE FROM journal_entry",
        "DELETE FROM journal_checkpoint",
    ]
    if connection.vendor == "postgresql":  # SQLite has no TRUNCATE
        statements += ["TRUNCATE journal_entry", "TRUNCATE journal_checkpoint"]
    for statement in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(statement)
    assert Entry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_test_database_reset_puts_the_guard_back():
    _fill(2)
    call_command(
        "flush", interactive=False, verbosity=0
    )  # what pytest-django runs between transactional tests
    assert Entry.objects.count() == 0
    _fill(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM journal_entry")
    assert Entry.objects.count() == 1


def test_patient_download_carries_a_verifiable_proof():
    _fill(12, patients=(7, 8, 9))
    data = proof.download(7)
    assert [e["patient_id"] for e in data["entries"]] == [7, 7, 7, 7]
    (chain,) = data["chains"]  # all of a patient's entries are in one chain: the proof links only it
    assert [link[0] for link in chain["links"]] == [e["seq"] for e in data["entries"]]
    assert all(len(link) == 5 for link in chain["links"]) and chain["audit_path"]
    assert proof.verify_download(json.loads(json.dumps(data))) == (True, "ok")
    for spoil in (
        lambda d: d["entries"][1].update(reason="edited"),
        lambda d: d["chains"][0]["audit_path"].reverse(),
        lambda d: d["chains"][0]["links"].pop(),
        lambda d: d["chains"][0].update(index=d["chains"][0]["index"] + 1),
        lambda d: d["checkpoint"].update(root="0" * 64),
    ):
        spoilt = json.loads(json.dumps(data))
        spoil(spoilt)
        assert proof.verify_download(spoilt)[0] is False


def test_a_download_signed_by_another_key_is_refused(tmp_path, settings):
    _fill(3)
    data = proof.download(1)
    settings.CARNET_SIGNING_KEY_FILE = tmp_path / "other.pem"
    assert proof.verify_download(data, public_pem=signing.public_pem())[0] is False


def test_checkpoint_on_empty_journal_is_none():
    assert make_checkpoint() is None


def test_the_periodic_task_signs_the_head():
    from carnet.journal.models import Checkpoint
    from carnet.journal.tasks import checkpoint_journal

    assert checkpoint_journal.enqueue().return_value is None  # empty journal: nothing to sign
    _fill(3)
    assert checkpoint_journal.enqueue().return_value == 3
    assert Checkpoint.objects.get().head_seq == 3
