"""Reading content back: decrypt and check integrity on every read."""

import functools
import hashlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from carnet.vault.errors import IntegrityError, KeyDestroyed, VaultError, WrongKey
from carnet.vault.keys import provider
from carnet.vault.models import DataKey
from carnet.vault.store import blob_store

ENCRYPTED, PLAINTEXT = b"\x01", b"\x00"


def aad_for(patient_id: int) -> bytes:
    """What each envelope is bound to (AES-GCM associated data): the patient's id."""
    return f"carnet:patient:{patient_id}".encode()


def unwrap_key(row: DataKey) -> bytes:
    if row.destroyed_at is not None or row.wrapped is None:
        raise KeyDestroyed("this patient's data key was destroyed")
    where = (getattr(settings, "CARNET_KEK_PROVIDER", ""), str(settings.CARNET_KEK_FILE))
    return _unwrap_cached(where, row.kek_id, bytes(row.wrapped))


@functools.lru_cache(maxsize=256)
def _unwrap_cached(where: tuple, kek_id: str, wrapped: bytes) -> bytes:
    """Unwrapped data keys, kept briefly per process (the row is still read, so a shred wins at once)."""
    return provider().unwrap(kek_id, wrapped)


def forget_keys() -> None:
    """Drop every unwrapped data key from this process (after shred and rotation)."""
    _unwrap_cached.cache_clear()


def get(patient, ref: str, expected_sha256: str | None = None) -> bytes:
    """The plaintext of ``ref`` for this patient; raises if tampered, foreign, or shredded."""
    patient_id = getattr(patient, "pk", patient)
    envelope = blob_store().read(ref)
    if hashlib.sha256(envelope).hexdigest() != ref:
        raise IntegrityError("blob content does not match its reference")
    if envelope[:1] == PLAINTEXT and settings.CARNET_BENCH_INSECURE:
        data = envelope[1:]
    elif envelope[:1] == ENCRYPTED:
        row = DataKey.objects.filter(patient_id=patient_id).first()
        if row is None:
            raise WrongKey("no data key for this patient")
        try:
            data = AESGCM(unwrap_key(row)).decrypt(envelope[1:13], envelope[13:], aad_for(patient_id))
        except InvalidTag:
            raise WrongKey("blob does not belong to this patient's record") from None
    else:
        raise VaultError("unknown envelope version")
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise IntegrityError("content does not match its recorded SHA-256")
    return data
