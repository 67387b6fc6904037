"""The vault's plumbing: encrypt and store content, erase a key. Called by actions that have asked the
policy (a deposit, a destruction); the operator's key rotation is ``carnet.vault.actions.rotate_kek``.

Envelope: version byte 1 + 12-byte nonce + AES-256-GCM(plaintext, AAD = the patient's id). The blob
reference is the SHA-256 of the envelope: the store is content-addressed, yet two patients' identical
documents give unrelated references (random nonces, different keys).
"""

import hashlib
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import IntegrityError as DbIntegrityError
from django.db import transaction
from django.utils import timezone

from carnet.vault.keys import provider
from carnet.vault.models import DataKey
from carnet.vault.queries import ENCRYPTED, PLAINTEXT, aad_for, forget_keys, unwrap_key
from carnet.vault.store import blob_store


def _patient_id(patient) -> int:
    return getattr(patient, "pk", patient)


def data_key_for(patient) -> bytes:
    """The patient's data key, created on first use (two concurrent first puts create one key)."""
    patient_id = _patient_id(patient)
    row = DataKey.objects.filter(patient_id=patient_id).first()
    if row is None:
        kek_id, wrapped = provider().wrap(AESGCM.generate_key(bit_length=256))
        try:
            with transaction.atomic():
                row = DataKey.objects.create(patient_id=patient_id, wrapped=wrapped, kek_id=kek_id)
        except DbIntegrityError:
            row = DataKey.objects.get(patient_id=patient_id)
    return unwrap_key(row)


def seal(patient, data: bytes) -> bytes:
    """Encrypt for this patient (no storage): used by put and by bulk loaders."""
    if settings.CARNET_BENCH_INSECURE:
        return PLAINTEXT + data
    nonce = secrets.token_bytes(12)
    return (
        ENCRYPTED + nonce + AESGCM(data_key_for(patient)).encrypt(nonce, data, aad_for(_patient_id(patient)))
    )


def put(patient, data: bytes) -> str:
    """Encrypt ``data`` with the patient's key, store it, return its reference."""
    envelope = seal(patient, data)
    ref = hashlib.sha256(envelope).hexdigest()
    blob_store().write(ref, envelope)
    return ref


def discard(ref: str) -> None:
    """Remove a blob nobody references (e.g. a deposit rolled back after the blob was written)."""
    blob_store().delete(ref)


@transaction.atomic
def shred(patient) -> bool:
    """Crypto-shredding: erase the patient's data key. Every blob of theirs becomes unreadable for good."""
    updated = DataKey.objects.filter(patient_id=_patient_id(patient), destroyed_at__isnull=True).update(
        wrapped=None, destroyed_at=timezone.now()
    )
    if not updated and not DataKey.objects.filter(patient_id=_patient_id(patient)).exists():
        DataKey.objects.create(
            patient_id=_patient_id(patient), wrapped=None, kek_id="-", destroyed_at=timezone.now()
        )
    forget_keys()
    return bool(updated)
