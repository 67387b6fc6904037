from django.db.backends.postgresql import base

from carnet.journal.pending import PendingJournalMixin


class DatabaseWrapper(PendingJournalMixin, base.DatabaseWrapper):
    """Django's own engine, writing waiting journal entries just before each commit."""
