"""Demo mode only (CARNET_DEMO, set by `carnet demo`): show the last sign-in code from the outbox."""

import re

from carnet.env import env_bool
from carnet.notify.models import OutboxMessage


def demo_code_for(user) -> str:
    if not env_bool("CARNET_DEMO", False):
        return ""
    recipients = [value for value in (user.email, user.phone) if value]
    message = OutboxMessage.objects.filter(recipient__in=recipients).order_by("-created_at").first()
    found = re.search(r"\b(\d{6})\b", message.body) if message else None
    return found.group(1) if found else ""
