from django.db.backends.sqlite3 import base

from carnet.journal.pending import PendingJournalMixin


class DatabaseWrapper(PendingJournalMixin, base.DatabaseWrapper):
    pass
