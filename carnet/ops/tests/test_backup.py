"""A backup restored into a fresh database, store and key directory passes the drill; a damaged one does
not; the keys are never written with the data (SQLite and PostgreSQL)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carnet import factories
from carnet.records import actions
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.vault.keys import FileKeyProvider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def record(settings, tmp_path):
    """Three documents of a patient, by her GP, with their journal entries, in a blob store of their own (the
    test process's shared store holds other tests' blobs, some damaged on purpose)."""
    settings.CARNET_CHECKPOINT_COPY = str(tmp_path / "exported")
    settings.CARNET_BLOB_DIR = tmp_path / "store"
    gp = factories.make_professional("Bob", "Durand")
    alice = factories.make_patient("Alice Marie", "Martin", gp=gp)
    for n in range(3):
        content = sample_pdf(f"Compte rendu {n}", [f"Examen {n}"])
        actions.deposit_document(pro(gp), alice, content, meta(mime_type="application/pdf"))
    return alice


def _drill(source, keys, capsys):
    capsys.readouterr()  # the backup's own output
    call_command("restore_drill", str(source), keys=str(keys), sample=3)
    return capsys.readouterr().out


def test_a_backup_restored_elsewhere_passes_the_drill(record, tmp_path, capsys):
    call_command("backup", str(tmp_path / "data"), keys_to=str(tmp_path / "keys"))
    manifest = json.loads((tmp_path / "data" / "manifest.json").read_text())
    assert manifest["documents"] == 3 and manifest["blobs"] == 3 and manifest["keys_saved_apart"]
    assert not list((tmp_path / "data").rglob("kek.json"))  # no key in the data
    assert (tmp_path / "keys" / "kek.json").exists()
    out = _drill(tmp_path / "data", tmp_path / "keys", capsys)
    assert "drill passed" in out
    result = json.loads(out[: out.rindex("}") + 1])
    assert result["verification"]["sampled_documents_read"] == 3
    assert result["verification"]["journal"].startswith("journal intact")


def test_a_damaged_blob_fails_the_drill(record, tmp_path, capsys):
    call_command("backup", str(tmp_path / "data"), keys_to=str(tmp_path / "keys"))
    ref = Document.objects.filter(patient=record).values_list("blob_ref", flat=True).first()
    blob = tmp_path / "data" / "blobs" / ref[:2] / ref
    blob.write_bytes(blob.read_bytes()[:-1] + b"x")
    with pytest.raises(CommandError, match="cannot be read back"):
        _drill(tmp_path / "data", tmp_path / "keys", capsys)


def test_a_drill_without_the_right_keys_fails(record, tmp_path, capsys):
    call_command("backup", str(tmp_path / "data"), keys_to=str(tmp_path / "keys"))
    other = tmp_path / "other-keys"
    other.mkdir()
    FileKeyProvider(other / "kek.json").create()  # a new key file, as a careless restore would make
    with pytest.raises(CommandError, match="keys"):
        _drill(tmp_path / "data", other, capsys)


def test_keys_are_refused_inside_the_backup(record, tmp_path):
    with pytest.raises(CommandError, match="apart"):
        call_command("backup", str(tmp_path / "data"), keys_to=str(tmp_path / "data" / "keys"))
    assert not (tmp_path / "data" / "manifest.json").exists()


def test_a_restore_refuses_a_database_in_use(record, tmp_path):
    call_command("backup", str(tmp_path / "data"), keys_to=str(tmp_path / "keys"))
    with pytest.raises(CommandError, match="not empty|exists"):
        call_command("restore", str(tmp_path / "data"), keys=str(tmp_path / "keys"))
    assert Path(tmp_path / "data" / "manifest.json").exists()
