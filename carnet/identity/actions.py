"""The only code that changes people's accounts: the lifecycle of a space (domain.md §2), sign-in's
counters and devices. Each action asks the policy first (``authorize``, which journals the decision).
The daily sweeps that run these actions for every space due are in ``carnet.identity.sweeps``."""

import datetime
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.access.actor import ANONYMOUS, SYSTEM, Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.dates import years_after
from carnet.errors import Conflict, Refused
from carnet.identity import codes, oidc
from carnet.identity.logins import check_login
from carnet.identity.models import (
    ActivationCode,
    KnownDevice,
    Opposition,
    Patient,
    Professional,
    ProfessionalInvitation,
    ProviderDevice,
    Representative,
    User,
)
from carnet.identity.oidc import SignInWithProviderRefused
from carnet.identity.otp import OneTimeCodeDevice
from carnet.identity.security_notices import second_factor_changed
from carnet.notify.actions import notify_patient
from carnet.notify.outbox import queue_letter, send_email

State = Patient.State


def _move(patient: Patient, allowed_from: set, to: str, **fields) -> None:
    """Change state if the current one allows it; refuse with a clear message otherwise."""
    if patient.state not in allowed_from:
        raise Conflict(
            f"from_{patient.state}",
            _("Impossible de passer de l'état « %(old)s » à « %(new)s ».")
            % {"old": patient.get_state_display(), "new": Patient.State(to).label},
        )
    patient.state = to
    patient.state_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.save()


@atomic_action
def invite_patient(patient: Patient, actor: Actor = SYSTEM) -> str:
    """Send a provisional activation code (e-mail if known, else a postal letter); returns the code."""
    channel = "email" if patient.email else "letter"
    authorize(actor, P.ACCOUNT_SPACE_INVITE, patient, detail={"channel": channel})
    code = codes.new_activation_code()
    now = timezone.now()
    ActivationCode.objects.create(
        patient=patient,
        code_hash=codes.keyed_hash(codes.normalize_code(code)),
        channel=channel,
        expires_at=now + datetime.timedelta(days=settings.CARNET_INVITATION_DAYS),
    )
    if patient.opposition_deadline is None:
        patient.opposition_deadline = now + datetime.timedelta(days=settings.CARNET_OPPOSITION_DAYS)
        patient.save(update_fields=["opposition_deadline"])
    subject = _("Votre espace de santé carnet")
    body = _(
        "Bonjour %(name)s,\n\nUn espace de santé a été préparé pour vous. Pour l'activer, rendez-vous sur "
        "%(site)s/activation/ avec ce code provisoire : %(code)s (valable %(days)d jours).\n\n"
        "Si vous ne souhaitez pas d'espace, vous pouvez vous y opposer avec le même code sur "
        "%(site)s/opposition/ jusqu'au %(deadline)s : rien ne sera conservé."
    ) % {
        "name": patient.display_name,
        "site": settings.SITE_URL,
        "code": code,
        "days": settings.CARNET_INVITATION_DAYS,
        "deadline": f"{patient.opposition_deadline:%d/%m/%Y}",
    }
    if channel == "email":
        send_email(patient.email, subject, body)
    else:
        queue_letter(f"{patient.display_name}\n{patient.address}", subject, body, patient_id=patient.pk)
    return code


def _patient_for_code(code: str, *, for_update: bool = True) -> tuple[ActivationCode, Patient]:
    found = ActivationCode.objects.select_for_update() if for_update else ActivationCode.objects
    row = (
        found.filter(code_hash=codes.keyed_hash(codes.normalize_code(code))).select_related("patient").first()
    )
    if row is None:
        raise Refused(
            "code_unknown", _("Ce code n'est pas valide. Vérifiez-le sur votre courrier."), field="code"
        )
    if row.used_at is not None:
        raise Refused("code_used", _("Ce code a déjà été utilisé."), field="code")
    if row.expires_at <= timezone.now():
        raise Refused("code_expired", _("Ce code a expiré : demandez-en un nouveau."), field="code")
    return row, row.patient


