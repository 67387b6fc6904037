"""Writes of the health profile and the wishes (patient-declared or by a professional)."""

import datetime

from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.records.models import ProfileEntry, Source, Wish


@atomic_action
def add_profile_entry(
    actor: Actor,
    patient,
    *,
    kind: str,
    label: str,
    date: datetime.date,
    code: str = "",
    value: str = "",
    unit: str = "",
) -> ProfileEntry:
    """A patient declares, or a professional records, a condition, allergy, treatment, vaccine or measure."""
    authorize(actor, P.RECORD_PROFILE_WRITE, patient, detail={"kind": kind})
    if kind not in ProfileEntry.Kind.values:
        raise ValueError(f"unknown profile entry kind {kind!r}")
    by_professional = actor.role == Role.PROFESSIONAL
    return ProfileEntry.objects.create(
        patient=patient,
        kind=kind,
        label=label[:200],
        code=code,
        value=value,
        unit=unit,
        date=date,
        source=Source.PROFESSIONAL if by_professional else Source.PATIENT,
        author=actor.professional if by_professional else None,
    )


@atomic_action
def remove_profile_entry(actor: Actor, entry: ProfileEntry) -> ProfileEntry:
    authorize(actor, P.RECORD_PROFILE_WRITE, entry)
    entry.status = ProfileEntry.Status.ENTERED_IN_ERROR
    entry.save(update_fields=["status"])
    return entry


@atomic_action
def set_wish(
    actor: Actor,
    patient,
    *,
    kind: str,
    text: str = "",
    name: str = "",
    phone: str = "",
    organ_donation: str = "",
) -> Wish:
    """Wishes are the patient's own: only they (or who acts for them) write them."""
    authorize(actor, P.RECORD_WISHES_WRITE, patient, detail={"kind": kind})
    if kind not in Wish.Kind.values:
        raise ValueError(f"unknown wish kind {kind!r}")
    values = {
        "text": text,
        "name": name,
        "phone": phone,
        "organ_donation": organ_donation,
        "updated_at": timezone.now(),
    }
    if kind == Wish.Kind.EMERGENCY_CONTACT:
        return Wish.objects.create(patient=patient, kind=kind, **values)
    wish, _created = Wish.objects.update_or_create(patient=patient, kind=kind, defaults=values)
    return wish
