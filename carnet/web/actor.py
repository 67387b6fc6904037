"""Who is acting in a request: the Actor every service passes to the policy and the journal."""

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
    for mandate in Mandate.objects.active().filter(caregiver=user).select_related("patient"):
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
                mandate = Mandate.objects.active().filter(caregiver=user, patient=patient).first()
                return Actor(role=Role.CAREGIVER, user=user, patient=patient, mandate=mandate)
            role = Role.PATIENT if kind == "patient" else Role.REPRESENTATIVE
            return Actor(role=role, user=user, patient=patient)
    return Actor(role=Role.ANONYMOUS, user=user)