@atomic_action
def record_opposition(
    *, code: str = "", patient: Patient | None = None, channel: str = "online", actor: Actor = ANONYMOUS
) -> None:
    """The person refuses the space: nothing is kept but a keyed hash of their NIR (online or paper)."""
    patient = patient if patient is not None else _patient_for_code(code)[1]
    authorize(actor, P.ACCOUNT_SPACE_OPPOSE, patient, detail={"channel": channel})
    if patient.state != State.PENDING or patient.user_id is not None:
        raise Conflict(
            "not_pending", _("L'espace a déjà été activé : vous pouvez le clôturer."), field="code"
        )
    if patient.opposition_deadline and patient.opposition_deadline <= timezone.now():
        raise Conflict("window_closed", _("Le délai d'opposition de 6 semaines est passé."), field="code")
    Opposition.objects.get_or_create(nir_hash=codes.keyed_hash(patient.nir), defaults={"channel": channel})
    patient.delete()


@atomic_action
def open_space(actor: Actor, patient: Patient) -> Patient:
    """After the opposition window a space is open even if never activated."""
    authorize(actor, P.ACCOUNT_SPACE_OPEN, patient, detail={"rule": "opposition-window-passed"})
    _move(patient, {State.PENDING}, State.OPEN)
    return patient


@atomic_action
def activate_account(
    code: str,
    login: str,
    password: str,
    *,
    email: str = "",
    phone: str = "",
    otp_channel: str = User.OtpChannel.EMAIL,
    actor: Actor = ANONYMOUS,
) -> User:
    """Provisional code → the person's own login and password; the space opens."""
    row, patient = _patient_for_code(code)
    authorize(actor, P.ACCOUNT_SPACE_ACTIVATE, patient)
    if patient.state not in {State.PENDING, State.OPEN} or patient.user_id is not None:
        raise Conflict("not_activable", _("Cet espace ne peut pas être activé."), field="code")
    email = email or patient.email
    login = _checked(check_login, "login", login, patient, email)
    user = User(
        username=login,
        email=email,
        phone=phone or patient.phone,
        otp_channel=otp_channel,
        first_name=patient.first_names.split(" ")[0],
        last_name=patient.used_name or patient.birth_name,
    )
    _checked(validate_password, "password", password, user)
    if otp_channel == User.OtpChannel.SMS and not user.phone:
        raise Refused(
            "no_phone", _("Indiquez un numéro de mobile pour recevoir les codes par SMS."), field="phone"
        )
    if otp_channel == User.OtpChannel.EMAIL and not user.email:
        raise Refused(
            "no_email", _("Indiquez une adresse électronique pour recevoir les codes."), field="email"
        )
    user.set_password(password)
    user.save()
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    fields = {"user": user, "activated_at": timezone.now(), "email": email, "phone": user.phone}
    _move(patient, {State.PENDING, State.OPEN}, State.OPEN, **fields)
    return user


def _checked(check, field: str, *args):
    """Run a Django validator; its ValidationError (one message or several) becomes one refusal."""
    try:
        return check(*args)
    except ValidationError as error:
        code = next((e.code for e in error.error_list if e.code), "invalid")
        raise Refused(str(code), " ".join(error.messages), field=field) from None


@atomic_action
def request_closure(actor: Actor, patient: Patient, *, early_destruction: bool = False) -> Patient:
    """Close the space: inaccessible to all, archived (10 years) or destroyed after the grace period."""
    authorize(actor, P.ACCOUNT_SPACE_CLOSE, patient, detail={"early": early_destruction})
    now = timezone.now()
    if early_destruction:
        destroy_after = now + datetime.timedelta(days=settings.CARNET_EARLY_DESTRUCTION_GRACE_DAYS)
    else:
        destroy_after = years_after(now, settings.CARNET_ARCHIVE_YEARS)
    _move(patient, {State.OPEN, State.SUSPENDED}, State.CLOSED, closed_at=now, destroy_after=destroy_after)
    notify_patient(
        patient,
        "space-closed",
        _("Votre espace carnet est clôturé"),
        _(
            "Votre espace de santé a été clôturé le %(day)s. Il pourra être rouvert jusqu'au %(until)s ; "
            "après cette date il sera détruit. Pour le rouvrir, connectez-vous."
        )
        % {"day": f"{now:%d/%m/%Y}", "until": f"{destroy_after:%d/%m/%Y}"},
    )
    return patient


