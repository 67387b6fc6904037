"""Which grants a visit pushes (a read of the gate's, so it needs nothing of the gate: no cycle)."""

import datetime

from django.conf import settings
from django.utils import timezone

from carnet.access.actor import Actor
from carnet.access.models import Grant


def grant_extension_end() -> datetime.datetime:
    """Where a visit today pushes a grant's end (CARNET_GRANT_EXPIRY_DAYS from now)."""
    return timezone.now() + datetime.timedelta(days=settings.CARNET_GRANT_EXPIRY_DAYS)


def grants_to_extend(professional, patient):
    """The professional's confirmed, live grants on this patient not pushed yet today."""
    return Grant.objects.filter(
        patient=patient,
        professional=professional,
        revoked_at__isnull=True,
        confirmed_at__isnull=False,
        expires_at__lt=grant_extension_end() - datetime.timedelta(days=1),
    )


def grant_due_for_extension(actor: Actor, patient) -> bool:
    """True when a read by this professional should push their grant's end (at most once a day)."""
    return actor.professional is not None and grants_to_extend(actor.professional, patient).exists()
