"""What every page needs to know about the service itself (help line, theme)."""

from django.conf import settings


def service(request):
    return {"service": {"help_phone": settings.CARNET_HELP_PHONE, "theme": settings.CARNET_THEME}}
