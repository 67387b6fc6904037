"""Database engines: Django's own, plus the journal's write-before-commit (``carnet.journal.pending``)."""
