"""The vault's actions: the operator's key rotation. Content is written and keys erased by the actions that
need it (a deposit, a destruction) through ``carnet.vault.envelope``."""

from django.db import transaction

from carnet.access.actor import SYSTEM, Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.vault.envelope import (  # noqa: F401 - re-exported while other areas move their imports
    aad_for,
    data_key_for,
    discard,
    put,
    seal,
    shred,
)
from carnet.vault.keys import provider
from carnet.vault.models import DataKey
from carnet.vault.queries import AESGCM, forget_keys  # noqa: F401 - AESGCM re-exported for the tests


def rotate_kek(actor: Actor = SYSTEM, batch: int = 1000) -> dict:
    """New KEK version; every live data key re-wrapped under it. Blobs are not touched.

    Not one ``atomic_action``: keys are re-wrapped in batches of ``batch``, each in its own transaction, so
    a rotation over millions of keys never holds one long transaction (a stopped rotation resumes)."""
    authorize(actor, P.VAULT_KEYS_ROTATE, None)
    keys = provider()
    old_ids = set(DataKey.objects.exclude(kek_id="-").values_list("kek_id", flat=True).distinct())
    new_id = keys.add_version()
    rewrapped = 0
    pending = DataKey.objects.filter(destroyed_at__isnull=True).exclude(kek_id=new_id).order_by("pk")
    while True:
        rows = list(pending[:batch])
        if not rows:
            break
        with transaction.atomic():
            for row in rows:
                assert row.wrapped is not None  # selected among the keys not shredded
                key = keys.unwrap(row.kek_id, bytes(row.wrapped))
                row.kek_id, row.wrapped = keys.wrap(key)
                row.save(update_fields=["kek_id", "wrapped"])
        rewrapped += len(rows)
    forget_keys()
    return {"kek": new_id, "rewrapped": rewrapped, "retirable": sorted(old_ids - {new_id})}
