"""Reads that tolerate lag (statistics, aggregate exports) may go to the streaming standby; everything else,
every policy decision, deposit and journal write, goes to the primary.

The standby is the ``standby`` database (``CARNET_STANDBY_DATABASE_URL``). Nothing is routed there unless a
caller asks, for the tables it names, inside ``standby_reads(...)``, and only once the standby has replayed
everything the primary had written when the block began: a lagging standby never hides a committed row.
"""

import contextvars
import logging
import time
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

STANDBY = "standby"
logger = logging.getLogger(__name__)
_standby_apps: contextvars.ContextVar[frozenset] = contextvars.ContextVar("standby_apps", default=frozenset())


class StandbyRouter:
    def db_for_read(self, model, **hints):
        apps = _standby_apps.get()
        if apps and model._meta.app_label in apps:
            return STANDBY
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS  # also for an object read on the standby: writes never go there

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != STANDBY


def has_standby() -> bool:
    return STANDBY in connections.databases


def caught_up(wait: float = 5.0) -> bool:
    """Has the standby replayed the primary's WAL up to now? Waits up to ``wait`` seconds."""
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        return True
    try:
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + wait
        with connections[STANDBY].cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                )
                if cursor.fetchone()[0]:
                    return True
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
    except DatabaseError:
        logger.warning("standby unreachable: lag-tolerant reads go to the primary")
        return False


@contextmanager
def standby_reads(*app_labels: str, wait: float = 5.0):
    """Inside the block, reads of these apps' tables go to the standby if it has caught up (yields True),
    else to the primary (yields False). Writes always go to the primary."""
    if not app_labels or not has_standby() or not caught_up(wait):
        yield False
        return
    token = _standby_apps.set(frozenset(app_labels))
    try:
        yield True
    finally:
        _standby_apps.reset(token)
