"""What a space's destruction erases of the statistics' own rows (declared for ``carnet.identity.erasure``):
the reading counters of the patient's documents (they also go with the documents by cascade); the
published cells hold counts only."""

from carnet.identity.erasure import delete_rows

delete_rows("stats.DocumentReading")
