"""A missing, unreadable or replaced key-encryption key file stops carnet: readiness fails, `carnet serve`
refuses to start, and no deposit is written (the review found a new key silently generated, and every
document deposited meanwhile lost once the right file was back)."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from carnet import factories
from carnet.records import actions
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.vault import actions as vault
from carnet.vault import queries as vault_queries
from carnet.vault.errors import KeyUnavailable, WrongKey
from carnet.vault.keys import FileKeyProvider
from carnet.vault.models import DataKey

pytestmark = pytest.mark.django_db
PDF = sample_pdf("Compte rendu", ["Tension 12/8"])


@pytest.fixture
def key_file(settings, tmp_path):
    """A private key file for the test, with one patient's data key already wrapped by it."""
    settings.CARNET_KEK_FILE = tmp_path / "keys" / "kek.json"
    FileKeyProvider().create()
    vault.put(factories.make_patient("Paul", "Roux"), b"an earlier document")
    return settings.CARNET_KEK_FILE


def _blobs(settings) -> int:
    return sum(1 for path in settings.CARNET_BLOB_DIR.rglob("*") if path.is_file())


def _broken(kind: str, path, tmp_path):
    if kind == "missing":
        path.unlink()
    elif kind == "unreadable":
        path.unlink()
        path.mkdir()  # reading it fails (IsADirectoryError), as a permission error would
    elif kind == "malformed":
        path.write_text("{not json")
    else:  # replaced: a valid key file, but not the one the data keys were wrapped with
        path.unlink()
        FileKeyProvider(path).create()


BROKEN = ["missing", "unreadable", "malformed", "replaced"]


def test_with_the_right_key_file_carnet_is_ready(client, key_file):
    assert client.get("/etat/pret/").status_code == 200
    call_command("keys", "check")


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_key_file_fails_readiness_and_stops_serve(client, key_file, tmp_path, kind):
    _broken(kind, key_file, tmp_path)
    response = client.get("/etat/pret/")
    assert response.status_code == 503 and response["Cache-Control"].startswith("max-age=0")
    with pytest.raises(CommandError, match="carnet cannot start: .*key"):
        call_command("serve", "--no-worker")
    with pytest.raises(CommandError, match="key"):
        call_command("keys", "check")


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_key_file_writes_nothing_for_a_patient_without_a_data_key(
    settings, key_file, tmp_path, alice, bob, kind
):
    _broken(kind, key_file, tmp_path)
    blobs = _blobs(settings)
    with pytest.raises(KeyUnavailable, match="restore the key file"):
        actions.deposit_document(pro(bob), alice, PDF, meta())
    assert not Document.objects.filter(patient=alice).exists()
    assert not DataKey.objects.filter(patient_id=alice.pk).exists()
    assert _blobs(settings) == blobs


def test_once_the_right_file_is_back_deposits_resume_and_read_back(settings, key_file, tmp_path, alice, bob):
    saved = tmp_path / "backup.json"
    shutil.copy(key_file, saved)
    _broken("replaced", key_file, tmp_path)
    with pytest.raises(KeyUnavailable):
        actions.deposit_document(pro(bob), alice, PDF, meta())
    shutil.copy(saved, key_file)
    document = actions.deposit_document(pro(bob), alice, PDF, meta())
    assert vault_queries.get(alice, document.blob_ref) == PDF


def test_key_ids_are_never_reused(settings, tmp_path):
    first, second = FileKeyProvider(tmp_path / "a.json"), FileKeyProvider(tmp_path / "b.json")
    assert first.create() != second.create()
    rotated = {first.add_version() for _ in range(3)}
    assert len(rotated) == 3 and not rotated & second.key_ids()


def test_a_regenerated_file_never_opens_the_old_data_keys(key_file, tmp_path):
    row = DataKey.objects.get()
    _broken("replaced", key_file, tmp_path)
    with pytest.raises(WrongKey):
        FileKeyProvider().unwrap(row.kek_id, bytes(row.wrapped))


def test_keys_init_creates_the_file_once_and_never_over_data_keys(settings, tmp_path, key_file, capsys):
    with pytest.raises(CommandError, match="exist"):
        call_command("keys", "init")  # a key file is there already
    key_file.unlink()
    with pytest.raises(CommandError, match="restore the key file instead"):
        call_command("keys", "init")  # data keys exist: a new file would not open them
    assert not key_file.exists()
    DataKey.objects.all().delete()
    call_command("keys", "init")
    assert "back this file up" in capsys.readouterr().out and key_file.exists()
