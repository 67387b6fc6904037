"""The one-time sign-in code sent by e-mail or SMS at every sign-in (a django-otp side-channel device)."""

from django.conf import settings
from django.db import models
from django_otp.models import SideChannelDevice, ThrottlingMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


class OneTimeCodeDevice(ThrottlingMixin, SideChannelDevice):
    """Six digits, valid CARNET_OTP_TTL_SECONDS, cleared on use (a replayed code is refused)."""

    channel = models.CharField(max_length=8, default="email")

    class Meta(SideChannelDevice.Meta):
        app_label = "identity"

    def get_throttle_factor(self) -> int:
        return 1

    def generate_challenge(self, extra_context=None) -> str:
        from carnet.notify.actions import send_email
        from carnet.notify.sms import send_sms

        self.generate_token(length=6, valid_secs=settings.CARNET_OTP_TTL_SECONDS)
        text = f"Votre code de connexion carnet : {self.token}. Il expire dans quelques minutes."
        if self.channel == "sms" and self.user.phone:
            send_sms(self.user.phone, text)
        else:
            send_email(self.user.email, "Votre code de connexion carnet", text)
        return "sent"


def start_totp_setup(user):
    """A new, unconfirmed authenticator-app device (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="application", confirmed=False)


def confirm_totp_setup(user, code: str) -> bool:
    """The first code from the app confirms it; sign-in then asks the app's code instead of e-mail/SMS.

    The change is journaled and told on the channel the person had until now (e-mail or SMS), so that an
    authenticator enrolled by someone else does not go unnoticed."""
    from django.db import transaction

    from carnet.identity.security_notices import second_factor_changed  # notify imports this module

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if device is None or not device.verify_token(code):
        return False
    with transaction.atomic():
        old_channel = user.otp_channel
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        user.otp_channel = user.OtpChannel.TOTP
        user.save(update_fields=["otp_channel"])
        second_factor_changed(user, old_channel, user.OtpChannel.TOTP)
    return True
