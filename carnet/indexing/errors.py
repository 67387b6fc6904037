from carnet.errors import Refused


class IndexingError(Refused):
    """A patient's answer the index cannot take (unknown code, already confirmed)."""

    status = 422
