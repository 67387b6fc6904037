"""Journal entries that wait for their transaction's commit.

Chaining an entry takes the journal's lock until the transaction commits (the next entry must see this
one's hash). Taken at the first decision of a request, it would serialise whole requests; taken at commit,
it covers only the insert of the entries and the commit itself. The database wrappers of
``carnet.journal.backends`` (``PendingJournalMixin``) call ``flush``, ``before_savepoint_commit``,
``savepoint_rolled_back`` and ``discard``.

Inside a test case's own transaction (Django's TestCase wraps each test in one), the outermost block
opened by application code plays the role of the transaction: its entries are written when it exits.
"""

from django.db import DEFAULT_DB_ALIAS


def _app_blocks(conn) -> int:
    return sum(1 for block in conn.atomic_blocks if not getattr(block, "_from_testcase", False))


def defer(conn, entry) -> bool:
    """Keep ``entry`` until the application's outermost transaction commits; False when there is none
    (or when the database engine is not one of ``carnet.journal.backends``)."""
    waiting = getattr(conn, "journal_pending", None)
    if waiting is None or conn.alias != DEFAULT_DB_ALIAS or not conn.in_atomic_block or not _app_blocks(conn):
        return False
    waiting.append((set(conn.savepoint_ids), entry))
    return True


def flush(conn) -> None:
    entries, conn.journal_pending = conn.journal_pending, []
    if entries:
        from carnet.journal.chain import append  # noqa: PLC0415 - cycle: chain defers to us

        append(conn, [entry for _sids, entry in entries])


def before_savepoint_commit(conn) -> None:
    """A savepoint is released: when it closed the application's outermost block (tests), write now."""
    if conn.journal_pending and not _app_blocks(conn):
        flush(conn)


def savepoint_rolled_back(conn, sid) -> None:
    if conn.journal_pending:
        conn.journal_pending = [(sids, entry) for sids, entry in conn.journal_pending if sid not in sids]


def discard(conn) -> None:
    conn.journal_pending = []


class PendingJournalMixin:
    """Mixed into the database wrappers: write waiting journal entries just before committing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.journal_pending = []

    def commit(self):
        if self.journal_pending:
            try:
                flush(self)
            except Exception:
                self.rollback()
                raise
        return super().commit()

    def savepoint_commit(self, sid):
        before_savepoint_commit(self)
        return super().savepoint_commit(sid)

    def _savepoint_rollback(self, sid):
        savepoint_rolled_back(self, sid)
        return super()._savepoint_rollback(sid)

    def rollback(self):
        discard(self)
        return super().rollback()

    def close(self):
        discard(self)
        return super().close()
