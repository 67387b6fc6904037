"""Nobody is locked out: a new provisional code, a forgotten password (link + second factor)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from carnet.errors import Refused
from carnet.identity import actions, queries, signin
from carnet.identity.models import User
from carnet.web.auth.demo import demo_code_for
from carnet.web.errors import refusals


class NewCodeForm(forms.Form):
    nir = forms.CharField(label=_("Numéro de sécurité sociale (15 chiffres)"), max_length=21)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=forms.DateInput(attrs={"type": "date"}))
    postal_code = forms.CharField(
        label=_("Code postal de l'adresse connue de votre caisse"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )


class ForgotForm(forms.Form):
    login = forms.CharField(
        label=_("Identifiant"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )


class ResetForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres (second facteur)"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("Nouveau mot de passe (12 caractères au moins)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def new_code(request):
    """NIR + birth date + postal code on file: a new code goes to the contact or address on file."""
    form = NewCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            actions.request_new_code(**form.cleaned_data, ip=_ip(request))
            return render(request, "web/auth/new_code_sent.html")
    return render(request, "web/auth/new_code.html", {"form": form})


def forgot_password(request):
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            actions.request_password_reset(form.cleaned_data["login"], ip=_ip(request))
            return render(request, "web/auth/reset_sent.html")
    return render(request, "web/auth/forgot.html", {"form": form})


def reset_password(request, uid, token):
    """The link's page: a sign-in code is sent (or the app's code asked), then the new password."""
    try:
        user = queries.user_for_reset_link(uid, token)
    except Refused as refused:
        return render(request, "web/auth/reset.html", {"invalid": refused.message}, status=400)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.reset_password(uid, token, form.cleaned_data["code"], form.cleaned_data["password"])
        except Refused as error:
            form.add_error("code", error.message)
        except forms.ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, _("Votre mot de passe est changé. Connectez-vous."))
            return redirect("auth:sign-in")
    elif request.method == "GET" and user.otp_channel != User.OtpChannel.TOTP:
        signin.send_sign_in_code(user)
    context = {"form": form, "demo_code": demo_code_for(user), "totp": user.otp_channel == "totp"}
    return render(request, "web/auth/reset.html", context)
