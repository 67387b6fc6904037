"""Reads of the FHIR side for the pages: the patient apps a person connected."""

from oauth2_provider.models import AccessToken, Application

from carnet.access.actor import Actor


def connected_apps(actor: Actor) -> list[Application]:
    """The patient apps holding a token of this person (professional software is not listed)."""
    ids = AccessToken.objects.filter(user=actor.user).values_list("application_id", flat=True)
    return list(Application.objects.filter(pk__in=ids, software__isnull=True).distinct())
