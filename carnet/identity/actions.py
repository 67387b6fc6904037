"""The only code that changes people's accounts: the lifecycle of a space (domain.md §2), sign-in's
counters and devices. Each action asks the policy first (``authorize``, which journals the decision).
The daily sweeps that run these actions for every space due are in ``carnet.identity.sweeps``."""

import datetime
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from carnet.access.actor import ANONYMOUS, SYSTEM, Actor, Role
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.batches import delete_in_batches
from carnet.dates import years_after
from carnet.errors import Conflict, Refused
from carnet.identity import codes, lookups, oidc, signin
from carnet.identity.letters import invitation_text, paper_sign_in_text
from carnet.identity.logins import check_login
from carnet.identity.models import (
    ActivationCode,
    ContactChange,
    KnownDevice,
    Opposition,
    Patient,
    Profession,
    Professional,
    ProfessionalInvitation,
    ProviderDevice,
    Representative,
    User,
)
from carnet.identity.oidc import SignInWithProviderRefused
from carnet.identity.otp import OneTimeCodeDevice
from carnet.identity.queries import (
    active_representatives,
    has_valid_code,
    invitation_for,
    invitation_recipient,
    is_minor,
    language_of,
    pending_contact_change,
    postal_code_of,
    refuse_minor_activation,
    user_for_reset_link,
)
from carnet.identity.security_notices import second_factor_changed
from carnet.identity.validators import normalize_nir
from carnet.notify.actions import notify_patient
from carnet.notify.outbox import queue_letter, send_email
from carnet.notify.sms import send_sms

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
def invite_patient(patient: Patient, actor: Actor = SYSTEM, *, reason: str = "invite") -> str:
    """Send a provisional activation code (e-mail if known, else a postal letter); returns the code.

    A minor's invitation goes to their legal representative (domain.md §1), who is told it is for the child.
    """
    to = invitation_recipient(patient)
    channel = "email" if to.email else "letter"
    detail = {"channel": channel, "reason": reason, "to": "representative" if to.representative else "person"}
    authorize(actor, P.ACCOUNT_SPACE_INVITE, patient, detail=detail)
    code = codes.new_unused_code(lambda c: ActivationCode.objects.filter(code_hash=_code_hash(c)).exists())
    now = timezone.now()
    # A letter to the person (not to a representative) carries the sign-in codes they will need without
    # e-mail or mobile: the letter alone is enough to activate and to sign in (help.paper_sign_in_text).
    paper = codes.new_paper_codes() if channel == "letter" and to.representative is None else []
    ActivationCode.objects.create(
        patient=patient,
        code_hash=_code_hash(code),
        channel=channel,
        paper_codes=[codes.paper_token(c) for c in paper],
        expires_at=now + datetime.timedelta(days=settings.CARNET_INVITATION_DAYS),
    )
    if patient.opposition_deadline is None:
        patient.opposition_deadline = now + datetime.timedelta(days=settings.CARNET_OPPOSITION_DAYS)
        patient.save(update_fields=["opposition_deadline"])
    with translation.override(language_of(patient)):
        subject, body = invitation_text(patient, code, paper, window_open=patient.opposition_deadline > now)
        if to.representative is not None:
            subject, body = _representative_invitation(patient, to.representative, code)
        if channel == "email":
            send_email(to.email, subject, body)
        else:
            queue_letter(f"{to.name}\n{to.address}", subject, body, patient_id=patient.pk)
    return code


def _code_hash(code: str) -> str:
    return codes.keyed_hash(codes.normalize_code(code))


