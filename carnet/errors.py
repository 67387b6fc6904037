"""One refusal type for the whole house: a machine-readable code, a message for people, an HTTP status.

Pages render ``message`` (already translated by the raiser), the FHIR API turns it into an OperationOutcome,
the command line prints it. Subclasses exist only where the status differs."""


class Refused(Exception):
    """A request that carnet will not carry out, with why."""

    status = 400
    # (actor, action, decision, record's keywords) of a refusal to journal again after a rollback (the gate)
    journal_entry: tuple | None = None

    def __init__(self, code: str, message: str = "", *, status: int | None = None, field: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.field = field  # the form field the refusal is about, when a page shows it beside that field
        if status is not None:
            self.status = status


class NotFound(Refused):
    """The thing does not exist, or the rules require answering as if it did not."""

    status = 404


class Forbidden(Refused):
    """The actor may not do this."""

    status = 403


class Conflict(Refused):
    """The request contradicts the current state (a duplicate, a stale version)."""

    status = 409
