"""The statistics' only window on the other apps' tables: metadata and timestamps, never content, names,
NIRs or addresses beyond the department. Each reader returns plain tuples for a time or sequence window."""

from django.db.models import F

from carnet.access.models import EmergencyAccess
from carnet.identity.models import Opposition, Patient, Professional
from carnet.journal.models import Entry
from carnet.messaging.models import Message
from carnet.notify.models import OutboxMessage
from carnet.records.models import Document
from carnet.stats.geography import UNKNOWN, age_band, department_of_address, department_of_finess


def people(patient_ids) -> dict[int, tuple]:
    """patient id -> (department, birth date)."""
    rows = Patient.objects.filter(pk__in=set(patient_ids)).values_list("pk", "address", "birth_date")
    return {pk: (department_of_address(address), birth) for pk, address, birth in rows}


def demography(person: tuple | None, on) -> tuple[str, str]:
    """(department, age band on that day) of a person from ``people``."""
    if person is None:
        return UNKNOWN, ""
    department, birth = person
    return department, age_band(birth, on)


def professions(professional_ids) -> dict[int, tuple[str, str]]:
    """professional id -> (profession, department of their structure)."""
    rows = Professional.objects.filter(pk__in=set(professional_ids)).values_list("pk", "profession", "finess")
    return {pk: (profession, department_of_finess(finess)) for pk, profession, finess in rows}


def space_events(since, until):
    """(metric, patient id, when) for spaces created, activated and closed in the window."""
    window = {"since": since, "until": until}
    for metric, column in (
        ("spaces_created", "created_at"),
        ("spaces_activated", "activated_at"),
        ("spaces_closed", "closed_at"),
    ):
        rows = Patient.objects.filter(**_window(column, **window)).values_list("pk", column)
        for pk, when in rows.iterator(chunk_size=5000):
            yield metric, pk, when


def oppositions(since, until):
    """When each opposition was recorded (nothing else is kept of an opposition)."""
    return Opposition.objects.filter(**_window("recorded_at", since, until)).values_list(
        "recorded_at", flat=True
    )


def deposits(since, until):
    """(document id, patient id, deposited at, class, author id, author profession or depositor)."""
    rows = (
        Document.objects.filter(**_window("created_at", since, until))
        .annotate(author_profession=F("author__profession"))
        .values_list(
            "pk", "patient_id", "created_at", "class_code", "author_id", "author_profession", "depositor"
        )
    )
    return rows.iterator(chunk_size=5000)


def journal_entries(after_seq: int, until):
    """Allowed journal entries after a sequence number, up to a time: the fields statistics use."""
    rows = Entry.objects.filter(seq__gt=after_seq, at__lte=until, allowed=True).order_by("seq")
    fields = (
        "seq",
        "at",
        "action",
        "actor_role",
        "actor_professional_id",
        "patient_id",
        "resource_id",
        "detail",
    )
    return rows.values_list(*fields).iterator(chunk_size=5000)


def reviews(since, until):
    """(patient id, reviewed at, outcome) of emergency accesses reviewed in the window."""
    return EmergencyAccess.objects.filter(**_window("reviewed_at", since, until)).values_list(
        "patient_id", "reviewed_at", "outcome"
    )


def notifications(since, until):
    """(patient id, created at, channel) of notifications written, and letters printed in the window."""
    written = OutboxMessage.objects.filter(**_window("created_at", since, until)).values_list(
        "patient_id", "created_at", "channel"
    )
    printed = OutboxMessage.objects.filter(channel="letter", **_window("sent_at", since, until)).values_list(
        "patient_id", "sent_at"
    )
    return written, printed


def messages(since, until):
    """(patient id, written at, side, channel) of messages between patients and professionals (carnet's
    own notices left out); nothing of their content."""
    rows = Message.objects.filter(**_window("created_at", since, until)).exclude(side=Message.Side.SERVICE)
    return rows.values_list("patient_id", "created_at", "side", "channel").iterator(chunk_size=5000)


def _window(column: str, since, until) -> dict:
    bounds = {f"{column}__lte": until}
    if since is not None:
        bounds[f"{column}__gt"] = since
    return bounds
