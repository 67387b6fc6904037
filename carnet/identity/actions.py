"""The only code that changes people's accounts: the lifecycle of a space (domain.md §2)."""

import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import SYSTEM, Actor, Role
from carnet.access.decision import Decision
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.errors import Conflict, Refused
from carnet.identity import codes
from carnet.identity.errors import ActivationRefused, TransitionRefused
from carnet.identity.models import (
    ActivationCode,
    Opposition,
    Patient,
    Profession,
    Professional,
    Representative,
    User,
)
from carnet.journal.actions import record
from carnet.notify.actions import queue_letter, send_email

State = Patient.State


def _journal(actor: Actor, event: str, patient: Patient, rule: str) -> None:
    record(
        actor,
        f"account:space:{event}",
        Decision(True, event, rule),
        patient=patient,
        resource_type="Patient",
        resource_id=patient.pk,
    )


def _move(patient: Patient, allowed_from: set, to: str, **fields) -> None:
    """Change state if the current one allows it; refuse with a clear message otherwise."""
    if patient.state not in allowed_from:
        raise TransitionRefused(
            _("Impossible de passer de l'état « %(old)s » à « %(new)s ».")
            % {"old": patient.get_state_display(), "new": Patient.State(to).label},
            code=f"from_{patient.state}",
        )
    patient.state = to
    patient.state_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.save()


def invite_patient(patient: Patient, *, reason: str = "invite") -> str:
    """Send a provisional activation code (e-mail if known, else a postal letter); returns the code.

    A minor's invitation goes to their legal representative (domain.md §1), who is told it is for the child.
    """
    code = codes.new_activation_code()
    now = timezone.now()
    to = invitation_recipient(patient)
    channel = "email" if to.email else "letter"
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
    if to.representative is not None:
        subject, body = _representative_invitation(patient, to.representative, code)
    if channel == "email":
        send_email(to.email, subject, body)
    else:
        queue_letter(f"{to.name}\n{to.address}", subject, body, patient_id=patient.pk)
    rule = f"{reason}-{channel}" + ("-representative" if to.representative is not None else "")
    _journal(SYSTEM, "invite", patient, rule)
    return code


def nir_is_opposed(nir: str) -> bool:
    return Opposition.objects.filter(nir_hash=codes.keyed_hash(nir)).exists()


def _patient_for_code(code: str, *, for_update: bool = True) -> tuple[ActivationCode, Patient]:
    found = ActivationCode.objects.select_for_update() if for_update else ActivationCode.objects
    row = (
        found.filter(code_hash=codes.keyed_hash(codes.normalize_code(code))).select_related("patient").first()
    )
    if row is None:
        raise ActivationRefused(
            _("Ce code n'est pas valide. Vérifiez-le sur votre courrier."), code="code_unknown"
        )
    if row.used_at is not None:
        raise ActivationRefused(_("Ce code a déjà été utilisé."), code="code_used")
    if row.expires_at <= timezone.now():
        raise ActivationRefused(_("Ce code a expiré : demandez-en un nouveau."), code="code_expired")
    return row, row.patient


@transaction.atomic
def record_opposition(*, code: str = "", patient: Patient | None = None, channel: str = "online") -> None:
    """The person refuses the space: nothing is kept but a keyed hash of their NIR (online or paper)."""
    if patient is None:
        row, patient = _patient_for_code(code)
    if patient.state != State.PENDING or patient.user_id is not None:
        raise TransitionRefused(
            _("L'espace a déjà été activé : vous pouvez le clôturer."), code="not_pending"
        )
    if patient.opposition_deadline and patient.opposition_deadline <= timezone.now():
        raise TransitionRefused(_("Le délai d'opposition de 6 semaines est passé."), code="window_closed")
    Opposition.objects.get_or_create(nir_hash=codes.keyed_hash(patient.nir), defaults={"channel": channel})
    record(SYSTEM, "account:space:oppose", Decision(True, "oppose", f"opposition-{channel}"))
    patient.delete()


def open_unactivated_spaces(now: datetime.datetime | None = None) -> int:
    """After the opposition window a space is open even if never activated (task)."""
    now = now or timezone.now()
    due = Patient.objects.filter(state=State.PENDING, opposition_deadline__lte=now)
    count = 0
    for patient in due.iterator():
        with transaction.atomic():
            _move(patient, {State.PENDING}, State.OPEN)
            _journal(SYSTEM, "open", patient, "opposition-window-passed")
        count += 1
    return count


