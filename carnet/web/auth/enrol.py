"""Enrolment of a professional by invitation (no OpenID Connect provider configured): the link's page asks
a login, a password and the first code of an authenticator app, whose codes are then asked at every
sign-in. The app's key waits in the session until the professional confirms it."""

import base64
from urllib.parse import quote

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.util import random_hex

from carnet.errors import Refused
from carnet.identity import actions, queries

KEY = "enrolment_totp_key"


class EnrolForm(forms.Form):
    login = forms.CharField(
        label=gettext_lazy("Identifiant de votre choix"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        help_text=gettext_lazy("3 à 60 caractères : lettres, chiffres, point, tiret ou tiret bas."),
    )
    password = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Au moins 12 caractères ; évitez les mots de passe courants."),
    )
    code = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres affiché par votre application"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _field_of(code: str) -> str:
    """Which field a refusal of ``enrol_professional`` is about (password rules come as a list)."""
    if code.startswith("login"):
        return "login"
    return "code" if code == "totp_code" else "password"


def enrol(request, token):
    try:
        invitation = queries.invitation_for(token)
    except Refused as error:
        return render(request, "web/auth/enrol_refused.html", {"message": error.message}, status=error.status)
    key = request.session.setdefault(f"{KEY}:{invitation.pk}", random_hex(20))
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.enrol_professional(token, data["login"], data["password"], key, data["code"])
        except ValidationError as error:
            form.add_error(_field_of(getattr(error, "code", None) or ""), error)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            del request.session[f"{KEY}:{invitation.pk}"]
            messages.success(request, _("Votre accès est prêt : connectez-vous avec votre identifiant."))
            return redirect("auth:sign-in")
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    url = f"otpauth://totp/carnet:{quote(invitation.professional.display_name)}?secret={secret}&issuer=carnet"
    context = {
        "form": form,
        "professional": invitation.professional,
        "qr": segno.make(url, error="m").svg_inline(scale=4),
        "secret": secret,
    }
    return render(request, "web/auth/enrol.html", context)
