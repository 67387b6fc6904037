"""Sign-in (password, then a one-time code), activation, opposition, re-authentication, sign-out."""

import base64
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.access.actor import Actor
from carnet.errors import Refused
from carnet.identity import actions, signin
from carnet.identity.models import User
from carnet.web.auth import forms
from carnet.web.auth.decorators import REAUTH_AT, second_factor_required
from carnet.web.auth.demo import demo_code_for

PENDING = "pending_sign_in_user"
DEVICE_COOKIE = "carnet_device"


def _next(request, default="/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if target == "/":  # the front page: send the person to their own space instead
        target = default
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else default


def sign_in(request):
    form, status = forms.SignInForm(request.POST or None), 200
    if request.method == "POST" and form.is_valid():
        try:
            user = signin.check_password_step(
                form.cleaned_data["login"], form.cleaned_data["password"], request.META.get("REMOTE_ADDR", "")
            )
        except Refused as error:
            form.add_error(None, error.message)
            status = 429 if error.status == 429 else 200  # too many failures: the page says until when
        else:
            request.session.cycle_key()
            request.session[PENDING] = user.pk
            if signin.sends_codes(user):
                signin.send_sign_in_code(user)
            return redirect(f"/connexion/code/?{urlencode({'next': _next(request)})}")
    return render(request, "web/auth/sign_in.html", {"form": form, "next": _next(request)}, status=status)


def sign_in_code(request):
    user = User.objects.filter(pk=request.session.get(PENDING)).first()
    if user is None:
        return redirect("auth:sign-in")
    form = forms.CodeForm(request.POST or None)
    if user.otp_channel == User.OtpChannel.PAPER:
        form.fields["code"].label = _("Code de votre liste (8 chiffres)")
    if request.method == "POST" and form.is_valid():
        try:
            device = signin.verify_sign_in_code(user, form.cleaned_data["code"])
        except Refused as error:
            form.add_error("code", error.message)
        else:
            return _complete_sign_in(request, user, device)
    return render(
        request,
        "web/auth/code.html",
        {"form": form, "user": user, "demo_code": demo_code_for(user), "next": _next(request)},
    )


def _complete_sign_in(request, user, device):
    del request.session[PENDING]
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session[REAUTH_AT] = time.time()
    token, new = signin.remember_device(user, request.COOKIES.get(DEVICE_COOKIE))
    if new:
        signin.notify_new_device(user)
    response = redirect(_next(request, _home_for(user)))
    response.set_cookie(
        DEVICE_COOKIE, token, max_age=400 * 86400, httponly=True, secure=settings.HTTPS, samesite="Lax"
    )
    return response


def _home_for(user) -> str:
    if user.is_staff:
        return "/operateurs/"
    return "/pro/" if hasattr(user, "professional") else "/patient/"


def resend_code(request):
    user = User.objects.filter(pk=request.session.get(PENDING)).first()
    if user is not None and request.method == "POST" and signin.sends_codes(user):
        signin.send_sign_in_code(user)
        messages.info(request, _("Un nouveau code vous a été envoyé."))
    return redirect("auth:sign-in-code")


def activate(request):
    form = forms.ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.activate_account(**form.cleaned_data)
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Votre espace est activé. Connectez-vous avec votre identifiant."))
            return redirect("auth:sign-in")
    return render(request, "web/auth/activate.html", {"form": form})


def oppose(request):
    form = forms.OppositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_opposition(code=form.cleaned_data["code"])
        except Refused as error:
            form.add_error("code", error.message)
        else:
            return render(request, "web/auth/opposed.html")
    return render(request, "web/auth/oppose.html", {"form": form})


@second_factor_required
def reauth(request):
    form = forms.PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signin.check_reauthentication(
                request.user, form.cleaned_data["password"], request.META.get("REMOTE_ADDR", "")
            )
        except Refused as error:
            form.add_error("password" if error.field else None, error.message)
        else:
            request.session[REAUTH_AT] = time.time()
            return redirect(_next(request))
    return render(request, "web/auth/reauth.html", {"form": form, "next": _next(request)})


@second_factor_required
def totp_setup(request):
    """Optional: an authenticator app (TOTP) instead of codes by e-mail or SMS."""
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_totp_setup(
            Actor.for_account(request.user), request.user, form.cleaned_data["code"]
        ):
            messages.success(request, _("Votre application d'authentification est enregistrée."))
            return redirect(_home_for(request.user))
        form.add_error("code", _("Ce code n'est pas le bon : vérifiez l'heure de votre téléphone."))
    device = (
        actions.start_totp_setup(Actor.for_account(request.user), request.user)
        if request.method == "GET"
        else None
    )
    device = device or TOTPDevice.objects.filter(user=request.user, confirmed=False).last()
    if device is None:
        return redirect("auth:totp-setup")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "web/auth/totp.html", {"form": form, "qr": qr, "secret": secret})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("web:home")
