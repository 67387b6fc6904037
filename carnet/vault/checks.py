"""Are the key-encryption keys the ones this database needs? Asked before serving, by the readiness page,
and before a new data key is wrapped, so that a missing or replaced key file never leads to a write."""

import os

from django.db import DatabaseError

from carnet.vault.errors import KeyUnavailable, WrongKey
from carnet.vault.keys import RESTORE, provider
from carnet.vault.models import DataKey

_verified: set = set()


def key_problem() -> str | None:
    """Why the keys cannot be used (missing, unreadable, malformed or unknown file), or None.

    Every key id the data keys were wrapped with must be in the file, and one data key per id must unwrap
    (a different file with the same ids fails AES-GCM's check)."""
    keys = provider()
    try:
        known = keys.key_ids()
        used = list(DataKey.objects.filter(wrapped__isnull=False).values_list("kek_id", flat=True).distinct())
    except KeyUnavailable as error:
        return str(error)
    except DatabaseError:  # no database yet (first migration): nothing to compare with
        return None
    for kek_id in used:
        if kek_id not in known:
            return f"data keys were wrapped with {kek_id}, which this key file does not hold: {RESTORE}"
        row = DataKey.objects.filter(kek_id=kek_id, wrapped__isnull=False).first()
        if row is None or row.wrapped is None:
            continue  # every key wrapped with it was shredded since
        try:
            keys.unwrap(kek_id, bytes(row.wrapped))
        except WrongKey:
            return f"the key {kek_id} of this file does not open the data keys wrapped with it: {RESTORE}"
    return None


def ensure_keys() -> None:
    """Raise ``KeyUnavailable`` unless the keys fit the database; checked once per state of the key file."""
    path = getattr(provider(), "path", None)
    try:
        stat = os.stat(path) if path is not None else None
    except OSError:
        stat = None
    state = (str(path), stat.st_mtime_ns if stat else None, stat.st_size if stat else None)
    if state in _verified:
        return
    problem = key_problem()
    if problem is not None:
        raise KeyUnavailable(problem)
    if stat is not None or path is None:
        _verified.add(state)
