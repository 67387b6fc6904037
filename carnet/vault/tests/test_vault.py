"""The vault: per-patient envelope encryption, integrity on every read, rotation, crypto-shredding."""

import hashlib
import json

import pytest
from django.core.management import call_command

from carnet import factories
from carnet.vault import actions, envelope, queries
from carnet.vault.errors import IntegrityError, KeyDestroyed, WrongKey
from carnet.vault.keys import FileKeyProvider
from carnet.vault.models import DataKey
from carnet.vault.store import FileStore

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [0, 1, 1000, 100_000, 20 * 1024 * 1024])
def test_round_trip(alice, size):
    data = (b"carnet " * (size // 7 + 1))[:size]
    ref = actions.put(alice, data)
    assert queries.get(alice, ref, expected_sha256=hashlib.sha256(data).hexdigest()) == data


def test_content_is_encrypted_at_rest(alice):
    ref = actions.put(alice, b"allergie a la penicilline")
    assert b"penicilline" not in FileStore()._path(ref).read_bytes()


def test_same_content_for_two_patients_gives_unrelated_references(alice, dave):

    other = factories.make_patient("Paul", "Roux")
    assert actions.put(alice, b"same bytes") != actions.put(other, b"same bytes")
    assert DataKey.objects.count() == 2


def test_one_key_per_patient_however_many_blobs(alice):
    for n in range(5):
        actions.put(alice, f"doc {n}".encode())
    assert DataKey.objects.filter(patient_id=alice.pk).count() == 1


def test_tampered_blob_is_detected(alice):
    ref = actions.put(alice, b"compte rendu")
    path = FileStore()._path(ref)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(IntegrityError):
        queries.get(alice, ref)


def test_wrong_recorded_hash_is_detected(alice):
    ref = actions.put(alice, b"compte rendu")
    with pytest.raises(IntegrityError):
        queries.get(alice, ref, expected_sha256=hashlib.sha256(b"autre chose").hexdigest())


def test_a_blob_read_as_another_patient_is_refused(alice):

    other = factories.make_patient("Paul", "Roux")
    actions.put(other, b"his own")  # he has a key too
    ref = actions.put(alice, b"hers")
    with pytest.raises(WrongKey):
        queries.get(other, ref)


def test_a_wrong_kek_is_refused(alice, settings, tmp_path):
    ref = actions.put(alice, b"hers")
    settings.CARNET_KEK_FILE = tmp_path / "another-kek.json"
    FileKeyProvider().create()
    with pytest.raises(WrongKey):
        queries.get(alice, ref)


def test_rotation_keeps_everything_readable_without_touching_blobs(alice, capsys):
    refs = [actions.put(alice, f"doc {n}".encode()) for n in range(3)]
    before = {ref: FileStore()._path(ref).read_bytes() for ref in refs}
    call_command("keys", "rotate", "--retire-old")
    assert "1 data keys re-wrapped" in capsys.readouterr().out
    new_id = DataKey.objects.get(patient_id=alice.pk).kek_id
    assert new_id.startswith("k2-")
    assert list(json.loads(FileKeyProvider().path.read_text())["keys"]) == [new_id]
    for n, ref in enumerate(refs):
        assert FileStore()._path(ref).read_bytes() == before[ref]
        assert queries.get(alice, ref) == f"doc {n}".encode()


def test_shredded_patient_is_unreadable(alice):
    ref = actions.put(alice, b"bilan sanguin")
    assert actions.shred(alice) is True
    with pytest.raises(KeyDestroyed):
        queries.get(alice, ref)
    with pytest.raises(KeyDestroyed):
        actions.put(alice, b"new content after destruction")
    assert DataKey.objects.get(patient_id=alice.pk).wrapped is None


def test_kek_file_is_private(alice):
    actions.put(alice, b"x")
    assert FileKeyProvider().path.stat().st_mode & 0o077 == 0


def test_two_first_puts_racing_create_one_key(alice, monkeypatch):
    """The other worker inserts the key between our check and our insert: the unique constraint decides."""
    real_wrap = envelope.provider().wrap
    other_key = {}

    def wrap_while_another_worker_wins(data_key):
        if not DataKey.objects.filter(patient_id=alice.pk).exists():
            kek_id, wrapped = real_wrap(envelope.AESGCM.generate_key(bit_length=256))
            other_key["row"] = DataKey.objects.create(patient_id=alice.pk, kek_id=kek_id, wrapped=wrapped)
        return real_wrap(data_key)

    class RacingProvider(FileKeyProvider):
        def wrap(self, data_key):
            return wrap_while_another_worker_wins(data_key)

    monkeypatch.setattr(envelope, "provider", RacingProvider)
    ref = actions.put(alice, b"compte rendu")
    assert DataKey.objects.filter(patient_id=alice.pk).count() == 1
    assert DataKey.objects.get(patient_id=alice.pk).pk == other_key["row"].pk
    assert queries.get(alice, ref) == b"compte rendu"


def test_unwrapped_keys_are_cached_and_forgotten_on_shred_and_rotate(alice):
    queries.forget_keys()
    ref = actions.put(alice, b"ordonnance")
    queries.get(alice, ref)
    queries.get(alice, ref)
    assert queries._unwrap_cached.cache_info().hits >= 1
    actions.rotate_kek()
    assert queries._unwrap_cached.cache_info().currsize == 0
    assert queries.get(alice, ref) == b"ordonnance"
    actions.shred(alice)
    assert queries._unwrap_cached.cache_info().currsize == 0
    with pytest.raises(KeyDestroyed):
        queries.get(alice, ref)
