"""The sign-in page's buttons for the configured OpenID Connect providers (none when none is set)."""

from django import template
from django.utils.translation import gettext as _

from carnet.identity import oidc

register = template.Library()


@register.inclusion_tag("web/auth/_providers.html")
def provider_buttons():
    choices = [
        (
            "pro-sante-connect",
            "psc",
            _("Pro Santé Connect"),
            _("professionnels de santé : e-CPS ou carte CPS"),
        ),
        (
            "franceconnect",
            "franceconnect",
            _("FranceConnect"),
            _("patients : vos identifiants d'un service public"),
        ),
    ]
    return {
        "providers": [
            (slug, label, help) for slug, name, label, help in choices if oidc.provider(name).configured
        ]
    }
