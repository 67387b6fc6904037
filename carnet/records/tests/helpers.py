import datetime
import itertools

from carnet.access.actor import Actor, Role
from carnet.records.actions import DocumentMetadata

_ids = itertools.count(1)


def pro(professional):
    return Actor(role=Role.PROFESSIONAL, user=professional.user, professional=professional)


def me(patient):
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def meta(type_code="11488-4", title="Compte rendu de consultation", **fields):
    fields.setdefault("unique_id", f"urn:oid:1.2.250.1.213.1.1.9.{next(_ids)}")
    fields.setdefault("care_date", datetime.date(2026, 11, 2))
    return DocumentMetadata(type_code=type_code, title=title, **fields)
