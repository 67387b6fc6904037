class RecordError(Exception):
    """A refused change to the record, with a code and a message a person can act on."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class DocumentConflict(RecordError):
    """Same unique id, different content or patient: not the same document."""
