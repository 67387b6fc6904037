from django.db.backends.postgresql import base

from carnet.journal.pending import PendingJournalMixin


class DatabaseWrapper(PendingJournalMixin, base.DatabaseWrapper):
    pass