def check_login(login: str, patient: Patient | None, email: str) -> str:
    """A login is the person's own word: neither their NIR (however written) nor their e-mail."""
    login = (login or "").strip()
    compact = "".join(ch for ch in login.upper() if ch.isalnum())
    if patient is not None and compact in {patient.nir, patient.nir[:13]}:
        raise ValidationError(
            _("L'identifiant ne peut pas être votre numéro de sécurité sociale."), code="login_nir"
        )
    if (
        len(compact) in (13, 15)
        and compact[:1] in "12378"
        and compact[1:].replace("A", "").replace("B", "").isdigit()
    ):
        raise ValidationError(
            _("L'identifiant ne peut pas être un numéro de sécurité sociale."), code="login_nir"
        )
    if email and login.lower() in {email.lower(), email.split("@")[0].lower()}:
        raise ValidationError(
            _("L'identifiant ne peut pas être votre adresse électronique."), code="login_email"
        )
    if not 3 <= len(login) <= 60 or not all(ch.isalnum() or ch in "._-" for ch in login):
        raise ValidationError(
            _("L'identifiant fait 3 à 60 caractères : lettres, chiffres, point, tiret ou tiret bas."),
            code="login_format",
        )
    if User.objects.filter(username__iexact=login).exists():
        raise ValidationError(
            _("Cet identifiant est déjà pris : choisissez-en un autre."), code="login_taken"
        )
    return login


@transaction.atomic
def activate_account(
    code: str,
    login: str,
    password: str,
    *,
    email: str = "",
    phone: str = "",
    otp_channel: str = User.OtpChannel.EMAIL,
) -> User:
    """Provisional code → the person's own login and password; the space opens."""
    row, patient = _patient_for_code(code)
    if patient.state not in {State.PENDING, State.OPEN} or patient.user_id is not None:
        raise ActivationRefused(_("Cet espace ne peut pas être activé."), code="not_activable")
    refuse_minor_activation(patient)
    email = email or patient.email
    login = check_login(login, patient, email)
    user = User(
        username=login,
        email=email,
        phone=phone or patient.phone,
        otp_channel=otp_channel,
        first_name=patient.first_names.split(" ")[0],
        last_name=patient.used_name or patient.birth_name,
    )
    validate_password(password, user)
    if otp_channel == User.OtpChannel.SMS and not user.phone:
        raise ValidationError(
            _("Indiquez un numéro de mobile pour recevoir les codes par SMS."), code="no_phone"
        )
    if otp_channel == User.OtpChannel.EMAIL and not user.email:
        raise ValidationError(
            _("Indiquez une adresse électronique pour recevoir les codes."), code="no_email"
        )
    user.set_password(password)
    user.save()
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    fields = {"user": user, "activated_at": timezone.now(), "email": email, "phone": user.phone}
    _move(patient, {State.PENDING, State.OPEN}, State.OPEN, **fields)
    link_representations(patient, user)
    _journal(Actor(role=Role.PATIENT, user=user, patient=patient), "activate", patient, "activation-code")
    return user


@transaction.atomic
def request_closure(actor: Actor, patient: Patient, *, early_destruction: bool = False) -> Patient:
    """Close the space: inaccessible to all, archived (10 years) or destroyed after the grace period."""
    now = timezone.now()
    if early_destruction:
        destroy_after = now + datetime.timedelta(days=settings.CARNET_EARLY_DESTRUCTION_GRACE_DAYS)
    else:
        destroy_after = now.replace(year=now.year + settings.CARNET_ARCHIVE_YEARS)
    _move(patient, {State.OPEN, State.SUSPENDED}, State.CLOSED, closed_at=now, destroy_after=destroy_after)
    _journal(actor, "close-early" if early_destruction else "close", patient, "closure-by-holder")
    return patient


@transaction.atomic
def request_early_destruction(actor: Actor, patient: Patient) -> Patient:
    """A closed, archived space: the holder asks for destruction after the grace period instead."""
    if patient.state != State.CLOSED:
        raise TransitionRefused(
            _("Seul un espace clôturé peut être détruit par anticipation."), code="not_closed"
        )
    destroy_after = timezone.now() + datetime.timedelta(days=settings.CARNET_EARLY_DESTRUCTION_GRACE_DAYS)
    if patient.destroy_after and patient.destroy_after <= destroy_after:
        raise TransitionRefused(_("La destruction est déjà prévue plus tôt."), code="already_sooner")
    patient.destroy_after = destroy_after
    patient.save(update_fields=["destroy_after"])
    _journal(actor, "early-destruction", patient, "early-destruction-by-holder")
    return patient