def _patient_for_code(code: str, *, for_update: bool = True) -> tuple[ActivationCode, Patient]:
    found = ActivationCode.objects.select_for_update() if for_update else ActivationCode.objects
    row = found.filter(code_hash=_code_hash(code)).select_related("patient").first()
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
    refuse_minor_activation(patient)
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
    if otp_channel == User.OtpChannel.PAPER and not row.paper_codes:
        raise Refused(
            "no_paper_codes",
            _("Votre invitation ne contient pas de liste de codes : choisissez le courriel ou le SMS."),
            field="otp_channel",
        )
    user.set_password(password)
    user.save()
    if otp_channel == User.OtpChannel.PAPER:  # the letter's list becomes the account's second factor
        device = StaticDevice.objects.create(user=user, name="paper", confirmed=True)
        device.token_set.bulk_create(
            [device.token_set.model(device=device, token=t) for t in row.paper_codes]
        )
        row.paper_codes = []
    row.used_at = timezone.now()
    row.save(update_fields=["used_at", "paper_codes"])
    fields = {"user": user, "activated_at": timezone.now(), "email": email, "phone": user.phone}
    _move(patient, {State.PENDING, State.OPEN}, State.OPEN, **fields)
    _link_representations(patient, user)
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


def clear_expired_sessions(actor: Actor = SYSTEM, *, now: datetime.datetime | None = None) -> int:
    """Sessions past their expiry (signed-in or not) are deleted, in batches of 10,000, one transaction
    each: a national service opens millions a day."""
    authorize(actor, P.ACCOUNT_EXPIRED_CLEAR, None, detail={"what": "sessions"})
    return delete_in_batches(Session.objects.filter(expire_date__lt=now or timezone.now()))


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
    authorize(ANONYMOUS, P.ACCOUNT_SIGN_IN_PROVIDER, professional, detail={"provider": provider.name})
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
    return professional.user, _provider_device(professional.user, provider)


def _provider_device(user: User, provider: oidc.Provider) -> ProviderDevice:
    device, _created = ProviderDevice.objects.get_or_create(
        user=user, provider=provider.name, defaults={"name": provider.name, "confirmed": True}
    )
    return device


def _claimed_birth_date(claims: dict) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(claims.get("birthdate", "")))
    except ValueError:
        return None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().replace("-", " ").strip()


