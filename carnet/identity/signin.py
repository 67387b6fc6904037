"""Sign-in: password, then a one-time code at every sign-in; lockout and rate limits against guessing."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.identity import codes
from carnet.identity.errors import SignInRefused
from carnet.identity.models import KnownDevice, User
from carnet.identity.otp import OneTimeCodeDevice

GENERIC = _("Identifiant ou mot de passe incorrect.")
IP_LIMIT = 30  # password attempts per IP per window
IP_WINDOW_SECONDS = 15 * 60


def _ip_key(ip: str) -> str:
    return f"signin-ip:{codes.keyed_hash(ip or '-')[:32]}"


def _count_ip_attempt(ip: str) -> None:
    key = _ip_key(ip)
    cache.add(key, 0, IP_WINDOW_SECONDS)
    if cache.incr(key) > IP_LIMIT:
        raise SignInRefused(
            _("Trop de tentatives depuis cette adresse. Réessayez dans 15 minutes."), code="rate_limited"
        )


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


@transaction.atomic
def _register_failure(user: User) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins += 1
    if user.failed_logins >= settings.CARNET_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + datetime.timedelta(minutes=settings.CARNET_LOCKOUT_MINUTES)
        user.failed_logins = 0
    user.save(update_fields=["failed_logins", "locked_until"])


def check_password_step(login: str, password: str, ip: str = "") -> User:
    """First step. Errors never tell whether the login exists, except the lockout a person must know of."""
    _count_ip_attempt(ip)
    user = User.objects.filter(username__iexact=(login or "").strip()).first()
    if user is not None and _is_locked(user):
        raise SignInRefused(
            _("Ce compte est verrouillé après trop d'essais. Réessayez dans %(minutes)d minutes.")
            % {"minutes": settings.CARNET_LOCKOUT_MINUTES},
            code="locked",
        )
    authenticated = authenticate(username=user.username if user else login, password=password)
    if authenticated is None:
        if user is not None:
            _register_failure(user)
        raise SignInRefused(GENERIC, code="bad_credentials")
    if authenticated.failed_logins:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0)
    return authenticated


def send_sign_in_code(user: User) -> OneTimeCodeDevice:
    """Second step: a 6-digit code by e-mail or SMS (TOTP users use their app instead)."""
    channel = "sms" if user.otp_channel == User.OtpChannel.SMS else "email"
    device, _created = OneTimeCodeDevice.objects.get_or_create(
        user=user, name="sign-in", defaults={"channel": channel, "confirmed": True}
    )
    if device.channel != channel:
        device.channel = channel
        device.save(update_fields=["channel"])
    device.generate_challenge()
    return device


def verify_sign_in_code(user: User, code: str):
    """Check the code (or the TOTP); wrong codes count towards the lockout; a code works once."""
    if _is_locked(user):
        raise SignInRefused(_("Ce compte est verrouillé après trop d'essais."), code="locked")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    devices = list(OneTimeCodeDevice.objects.filter(user=user, confirmed=True))
    if user.otp_channel == User.OtpChannel.TOTP:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            raise SignInRefused(_("Trop de codes faux : patientez avant de réessayer."), code="throttled")
        if device.verify_token(code):
            device.throttle_reset()
            return device
        device.throttle_increment()
    _register_failure(user)
    raise SignInRefused(
        _("Ce code n'est pas le bon, ou il a expiré. Demandez un nouveau code."), code="bad_code"
    )


def remember_device(user: User, token: str | None) -> tuple[str, bool]:
    """Return the device token to keep in a cookie, and whether this device is new for the person."""
    if token and KnownDevice.objects.filter(user=user, token_hash=codes.keyed_hash(token)).exists():
        return token, False
    token = secrets.token_urlsafe(32)
    KnownDevice.objects.create(user=user, token_hash=codes.keyed_hash(token))
    return token, True


def notify_new_device(user: User) -> None:
    """A sign-in from a browser never seen before is told to the person (patients only)."""
    from carnet.notify.actions import notify_patient

    patient = getattr(user, "patient", None)
    if patient is not None:
        notify_patient(
            patient,
            "new-device",
            _("Nouvelle connexion à votre espace"),
            _(
                "Une connexion à votre espace carnet a eu lieu depuis un nouvel appareil. "
                "Si ce n'était pas vous, changez votre mot de passe."
            ),
        )
