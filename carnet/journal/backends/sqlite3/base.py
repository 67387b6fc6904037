from django.db.backends.sqlite3 import base

from carnet.journal.pending import PendingJournalMixin


class DatabaseWrapper(PendingJournalMixin, base.DatabaseWrapper):
    """Django's own engine, writing waiting journal entries just before each commit."""
