"""Security notices about an account: a change of second factor, told on the channel the person had until
then (so that someone who enrolled their own authenticator cannot hide it) and journaled."""

from django.utils.translation import gettext as _

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.notify.tasks import deliver_security_notice

SECOND_FACTOR_CHANGE = "account:second-factor:change"


def _actor_of(user) -> Actor:
    professional = getattr(user, "professional", None)
    patient = getattr(user, "patient", None)
    if user.is_staff:
        role = Role.OPERATOR
    elif professional is not None:
        role = Role.PROFESSIONAL
    else:
        role = Role.PATIENT
    return Actor(role=role, user=user, professional=professional, patient=patient)


def second_factor_changed(user, old_channel: str, new_channel: str) -> None:
    """Journal the change and queue a notice on the old channel (e-mail or SMS), in the caller's
    transaction: the notice leaves only if the change was committed."""
    patient = getattr(user, "patient", None)
    record(
        _actor_of(user),
        SECOND_FACTOR_CHANGE,
        Decision(True, "second factor changed", "own-account"),
        patient=patient,
        resource_type="User",
        resource_id=user.pk,
        detail={"from": old_channel, "to": new_channel},
    )
    deliver_security_notice.enqueue(
        user.pk,
        "sms" if old_channel == "sms" else "email",
        _("Votre moyen de connexion a changé"),
        _(
            "Une application d'authentification vient d'être enregistrée pour vous connecter à carnet. "
            "Si ce n'était pas vous, contactez le service sans attendre : "
            "quelqu'un connaît votre mot de passe."
        ),
    )
