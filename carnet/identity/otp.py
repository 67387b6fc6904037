"""The one-time sign-in code sent by e-mail or SMS at every sign-in (a django-otp side-channel device)."""

from django.conf import settings
from django.db import models
from django_otp.models import SideChannelDevice, ThrottlingMixin


class OneTimeCodeDevice(ThrottlingMixin, SideChannelDevice):
    """Six digits, valid CARNET_OTP_TTL_SECONDS, cleared on use (a replayed code is refused)."""

    channel = models.CharField(max_length=8, default="email")

    class Meta(SideChannelDevice.Meta):
        app_label = "identity"

    def get_throttle_factor(self) -> int:
        return 1

    def generate_challenge(self, extra_context=None) -> str:
        # cycle: identity's models load this module, and notify's modules import identity's models
        from carnet.notify.actions import send_email  # noqa: PLC0415
        from carnet.notify.sms import send_sms  # noqa: PLC0415

        self.generate_token(length=6, valid_secs=settings.CARNET_OTP_TTL_SECONDS)
        text = f"Votre code de connexion carnet : {self.token}. Il expire dans quelques minutes."
        if self.channel == "sms" and self.user.phone:
            send_sms(self.user.phone, text)
        else:
            send_email(self.user.email, "Votre code de connexion carnet", text)
        return "sent"