@atomic_action
def sign_in_patient_by_provider(provider: oidc.Provider, claims: dict) -> tuple[User, ProviderDevice]:
    """FranceConnect's identity traits (birth name, first name, birth date, sex, birthplace) must name
    exactly one activated space: FranceConnect gives no NIR, so all the traits it gives must agree."""
    birth_date = _claimed_birth_date(claims)
    sex = {"female": Patient.Sex.FEMALE, "male": Patient.Sex.MALE}.get(claims.get("gender", ""))
    first = _plain(claims.get("given_name", "")).split(" ")[0]
    people = Patient.objects.filter(birth_date=birth_date, sex=sex) if birth_date else Patient.objects.none()
    candidates = [
        patient
        for patient in people.select_related("user")
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
    """Invite each professional not enrolled yet who has an e-mail; returns (invited, left out). Each
    invitation is its own action (journaled, one transaction): a batch stopped midway keeps those sent."""
    authorize(actor, P.ACCOUNT_PROFESSIONAL_INVITE, None, detail={"batch": True})
    invited = left_out = 0
    for professional in professionals:
        if professional.user_id is None and professional.email:
            invite_professional(actor, professional)
            invited += 1
        else:
            left_out += 1
    return invited, left_out


@atomic_action
def enrol_professional(token: str, login: str, password: str, totp_key: str, totp_code: str) -> User:
    """Consume the invitation: the login, the password and the authenticator app (its first code) at once."""
    invitation = invitation_for(token)
    professional = invitation.professional
    authorize(ANONYMOUS, P.ACCOUNT_PROFESSIONAL_ENROL, professional, detail={"professional": professional.pk})
    ProfessionalInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
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


# --- the médecin traitant and legal representatives (issue 14, §3) ----------------------------------------


def _representative_invitation(patient: Patient, rep: Representative, code: str) -> tuple[str, str]:
    subject = _("L'espace de santé carnet de %(child)s") % {"child": patient.display_name}
    body = _(
        "Bonjour %(name)s,\n\nUn espace de santé a été préparé pour %(child)s, dont vous êtes le "
        "représentant légal. Pour l'ouvrir, activez d'abord votre propre espace carnet, puis saisissez "
        "ce code dans « Mes espaces » : %(code)s.\n\nSi vous ne souhaitez pas d'espace pour %(child)s, "
        "opposez-vous-y sur %(site)s/opposition/ avec le même code, jusqu'au %(deadline)s."
    ) % {
        "name": rep.display_name,
        "child": patient.display_name,
        "site": settings.SITE_URL,
        "code": code,
        "deadline": f"{patient.opposition_deadline:%d/%m/%Y}",
    }
    return subject, body


@atomic_action
def open_minor_space(user: User, code: str) -> Patient:
    """A legal representative opens a represented minor's pending space with the minor's code."""
    row, patient = _patient_for_code(code)
    actor = Actor(role=Role.REPRESENTATIVE, user=user, patient=patient)
    authorize(actor, P.ACCOUNT_MINOR_SPACE_OPEN, patient)
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    if patient.state == State.PENDING:
        _move(patient, {State.PENDING}, State.OPEN, activated_at=timezone.now())
    return patient


def _link_representations(person: Patient, user: User) -> int:
    """Once a representative activates their own space, their representations use that account."""
    return Representative.objects.filter(person=person, user__isnull=True).update(user=user)


@atomic_action
def choose_gp(actor: Actor, patient: Patient, professional: Professional | None) -> Patient:
    """Declare (or change, or remove) the médecin traitant. The standing grant follows the declaration:
    the new GP has it at once and the former one loses it (the policy reads ``patient.gp``)."""
    detail = {"gp": getattr(professional, "pk", None), "former": patient.gp_id}
    authorize(actor, P.ACCOUNT_GP_CHOOSE, patient, detail=detail)
    if professional is not None and professional.profession != Profession.MEDECIN:
        raise Refused("not_a_doctor", _("Le médecin traitant est un médecin."))
    if professional is not None and professional.pk == patient.gp_id:
        raise Conflict("same_gp", _("Ce médecin est déjà votre médecin traitant."))
    patient.gp = professional
    patient.save(update_fields=["gp"])
    return patient


def _refuse_representation(patient: Patient, person: Patient, court_decision: str, until) -> None:
    if person.pk == patient.pk:
        raise Refused("self", _("Une personne ne peut pas être son propre représentant."))
    if is_minor(person):
        raise Refused("representative_minor", _("Le représentant légal est majeur."))
    if not is_minor(patient) and (
        not court_decision.strip() or until is None or until <= timezone.localdate()
    ):
        raise Refused(
            "court_decision_required",
            _(
                "Pour un majeur protégé, indiquez la référence de la décision de justice et la date de fin "
                "de la mesure (à venir)."
            ),
        )
    if active_representatives(patient).filter(person=person).exists():
        raise Conflict("already", _("Cette personne représente déjà ce patient."))


@atomic_action
def add_representative(
    actor: Actor, patient: Patient, person: Patient, *, court_decision: str = "", protection_until=None
) -> Representative:
    """Register a legal representative (a parent for a minor; for a protected adult, a guardian named by a
    court decision, until a date). Without an account of their own, the representative is invited."""
    kind = Representative.Kind.PARENT if is_minor(patient) else Representative.Kind.GUARDIAN
    authorize(actor, P.ACCOUNT_REPRESENTATIVE_ADD, patient, detail={"kind": kind, "person": person.pk})
    _refuse_representation(patient, person, court_decision, protection_until)
    rep = Representative.objects.create(
        patient=patient,
        person=person,
        user=person.user,
        kind=kind,
        court_decision=court_decision.strip()[:100],
        protection_until=protection_until if kind == Representative.Kind.GUARDIAN else None,
    )
    if person.user_id is None and person.state in {State.PENDING, State.OPEN} and not has_valid_code(person):
        invite_patient(person, actor, reason="representative")
    return rep


@atomic_action
def end_representative(actor: Actor, rep: Representative) -> Representative:
    """End a representation at once (a court decision, a change of parental authority)."""
    authorize(actor, P.ACCOUNT_REPRESENTATIVE_END, rep.patient, detail={"representative": rep.pk})
    if rep.ended_at is not None:
        raise Conflict("already_ended", _("Cette représentation a déjà pris fin."))
    rep.ended_at = timezone.now()
    rep.save(update_fields=["ended_at"])
    return rep


# --- nobody is locked out (issue 14, §4) --------------------------------------------------------------------

CODE_REQUESTS_PER_IP = 10  # per hour, for new provisional codes and password resets
CODE_REQUESTS_PER_PERSON = 3  # per day
CONTACT_CODE_MAX_FAILURES = 5


def _over_limit(kind: str, key, limit: int, seconds: int) -> bool:
    """Count one request in its window (a counter in the cache): True past the limit."""
    name = f"{kind}:{codes.keyed_hash(str(key or '-'))[:32]}"
    cache.add(name, 0, seconds)
    return cache.incr(name) > limit


def _too_many() -> Refused:
    return Refused("rate_limited", _("Trop de demandes. Réessayez plus tard."), status=429)


def _matching_person(nir: str, birth_date, postal_code: str) -> Patient | None:
    try:
        nir = normalize_nir(nir)
    except ValidationError:
        return None
    patient = lookups.patient_for_nir(nir)
    if patient is None or patient.birth_date != birth_date:
        return None
    if not postal_code.strip() or postal_code_of(patient.address) != postal_code.strip():
        return None
    return patient


@atomic_action
def request_new_code(nir: str, birth_date, postal_code: str, *, ip: str = "") -> None:
    """A new provisional code for someone who missed the window or lost the letter. It goes only to the
    contact or address on file (a minor's to the representative) and is never shown; the answer is the same
    whether or not the person was found. The codes sent before stop working."""
    if _over_limit("code-ip", ip, CODE_REQUESTS_PER_IP, 3600):
        raise _too_many()
    patient = _matching_person(nir, birth_date, postal_code)
    # nobody matching, or a space that cannot be activated: refused and journaled, answered the same
    decision = authorize(
        ANONYMOUS, P.ACCOUNT_CODE_REQUEST, patient, detail={"channel": "on-file"}, quiet=True
    )
    if not decision.allowed or patient is None:
        return None
    if _over_limit("code-person", patient.pk, CODE_REQUESTS_PER_PERSON, 86400):
        raise _too_many()
    ActivationCode.objects.filter(patient=patient, used_at__isnull=True).update(expires_at=timezone.now())
    invite_patient(patient, reason="new-code")
    return None


def _reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/connexion/nouveau-mot-de-passe/{uid}/{token}/"


@atomic_action
def request_password_reset(login: str, *, ip: str = "") -> None:
    """Send a reset link to the contact on file (e-mail, else SMS). Same answer whether the login exists."""
    if _over_limit("reset-ip", ip, CODE_REQUESTS_PER_IP, 3600):
        raise _too_many()
    user = User.objects.filter(username__iexact=(login or "").strip(), is_active=True).first()
    # an unknown login or an account without a contact on file: refused and journaled, answered the same
    decision = authorize(ANONYMOUS, P.ACCOUNT_PASSWORD_RESET, user, detail={"step": "link"}, quiet=True)
    if not decision.allowed or user is None:
        return None
    if _over_limit("reset-user", user.pk, CODE_REQUESTS_PER_PERSON, 86400):
        raise _too_many()
    text = _(
        "Pour choisir un nouveau mot de passe, ouvrez ce lien (valable %(hours)d heures) : %(link)s\n"
        "Un code vous sera demandé (second facteur). Si vous n'avez rien demandé, ignorez ce message."
    ) % {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600, "link": _reset_link(user)}
    if user.email:
        send_email(user.email, _("Nouveau mot de passe carnet"), text)
    else:
        send_sms(user.phone, text)
    return None


@atomic_action
def reset_password(uid: str, token: str, code: str, password: str) -> User:
    """The link from the contact on file, plus the second factor: a new password, the lockout lifted."""
    user = user_for_reset_link(uid, token)
    authorize(ANONYMOUS, P.ACCOUNT_PASSWORD_RESET, user, detail={"step": "done"})
    signin.verify_sign_in_code(user, code)
    validate_password(password, user)
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    _tell_contact(user, _("Votre mot de passe carnet a été changé. Si ce n'était pas vous, écrivez-nous."))
    return user


def _tell_contact(user: User, text: str, *, email: str = "", phone: str = "") -> None:
    email, phone = email or user.email, phone or user.phone
    if email:
        send_email(email, _("Votre compte carnet"), text)
    elif phone:
        send_sms(phone, text)


def _clean_contact(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == ContactChange.Kind.EMAIL:
        validate_email(value)
    elif kind == ContactChange.Kind.PHONE:
        compact = value.replace(" ", "").replace(".", "")
        if not (compact.lstrip("+").isdigit() and 10 <= len(compact) <= 15):
            raise Refused("phone_format", _("Indiquez un numéro de mobile (10 chiffres, ou +33...)."))
        value = compact
    elif kind == ContactChange.Kind.ADDRESS:
        if len(value) < 10 or not postal_code_of(value):
            raise Refused("address_format", _("Indiquez l'adresse complète, avec le code postal."))
    else:
        raise Refused("contact_kind", _("Coordonnée inconnue."))
    return value


@atomic_action
def request_contact_change(actor: Actor, user: User, kind: str, value: str) -> ContactChange:
    """A new e-mail, phone or postal address: a confirmation code goes to the new contact (a letter for an
    address); nothing changes until it is typed back."""
    value = _clean_contact(kind, value)
    authorize(actor, P.ACCOUNT_CONTACT_CHANGE, user, detail={"kind": kind, "step": "request"})
    code = f"{secrets.randbelow(10**6):06d}"
    hours = 24 * 21 if kind == ContactChange.Kind.ADDRESS else 24
    ContactChange.objects.filter(user=user, confirmed_at__isnull=True).update(expires_at=timezone.now())
    change = ContactChange.objects.create(
        user=user,
        kind=kind,
        new_value=value,
        code_hash=codes.keyed_hash(f"{user.pk}:{code}"),
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    text = _(
        "Votre code de confirmation carnet : %(code)s. Saisissez-le dans votre espace, rubrique "
        "« Mes coordonnées »."
    ) % {"code": code}
    if kind == ContactChange.Kind.EMAIL:
        send_email(value, _("Confirmez votre adresse électronique"), text)
    elif kind == ContactChange.Kind.PHONE:
        send_sms(value, text)
    else:
        patient = getattr(user, "patient", None)
        name = patient.display_name if patient else user.get_full_name()
        queue_letter(
            f"{name}\n{value}",
            _("Confirmez votre adresse postale"),
            text,
            patient_id=getattr(patient, "pk", None),
        )
    return change


def confirm_contact_change(actor: Actor, user: User, code: str) -> ContactChange:
    """The code sent to the new contact, typed back: the contact changes; the old one is told. Not one
    transaction: a wrong code's count must survive the refusal (the change itself is one)."""
    change = pending_contact_change(user)
    kind = change.kind if change is not None else ""
    authorize(actor, P.ACCOUNT_CONTACT_CHANGE, user, detail={"kind": kind, "step": "confirm"})
    if change is None or change.failures >= CONTACT_CODE_MAX_FAILURES:
        raise Refused("no_change", _("Aucun changement en attente : recommencez la demande."))
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    if change.code_hash != codes.keyed_hash(f"{user.pk}:{typed}"):
        ContactChange.objects.filter(pk=change.pk).update(failures=F("failures") + 1)  # kept: no rollback
        raise Refused("wrong_code", _("Ce code n'est pas le bon."))
    with transaction.atomic():
        return _apply_contact_change(user, change)


def _apply_contact_change(user: User, change: ContactChange) -> ContactChange:
    old_email, old_phone = user.email, user.phone
    patient = getattr(user, "patient", None)
    field = {"email": "email", "phone": "phone", "address": "address"}[change.kind]
    if change.kind != ContactChange.Kind.ADDRESS:
        setattr(user, field, change.new_value)
        user.save(update_fields=[field])
    if patient is not None:
        setattr(patient, field, change.new_value)
        patient.save(update_fields=[field])
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    _tell_contact(
        user,
        _("Vos coordonnées carnet ont été modifiées. Si ce n'était pas vous, écrivez-nous."),
        email=old_email,
        phone=old_phone,
    )
    return change


# --- operators' tools for paper requests (issue 14, §4) ---------------------------------------------------


class PaperOpposition:
    """The resource of a paper opposition: the journal keeps the fact, not the person."""

    pk = ""


PAPER_REQUESTS = ("oppose", "reopen", "suspend", "object", "early-destruction", "reinvite")


@atomic_action
def record_paper_request(actor: Actor, patient: Patient, request: str, reference: str = ""):
    """An operator records what a person asked by post (journaled with the letter's reference), then the
    change itself is made as the person's own request would make it."""
    if request not in PAPER_REQUESTS:
        raise Refused("unknown_request", _("Demande inconnue."))
    resource = PaperOpposition() if request == "oppose" else patient
    authorize(
        actor, P.ACCOUNT_PAPER_REQUEST, resource, detail={"request": request, "reference": reference[:60]}
    )
    if request == "oppose":
        return record_opposition(patient=patient, channel="paper", actor=actor)
    if request == "reinvite":
        if patient.user_id is not None or patient.state not in {State.PENDING, State.OPEN}:
            raise Refused("already_active", _("Cet espace est déjà activé : rien à renvoyer."))
        ActivationCode.objects.filter(patient=patient, used_at__isnull=True).update(expires_at=timezone.now())
        invite_patient(patient, actor, reason="reinvite")
        return None
    change = {
        "reopen": reopen_space,
        "suspend": suspend_space,
        "object": object_to_suspension,
        "early-destruction": request_early_destruction,
    }[request]
    return change(actor, patient)


@atomic_action
def set_language(actor: Actor, user: User, language: str) -> Patient:
    """The language of the person's letters and PDFs (the pages follow the browser or the footer's choice)."""
    authorize(actor, P.ACCOUNT_CONTACT_CHANGE, user, detail={"language": language})
    patient = getattr(user, "patient", None)
    if patient is None or language not in dict(settings.LANGUAGES):
        raise Refused("bad_language", _("Choisissez une langue de la liste."), field="language")
    patient.language = language
    patient.save(update_fields=["language"])
    return patient


@atomic_action
def send_new_paper_list(actor: Actor, user: User) -> int:
    """A new list of sign-in codes by post (the old list stops working): for people who sign in with one."""
    authorize(actor, P.ACCOUNT_TOTP_SETUP, user, detail={"step": "paper-list"})
    patient = getattr(user, "patient", None)
    if user.otp_channel != User.OtpChannel.PAPER or patient is None or not patient.address:
        raise Refused("no_paper_list", _("Vous ne vous connectez pas avec une liste de codes par courrier."))
    paper = codes.new_paper_codes()
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="paper", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    device.token_set.bulk_create(
        [device.token_set.model(device=device, token=codes.paper_token(c)) for c in paper]
    )
    with translation.override(language_of(patient)):
        body = _(
            "Bonjour %(name)s,\n\nVoici votre nouvelle liste de codes de connexion ; "
            "l'ancienne ne fonctionne plus."
        ) % {"name": patient.display_name}
        body += "\n\n" + paper_sign_in_text(paper).split("\n\n", 1)[1]
        queue_letter(
            f"{patient.display_name}\n{patient.address}",
            _("Vos codes de connexion carnet"),
            body,
            patient_id=patient.pk,
        )
    return len(paper)