@transaction.atomic
def reopen_space(actor: Actor, patient: Patient) -> Patient:
    """During the archive period (or the grace period) the record can be restored."""
    if patient.destroy_after and patient.destroy_after <= timezone.now():
        raise TransitionRefused(
            _("Le délai est passé : le dossier a été ou va être détruit."), code="too_late"
        )
    _move(patient, {State.CLOSED}, State.OPEN, closed_at=None, destroy_after=None)
    _journal(actor, "reopen", patient, "reopen-during-archive")
    return patient


@transaction.atomic
def suspend_space(actor: Actor, patient: Patient) -> Patient:
    """The insurer suspends a space (fraud, malfunction); without objection it closes after 6 weeks."""
    _move(patient, {State.OPEN, State.PENDING}, State.SUSPENDED)
    _journal(actor, "suspend", patient, "suspension-by-insurer")
    return patient


@transaction.atomic
def object_to_suspension(actor: Actor, patient: Patient) -> Patient:
    _move(patient, {State.SUSPENDED}, State.OPEN)
    _journal(actor, "object-to-suspension", patient, "objection-by-holder")
    return patient


def close_expired_suspensions(now: datetime.datetime | None = None) -> int:
    """A suspension the holder did not object to becomes a closure (task)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.CARNET_SUSPENSION_DAYS)
    count = 0
    for patient in Patient.objects.filter(state=State.SUSPENDED, state_changed_at__lte=limit).iterator():
        request_closure(SYSTEM, patient)
        count += 1
    return count


def hand_over_at_majority(today: datetime.date | None = None) -> int:
    """At 18 the space passes to the person: representatives lose access that day; the person is invited."""
    today = today or timezone.localdate()
    eighteen_years_ago = today.replace(year=today.year - 18)
    reps = Representative.objects.filter(
        ended_at__isnull=True, patient__birth_date__lte=eighteen_years_ago, kind=Representative.Kind.PARENT
    ).select_related("patient")
    patients = {}
    with transaction.atomic():
        for rep in reps:
            rep.ended_at = timezone.now()
            rep.save(update_fields=["ended_at"])
            patients[rep.patient_id] = rep.patient
        for patient in patients.values():
            _journal(SYSTEM, "majority", patient, "majority-hand-over")
            if patient.user_id is None:
                invite_patient(patient)
    return len(patients)


# --- the médecin traitant and legal representatives (issue 14, §3) ----------------------------------------


class Recipient:
    """Where a space's invitation and codes go: the person, or for a minor their legal representative."""

    def __init__(self, name: str, email: str, address: str, representative: Representative | None = None):
        self.name, self.email, self.address, self.representative = name, email, address, representative


def is_minor(patient: Patient) -> bool:
    return patient.age_on(timezone.localdate()) < 18


def active_representatives(patient: Patient):
    return patient.representatives.filter(ended_at__isnull=True).select_related("person", "user")


def invitation_recipient(patient: Patient) -> Recipient:
    rep = active_representatives(patient).filter(kind=Representative.Kind.PARENT).first()
    if rep is None or not is_minor(patient) or rep.person is None:
        return Recipient(patient.display_name, patient.email, patient.address)
    return Recipient(rep.person.display_name, rep.person.email, rep.person.address, rep)


def _representative_invitation(patient: Patient, rep: Representative, code: str) -> tuple[str, str]:
    subject = _("L'espace de santé carnet de %(child)s") % {"child": patient.display_name}
    body = _(
        "Bonjour %(name)s,\n\nUn espace de santé a été préparé pour %(child)s, dont vous êtes le "
        "représentant légal. Vous y accédez depuis votre propre espace carnet (menu « Mes espaces »), une "
        "fois celui-ci activé.\n\nSi vous ne souhaitez pas d'espace pour %(child)s, opposez-vous-y sur "
        "%(site)s/opposition/ avec ce code : %(code)s, jusqu'au %(deadline)s."
    ) % {
        "name": rep.person.display_name,
        "child": patient.display_name,
        "site": settings.SITE_URL,
        "code": code,
        "deadline": f"{patient.opposition_deadline:%d/%m/%Y}",
    }
    return subject, body


def refuse_minor_activation(patient: Patient) -> None:
    """A represented minor has no login of their own: the representative acts from their own space."""
    if is_minor(patient) and active_representatives(patient).exists():
        raise ActivationRefused(
            _(
                "Ce code est celui d'un mineur : son représentant légal accède à son espace depuis son "
                "propre espace carnet. Le code sert seulement à s'opposer à la création de l'espace."
            ),
            code="minor_represented",
        )


def link_representations(person: Patient, user: User) -> int:
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
    if person.user_id is None and person.state in {State.PENDING, State.OPEN}:
        invite_patient(person, reason="representative")
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
