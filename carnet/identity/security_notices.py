"""Security notices about an account: a change of second factor, told on the channel the person had until
then (so that someone who enrolled their own authenticator cannot hide it) and journaled."""

from django.utils.translation import gettext as _

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.notify.tasks import deliver_security_notice


def second_factor_changed(actor: Actor, user, old_channel: str, new_channel: str) -> None:
    """Journal the change and queue a notice on the old channel (e-mail or SMS), in the caller's
    transaction: the notice leaves only if the change was committed."""
    authorize(
        actor, P.ACCOUNT_TOTP_SETUP, user, detail={"step": "changed", "from": old_channel, "to": new_channel}
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
