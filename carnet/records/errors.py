"""Refusals of the record domain: ``Refused`` with the status the FHIR API and the pages answer."""

from carnet.errors import Refused


class RecordError(Refused):
    """A refused change to the record (a business rule), with a message a person can act on."""

    status = 422


class DocumentConflict(RecordError):
    """Same unique id, different content or patient: not the same document."""

    status = 409
