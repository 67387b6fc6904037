"""The vault's actions: the operator's key rotation and the orphan blobs' sweep. Content is written and keys
erased by the actions that need it (a deposit, a destruction) through ``carnet.vault.envelope``."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carnet.access.actor import SYSTEM, Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.vault import sweep
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
from carnet.vault.store import blob_store

logger = logging.getLogger(__name__)
# More orphans than this, and more than blobs still referenced: the database is more likely the wrong one
# (or restored empty) than the store full of crash leftovers, so nothing is removed without --force.
SWEEP_ALARM = 100


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


@atomic_action
def sweep_orphan_blobs(
    actor: Actor = SYSTEM, *, now: datetime.datetime | None = None, dry_run: bool = False, force: bool = False
) -> dict:
    """Remove the blobs no row references, once older than ``CARNET_BLOB_SWEEP_GRACE_HOURS`` (a younger one
    may belong to a deposit whose transaction is still open). Journaled and logged as counts only; every
    row is read in one transaction (one snapshot of the database)."""
    grace = datetime.timedelta(hours=settings.CARNET_BLOB_SWEEP_GRACE_HOURS)
    authorize(actor, P.VAULT_BLOBS_SWEEP, None, detail={"grace_hours": grace // datetime.timedelta(hours=1)})
    store = blob_store()
    found = sweep.survey(store, (now or timezone.now()) - grace)
    counts = {
        "orphans": len(found.orphans),
        "leftovers": len(found.leftovers),
        "referenced": found.referenced,
        "young": found.young,
        "removed": 0,
        "refused": len(found.orphans) > SWEEP_ALARM and len(found.orphans) > found.referenced and not force,
    }
    if counts["refused"]:
        logger.error("blob sweep refused: %(orphans)d orphans for %(referenced)d referenced blobs", counts)
        return counts
    if not dry_run:
        for ref in found.orphans:
            store.delete(ref)
        for path in found.leftovers:
            path.unlink(missing_ok=True)
        counts["removed"] = len(found.orphans) + len(found.leftovers)
    logger.info(
        "blob sweep: %(removed)d removed (%(orphans)d orphans, %(leftovers)d half-written), "
        "%(referenced)d referenced, %(young)d within the grace period",
        counts,
    )
    return counts
