"""Sign-in steps: password, then a one-time code at every sign-in; lockout and rate limits against guessing.

The steps check; the writes they cause (failure counts, codes, devices) are actions of
``carnet.identity.actions``, each asking the policy first."""

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.access.actor import ANONYMOUS, Actor
from carnet.errors import Refused
from carnet.identity import actions, codes
from carnet.identity.models import User
from carnet.identity.otp import OneTimeCodeDevice
from carnet.notify.actions import notify_patient

GENERIC = _("Identifiant ou mot de passe incorrect.")


def _ip_key(ip: str) -> str:
    return f"signin-ip-failures:{codes.keyed_hash(ip or '-')[:32]}"


def _at(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _check_ip(ip: str) -> None:
    """Refuse while this address has had too many *failures* (successes never count): one address is often
    a whole building (a hospital, a France Services office, a mobile network), so the ceiling is high."""
    counted = cache.get(_ip_key(ip))
    if counted and counted["failures"] >= settings.CARNET_SIGN_IN_IP_FAILURES:
        until = datetime.datetime.fromisoformat(counted["until"])
        raise Refused(
            "rate_limited",
            _("Trop d'échecs de connexion depuis cette adresse. Réessayez après %(time)s.")
            % {"time": _at(until)},
            status=429,
        )


def _count_ip_failure(ip: str) -> None:
    """One more failure from this address, in a window that starts at its first failure (shared cache)."""
    now = timezone.now()
    counted = cache.get(_ip_key(ip))
    if counted is None or datetime.datetime.fromisoformat(counted["until"]) <= now:
        until = now + datetime.timedelta(minutes=settings.CARNET_SIGN_IN_IP_WINDOW_MINUTES)
        counted = {"failures": 0, "until": until.isoformat()}
    counted["failures"] += 1
    left = (datetime.datetime.fromisoformat(counted["until"]) - now).total_seconds()
    cache.set(_ip_key(ip), counted, max(1, int(left)))


def _locked_refusal(user: User) -> Refused:
    return Refused(
        "locked",
        _("Ce compte est verrouillé après trop d'essais. Réessayez après %(time)s.")
        % {"time": _at(user.locked_until or timezone.now())},
        status=429,
    )


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


def _register_failure(user: User) -> None:
    actions.register_sign_in_failure(ANONYMOUS, user)


def check_password_step(login: str, password: str, ip: str = "") -> User:
    """First step. Errors never tell whether the login exists, except the lockout a person must know of.

    Only failures count: per account (the lockout) and per address (a high ceiling)."""
    _check_ip(ip)
    user = User.objects.filter(username__iexact=(login or "").strip()).first()
    if user is not None and _is_locked(user):
        raise _locked_refusal(user)
    authenticated = authenticate(username=user.username if user else login, password=password)
    if authenticated is None:
        _count_ip_failure(ip)
        if user is not None:
            _register_failure(user)
        raise Refused("bad_credentials", GENERIC)
    return actions.register_sign_in_success(ANONYMOUS, authenticated)


def check_reauthentication(user: User, password: str, ip: str = "") -> None:
    """The password again before a sensitive action: guesses count as sign-in failures (account, address)."""
    _check_ip(ip)
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    if _is_locked(user):
        raise _locked_refusal(user)
    if not user.check_password(password):
        _count_ip_failure(ip)
        actions.register_sign_in_failure(Actor.for_account(user), user)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if _is_locked(user):
            raise _locked_refusal(user)
        raise Refused("bad_password", _("Mot de passe incorrect."), field="password")
    actions.register_sign_in_success(Actor.for_account(user), user)


def sends_codes(user: User) -> bool:
    """Whether sign-in sends a code (e-mail, SMS), or the person has it already (an app, a paper list)."""
    return user.otp_channel not in (User.OtpChannel.TOTP, User.OtpChannel.PAPER)


def paper_codes_left(user: User) -> int | None:
    """How many codes are left on the person's paper list (None: they do not use one)."""
    if user.otp_channel != User.OtpChannel.PAPER:
        return None
    device = StaticDevice.objects.filter(user=user, name="paper").first()
    return device.token_set.count() if device else 0


def send_sign_in_code(user: User) -> OneTimeCodeDevice:
    """Second step: a 6-digit code by e-mail or SMS (TOTP users use their app instead)."""
    return actions.issue_sign_in_code(ANONYMOUS, user)


def verify_sign_in_code(user: User, code: str):
    """Check the code (or the TOTP); wrong codes count towards the lockout; a code works once."""
    if _is_locked(user):
        raise _locked_refusal(user)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    devices = list(OneTimeCodeDevice.objects.filter(user=user, confirmed=True))
    if user.otp_channel == User.OtpChannel.TOTP:
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if user.otp_channel == User.OtpChannel.PAPER:  # the list printed on a letter: each code works once
        devices, code = list(StaticDevice.objects.filter(user=user, name="paper")), codes.paper_token(code)
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
