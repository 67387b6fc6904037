"""Patient apps: the patient sees which apps are connected and disconnects one at once."""

from django.db import transaction
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.models import Grant as AuthorizationCode

from carnet.access.actor import Actor
from carnet.access.decision import Decision
from carnet.journal.actions import record


def connected_apps(actor: Actor) -> list[Application]:
    ids = AccessToken.objects.filter(user=actor.user).values_list("application_id", flat=True)
    return list(Application.objects.filter(pk__in=ids, software__isnull=True).distinct())


@transaction.atomic
def revoke_app(actor: Actor, application_id: int) -> int:
    """Every token the app holds for this person is revoked at once."""
    RefreshToken.objects.filter(user=actor.user, application_id=application_id).delete()
    AuthorizationCode.objects.filter(user=actor.user, application_id=application_id).delete()
    removed, _ = AccessToken.objects.filter(user=actor.user, application_id=application_id).delete()
    record(
        actor,
        "access:app:revoke",
        Decision(True, "revoked", "patient-choice"),
        patient=actor.patient,
        resource_type="Application",
        resource_id=application_id,
    )
    return removed
