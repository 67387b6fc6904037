"""Who is acting in a request: the Actor every service passes to the policy and the journal."""

from django.utils import timezone

from carnet.access.actor import ANONYMOUS, Actor, Channel, Role
from carnet.identity.models import Mandate, Patient, Representative

ACTING_FOR = "acting_for_patient_id"


def spaces_of(user) -> list[tuple[str, Patient]]:
    """The spaces a person may act in: their own, those they represent, those that gave them a mandate."""
    spaces = []
    own = Patient.objects.filter(user=user).first()
    if own is not None:
        spaces.append(("patient", own))
    for rep in Representative.objects.filter(user=user, ended_at__isnull=True).select_related("patient"):
        spaces.append(("representative", rep.patient))
    now = timezone.now()
    mandates = Mandate.objects.filter(
        caregiver=user, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    )
    for mandate in mandates.select_related("patient"):
        spaces.append(("caregiver", mandate.patient))
    return spaces


def actor_for_request(request) -> Actor:
    """Professional, operator, or a person acting in their own space or in one they manage (session)."""
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return ANONYMOUS
    if user.is_staff:
        return Actor(role=Role.OPERATOR, user=user, channel=Channel.WEB)
    professional = getattr(user, "professional", None)
    if professional is not None:
        return Actor(role=Role.PROFESSIONAL, user=user, professional=professional, channel=Channel.WEB)
    return _person_actor(request, user)


def _person_actor(request, user) -> Actor:
    wanted = request.session.get(ACTING_FOR)
    spaces = spaces_of(user)
    for kind, patient in spaces:
        if wanted is None or patient.pk == wanted:
            if kind == "caregiver":
                mandate = Mandate.objects.filter(
                    caregiver=user, patient=patient, revoked_at__isnull=True
                ).first()
                return Actor(role=Role.CAREGIVER, user=user, patient=patient, mandate=mandate)
            role = Role.PATIENT if kind == "patient" else Role.REPRESENTATIVE
            return Actor(role=role, user=user, patient=patient)
    return Actor(role=Role.ANONYMOUS, user=user)