@atomic_action
def request_early_destruction(actor: Actor, patient: Patient) -> Patient:
    """A closed, archived space: the holder asks for destruction after the grace period instead."""
    authorize(actor, P.ACCOUNT_SPACE_EARLY_DESTRUCTION, patient)
    if patient.state != State.CLOSED:
        raise Conflict("not_closed", _("Seul un espace clôturé peut être détruit par anticipation."))
    destroy_after = timezone.now() + datetime.timedelta(days=settings.CARNET_EARLY_DESTRUCTION_GRACE_DAYS)
    if patient.destroy_after and patient.destroy_after <= destroy_after:
        raise Conflict("already_sooner", _("La destruction est déjà prévue plus tôt."))
    patient.destroy_after = destroy_after
    patient.save(update_fields=["destroy_after"])
    return patient


@atomic_action
def reopen_space(actor: Actor, patient: Patient) -> Patient:
    """During the archive period (or the grace period) the record can be restored."""
    authorize(actor, P.ACCOUNT_SPACE_REOPEN, patient)
    if patient.destroy_after and patient.destroy_after <= timezone.now():
        raise Conflict("too_late", _("Le délai est passé : le dossier a été ou va être détruit."))
    _move(patient, {State.CLOSED}, State.OPEN, closed_at=None, destroy_after=None)
    return patient


@atomic_action
def suspend_space(actor: Actor, patient: Patient) -> Patient:
    """The insurer suspends a space (fraud, malfunction); without objection it closes after 6 weeks."""
    authorize(actor, P.ACCOUNT_SPACE_SUSPEND, patient)
    _move(patient, {State.OPEN, State.PENDING}, State.SUSPENDED)
    return patient


@atomic_action
def object_to_suspension(actor: Actor, patient: Patient) -> Patient:
    """The holder objects to a suspension: the space is open again."""
    authorize(actor, P.ACCOUNT_SPACE_OBJECT, patient)
    _move(patient, {State.SUSPENDED}, State.OPEN)
    return patient


@atomic_action
def hand_over(actor: Actor, patient: Patient) -> Patient:
    """At 18 the space passes to the person: the parents' representation ends; the person is invited."""
    authorize(actor, P.ACCOUNT_SPACE_MAJORITY, patient)
    Representative.objects.filter(
        patient=patient, ended_at__isnull=True, kind=Representative.Kind.PARENT
    ).update(ended_at=timezone.now())
    if patient.user_id is None:
        invite_patient(patient, actor)
    return patient


# --- sign-in: counters and devices (the steps themselves are in carnet.identity.signin) -------------------


@atomic_action
def register_sign_in_failure(actor: Actor, user: User) -> User:
    """A wrong password or code: counted on the account; at the limit the account waits a while."""
    authorize(actor, P.ACCOUNT_SIGN_IN_PASSWORD, user, detail={"failure": True})
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins += 1
    if user.failed_logins >= settings.CARNET_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + datetime.timedelta(minutes=settings.CARNET_LOCKOUT_MINUTES)
        user.failed_logins = 0
    user.save(update_fields=["failed_logins", "locked_until"])
    return user


@atomic_action
def register_sign_in_success(actor: Actor, user: User) -> User:
    """The password was right: the account's failure count starts again."""
    authorize(actor, P.ACCOUNT_SIGN_IN_PASSWORD, user)
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0)
        user.failed_logins = 0
    return user


@atomic_action
def remember_device(actor: Actor, user: User, token: str | None) -> tuple[str, bool]:
    """Return the device token to keep in a cookie, and whether this device is new for the person."""
    authorize(actor, P.ACCOUNT_DEVICE_REMEMBER, user)
    if token and KnownDevice.objects.filter(user=user, token_hash=codes.keyed_hash(token)).exists():
        return token, False
    token = secrets.token_urlsafe(32)
    KnownDevice.objects.create(user=user, token_hash=codes.keyed_hash(token))
    return token, True


@atomic_action
def issue_sign_in_code(actor: Actor, user: User) -> OneTimeCodeDevice:
    """Second step: a 6-digit code by e-mail or SMS (TOTP users use their app instead)."""
    authorize(actor, P.ACCOUNT_SIGN_IN_CODE, user)
    channel = "sms" if user.otp_channel == User.OtpChannel.SMS else "email"
    device, _created = OneTimeCodeDevice.objects.get_or_create(
        user=user, name="sign-in", defaults={"channel": channel, "confirmed": True}
    )
    if device.channel != channel:
        device.channel = channel
        device.save(update_fields=["channel"])
    device.generate_challenge()
    return device


