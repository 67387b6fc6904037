"""Sign-in steps: password, then a one-time code at every sign-in; lockout and rate limits against guessing.

The steps check; the writes they cause (failure counts, codes, devices) are actions of
``carnet.identity.actions``, each asking the policy first."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.access.actor import ANONYMOUS, Actor
from carnet.errors import Refused
from carnet.identity import actions, codes
from carnet.identity.models import User
from carnet.identity.otp import OneTimeCodeDevice
from carnet.notify.actions import notify_patient

GENERIC = _("Identifiant ou mot de passe incorrect.")
IP_LIMIT = 30  # password attempts per IP per window
IP_WINDOW_SECONDS = 15 * 60


def _ip_key(ip: str) -> str:
    return f"signin-ip:{codes.keyed_hash(ip or '-')[:32]}"


def _count_ip_attempt(ip: str) -> None:
    key = _ip_key(ip)
    cache.add(key, 0, IP_WINDOW_SECONDS)
    if cache.incr(key) > IP_LIMIT:
        raise Refused(
            "rate_limited",
            _("Trop de tentatives depuis cette adresse. Réessayez dans 15 minutes."),
            status=429,
        )


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


def _register_failure(user: User) -> None:
    actions.register_sign_in_failure(ANONYMOUS, user)


def check_password_step(login: str, password: str, ip: str = "") -> User:
    """First step. Errors never tell whether the login exists, except the lockout a person must know of."""
    _count_ip_attempt(ip)
    user = User.objects.filter(username__iexact=(login or "").strip()).first()
    if user is not None and _is_locked(user):
        raise Refused(
            "locked",
            _("Ce compte est verrouillé après trop d'essais. Réessayez dans %(minutes)d minutes.")
            % {"minutes": settings.CARNET_LOCKOUT_MINUTES},
            status=429,
        )
    authenticated = authenticate(username=user.username if user else login, password=password)
    if authenticated is None:
        if user is not None:
            _register_failure(user)
        raise Refused("bad_credentials", GENERIC)
    return actions.register_sign_in_success(ANONYMOUS, authenticated)


def send_sign_in_code(user: User) -> OneTimeCodeDevice:
    """Second step: a 6-digit code by e-mail or SMS (TOTP users use their app instead)."""
    return actions.issue_sign_in_code(ANONYMOUS, user)


def verify_sign_in_code(user: User, code: str):
    """Check the code (or the TOTP); wrong codes count towards the lockout; a code works once."""
    if _is_locked(user):
        raise Refused("locked", _("Ce compte est verrouillé après trop d'essais."), status=429)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    devices = list(OneTimeCodeDevice.objects.filter(user=user, confirmed=True))
    if user.otp_channel == User.OtpChannel.TOTP:
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            raise Refused("throttled", _("Trop de codes faux : patientez avant de réessayer."), status=429)
        if device.verify_token(code):
            device.throttle_reset()
            return device
        device.throttle_increment()
    _register_failure(user)
    raise Refused("bad_code", _("Ce code n'est pas le bon, ou il a expiré. Demandez un nouveau code."))


def remember_device(user: User, token: str | None) -> tuple[str, bool]:
    """Return the device token to keep in a cookie, and whether this device is new for the person."""
    return actions.remember_device(Actor.for_account(user), user, token)


def notify_new_device(user: User) -> None:
    """A sign-in from a browser never seen before is told to the person (patients only)."""
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