@atomic_action
def start_totp_setup(actor: Actor, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device (any earlier unconfirmed one is dropped)."""
    authorize(actor, P.ACCOUNT_TOTP_SETUP, user, detail={"step": "start"})
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="application", confirmed=False)


@atomic_action
def confirm_totp_setup(actor: Actor, user: User, code: str) -> bool:
    """The first code from the app confirms it; sign-in then asks the app's code instead of e-mail/SMS."""
    authorize(actor, P.ACCOUNT_TOTP_SETUP, user, detail={"step": "confirm"})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if device is None or not device.verify_token(code):
        return False
    old_channel = user.otp_channel
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.otp_channel = user.OtpChannel.TOTP
    user.save(update_fields=["otp_channel"])
    second_factor_changed(
        actor, user, old_channel, user.OtpChannel.TOTP
    )  # journaled, told on the old channel
    return True


# Sign-in through an OpenID Connect provider: carnet.identity.oidc checked the answer, this names the person.
# A refusal creates nothing; a professional of the directory gets a login on their first sign-in.


def _refuse_provider_sign_in(code: str, message: str) -> SignInWithProviderRefused:
    return SignInWithProviderRefused(code, message)


@atomic_action
def sign_in_professional_by_provider(provider: oidc.Provider, claims: dict) -> tuple[User, ProviderDevice]:
    """The RPPS (or ADELI) read from the provider's claim must name exactly one active professional."""
    number = oidc.national_id(provider, claims)
    found = list(Professional.objects.select_for_update().filter(Q(rpps=number) | Q(adeli=number))[:2])
    if not number or not found:
        raise _refuse_provider_sign_in(
            "unknown_rpps",
            _(
                "Votre identité professionnelle est reconnue, mais votre numéro RPPS ne figure pas dans "
                "l'annuaire de carnet. Votre établissement ou l'opérateur peut vous y inscrire."
            ),
        )
    if len(found) > 1:
        raise _refuse_provider_sign_in(
            "ambiguous_rpps",
            _("Votre numéro désigne plusieurs fiches de l'annuaire : l'opérateur doit le corriger."),
        )
    professional = found[0]
    if professional.user is not None and not professional.user.is_active:
        raise _refuse_provider_sign_in(
            "inactive_professional", _("Votre accès à carnet est désactivé : contactez l'opérateur.")
        )
    if professional.user is None:
        user = User(
            username=f"{provider.name}-{number}",
            first_name=professional.given_name,
            last_name=professional.family_name,
            email=professional.email,
        )
        user.set_unusable_password()
        user.save()
        professional.user = user
        professional.save(update_fields=["user"])
    authorize(ANONYMOUS, P.ACCOUNT_SIGN_IN_PROVIDER, professional.user, detail={"provider": provider.name})
    return professional.user, _provider_device(professional.user, provider)


def _provider_device(user: User, provider: oidc.Provider) -> ProviderDevice:
    device, _created = ProviderDevice.objects.get_or_create(
        user=user, provider=provider.name, defaults={"name": provider.name, "confirmed": True}
    )
    return device


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().replace("-", " ").strip()


@atomic_action
def sign_in_patient_by_provider(provider: oidc.Provider, claims: dict) -> tuple[User, ProviderDevice]:
    """FranceConnect's identity traits (birth name, first name, birth date, sex, birthplace) must name
    exactly one activated space: FranceConnect gives no NIR, so all the traits it gives must agree."""
    try:
        birth_date = datetime.date.fromisoformat(str(claims.get("birthdate", "")))
    except ValueError:
        birth_date = None
    sex = {"female": Patient.Sex.FEMALE, "male": Patient.Sex.MALE}.get(claims.get("gender", ""))
    first = _plain(claims.get("given_name", "")).split(" ")[0]
    candidates = [
        patient
        for patient in Patient.objects.filter(birth_date=birth_date, sex=sex).select_related("user")
        if _plain(patient.birth_name) == _plain(claims.get("family_name", ""))
        and _plain(patient.first_names).split(" ")[0] == first
        and (not claims.get("birthplace") or claims["birthplace"] == patient.birthplace_code)
    ]
    if len(candidates) != 1 or not first:
        raise _refuse_provider_sign_in(
            "no_matching_space",
            _(
                "Aucun espace de santé ne correspond à l'identité transmise par FranceConnect. "
                "Connectez-vous avec votre identifiant, ou activez votre espace avec votre code provisoire."
            ),
        )
    patient = candidates[0]
    if patient.user is None or not patient.user.is_active or patient.state != State.OPEN:
        raise _refuse_provider_sign_in(
            "space_not_active",
            _("Votre espace n'est pas encore activé : activez-le d'abord avec votre code provisoire."),
        )
    authorize(ANONYMOUS, P.ACCOUNT_SIGN_IN_PROVIDER, patient.user, detail={"provider": provider.name})
    return patient.user, _provider_device(patient.user, provider)


# Enrolment by invitation, where no OpenID Connect provider is configured: a single-use, expiring link
# by e-mail; the professional chooses a login and a password and registers an authenticator app (TOTP),
# whose code is then asked at every sign-in.


@atomic_action
def invite_professional(actor: Actor, professional: Professional) -> str:
    """Send the enrolment link (operators); an earlier unused link stops working. Returns the token."""
    authorize(actor, P.ACCOUNT_PROFESSIONAL_INVITE, professional, detail={"professional": professional.pk})
    if professional.user_id is not None:
        raise Refused("already_enrolled", _("Ce professionnel a déjà un accès à carnet."), status=409)
    if not professional.email:
        raise Refused("no_email", _("L'annuaire ne donne pas d'adresse électronique pour ce professionnel."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    ProfessionalInvitation.objects.filter(professional=professional, used_at__isnull=True).update(
        expires_at=now
    )
    ProfessionalInvitation.objects.create(
        professional=professional,
        token_hash=codes.keyed_hash(token),
        expires_at=now + datetime.timedelta(days=settings.CARNET_PRO_INVITATION_DAYS),
    )
    body = _(
        "Bonjour %(name)s,\n\nVous êtes invité à accéder à carnet, le dossier de santé partagé. "
        "Choisissez votre identifiant, votre mot de passe et votre application d'authentification sur "
        "%(site)s/connexion/inscription/%(token)s/ (lien valable %(days)d jours, une seule fois)."
    ) % {
        "name": professional.display_name,
        "site": settings.SITE_URL,
        "token": token,
        "days": settings.CARNET_PRO_INVITATION_DAYS,
    }
    send_email(professional.email, _("Votre accès professionnel à carnet"), body)
    return token


def invite_professionals(actor: Actor, professionals) -> tuple[int, int]:
    """Invite each professional not enrolled yet who has an e-mail; returns (invited, left out)."""
    invited = left_out = 0
    for professional in professionals:
        if professional.user_id is None and professional.email:
            invite_professional(actor, professional)
            invited += 1
        else:
            left_out += 1
    return invited, left_out


def invitation_for(token: str) -> ProfessionalInvitation:
    """The invitation behind a link, or a refusal that says why it no longer works."""
    invitation = (
        ProfessionalInvitation.objects.select_related("professional")
        .filter(token_hash=codes.keyed_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise Refused("invitation_unknown", _("Ce lien d'invitation n'est pas valide."), status=404)
    if invitation.used_at is not None:
        raise Refused("invitation_used", _("Ce lien a déjà servi : connectez-vous avec votre identifiant."))
    if invitation.expires_at <= timezone.now() or invitation.professional.user_id is not None:
        raise Refused("invitation_expired", _("Ce lien a expiré : demandez une nouvelle invitation."))
    return invitation


@atomic_action
def enrol_professional(token: str, login: str, password: str, totp_key: str, totp_code: str) -> User:
    """Consume the invitation: the login, the password and the authenticator app (its first code) at once."""
    invitation = invitation_for(token)
    ProfessionalInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    professional = invitation.professional
    authorize(ANONYMOUS, P.ACCOUNT_PROFESSIONAL_ENROL, professional, detail={"professional": professional.pk})
    login = check_login(login, None, professional.email)
    user = User(
        username=login,
        email=professional.email,
        first_name=professional.given_name,
        last_name=professional.family_name,
        otp_channel=User.OtpChannel.TOTP,
    )
    validate_password(password, user)
    code = "".join(ch for ch in (totp_code or "") if ch.isdigit())
    if not code or not TOTP(bytes.fromhex(totp_key)).verify(int(code), tolerance=1):
        raise ValidationError(
            _("Ce code n'est pas le bon : vérifiez l'heure de votre téléphone."), code="totp_code"
        )
    user.set_password(password)
    user.save()
    TOTPDevice.objects.create(user=user, name="application", key=totp_key, confirmed=True)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    professional.user = user
    professional.save(update_fields=["user"])
    return user
