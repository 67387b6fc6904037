"""People: accounts, patients (INS), professionals (directory), representatives and mandates."""

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from carnet.identity.validators import mask_nir


class User(AbstractUser):
    """Anyone who signs in. The login (``username``) is never the NIR nor the e-mail address."""

    class OtpChannel(models.TextChoices):
        EMAIL = "email", _("courriel")
        SMS = "sms", _("SMS")
        TOTP = "totp", _("application d'authentification")
        PAPER = "paper", _("liste de codes reçue par courrier")

    phone = models.CharField(_("téléphone mobile"), max_length=20, blank=True)
    otp_channel = models.CharField(max_length=8, choices=OtpChannel.choices, default=OtpChannel.EMAIL)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    @property
    def is_operator(self) -> bool:
        return self.is_staff


class Profession(models.TextChoices):
    MEDECIN = "medecin", _("médecin")
    PHARMACIEN = "pharmacien", _("pharmacien")
    INFIRMIER = "infirmier", _("infirmier")
    KINE = "masseur-kinesitherapeute", _("masseur-kinésithérapeute")
    SAGE_FEMME = "sage-femme", _("sage-femme")
    DENTISTE = "chirurgien-dentiste", _("chirurgien-dentiste")
    AUTRE = "autre", _("autre professionnel de santé")


class Specialty(models.TextChoices):
    NONE = "", _("sans spécialité")
    GENERALE = "medecine-generale", _("médecine générale")
    CARDIOLOGIE = "cardiologie", _("cardiologie")
    PSYCHIATRIE = "psychiatrie", _("psychiatrie")
    PEDIATRIE = "pediatrie", _("pédiatrie")
    GYNECOLOGIE = "gynecologie", _("gynécologie-obstétrique")
    RADIOLOGIE = "radiologie", _("radiologie")
    BIOLOGIE = "biologie", _("biologie médicale")
    URGENCES = "urgences", _("médecine d'urgence")
    TRAVAIL = "medecine-du-travail", _("médecine du travail")
    DERMATOLOGIE = "dermatologie", _("dermatologie")
    ANESTHESIE = "anesthesie", _("anesthésie-réanimation")
    CHIRURGIE = "chirurgie", _("chirurgie")


class Professional(models.Model):
    """A health professional from the directory (RPPS or ADELI)."""

    rpps = models.CharField(_("numéro RPPS"), max_length=11, unique=True, null=True, blank=True)
    adeli = models.CharField(_("numéro ADELI"), max_length=9, unique=True, null=True, blank=True)
    family_name = models.CharField(_("nom"), max_length=100)
    given_name = models.CharField(_("prénom"), max_length=100)
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices)
    specialty = models.CharField(_("spécialité"), max_length=32, choices=Specialty.choices, blank=True)
    organisation = models.CharField(_("lieu d'exercice"), max_length=200, blank=True)
    finess = models.CharField(_("numéro FINESS"), max_length=9, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="professional"
    )
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="professionals"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        title = "Dr " if self.profession == Profession.MEDECIN else ""
        return f"{title}{self.given_name} {self.family_name}"

    @property
    def role_label(self) -> str:
        if self.specialty:
            return f"{self.get_profession_display()}, {self.get_specialty_display()}"
        return str(self.get_profession_display())


class Patient(models.Model):
    """A beneficiary and their health space, identified by the INS (NIR + identity traits)."""

    class State(models.TextChoices):
        PENDING = "pending", _("en attente")
        OPEN = "open", _("ouvert")
        OPPOSED = "opposed", _("opposition")
        SUSPENDED = "suspended", _("suspendu")
        CLOSED = "closed", _("clôturé")
        DESTROYED = "destroyed", _("détruit")

    class Sex(models.TextChoices):
        FEMALE = "F", _("féminin")
        MALE = "M", _("masculin")

    nir = models.CharField(_("NIR"), max_length=15, unique=True)
    birth_name = models.CharField(_("nom de naissance"), max_length=100)
    used_name = models.CharField(_("nom utilisé"), max_length=100, blank=True)
    first_names = models.CharField(_("prénoms"), max_length=200)
    birth_date = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birthplace_code = models.CharField(_("lieu de naissance (code INSEE)"), max_length=5, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone mobile"), max_length=20, blank=True)
    address = models.CharField(_("adresse postale"), max_length=300, blank=True)
    language = models.CharField(
        _("langue des courriers et des documents"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    opposition_deadline = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    destroy_after = models.DateTimeField(null=True, blank=True, db_index=True)
    # Once destroyed, all that is left of the person (see ``identity/erasure.py``): a keyed hash of the NIR.
    nir_hash = models.CharField(max_length=64, blank=True, db_index=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="patient"
    )
    gp = models.ForeignKey(
        Professional,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gp_of",
        verbose_name=_("médecin traitant"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["birth_name", "first_names"]

    def __str__(self) -> str:
        return f"{self.display_name} ({mask_nir(self.nir)})"

    def save(self, *args, **kwargs) -> None:
        """Saved with its NIR's and its account's lookup rows in one transaction (``identity/lookups.py``)."""
        from carnet.identity import lookups  # noqa: PLC0415 - cycle: the lookups' module reads these models

        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            lookups.saved(self, adding=adding, update_fields=kwargs.get("update_fields"))
        self._lookup_keys = (self.__dict__.get("nir"), self.__dict__.get("user_id"))

    @classmethod
    def from_db(cls, db, field_names, values):
        patient = super().from_db(db, field_names, values)
        patient._lookup_keys = (patient.__dict__.get("nir"), patient.__dict__.get("user_id"))
        return patient

    @property
    def display_name(self) -> str:
        first = self.first_names.split(" ")[0]
        return f"{first} {self.used_name or self.birth_name}"

    @property
    def masked_nir(self) -> str:
        return mask_nir(self.nir)

    def age_on(self, day) -> int:
        """Whole years at ``day``: representatives lose access at 18."""
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class NirLookup(models.Model):
    """The NIR of a space, unique in the whole country: a table of its own, sharded by the NIR (see
    ``identity/lookups.py``). No foreign key to the patient: the two rows lie on different nodes."""

    nir = models.CharField(max_length=15, primary_key=True)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, db_constraint=False, related_name="+")

    def __str__(self) -> str:
        return f"{mask_nir(self.nir)} -> {self.patient_id}"


class AccountLookup(models.Model):
    """The account of a space: one space per account, a table sharded by the account's id."""

    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, db_constraint=False, related_name="+")

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.patient_id}"


class Representative(models.Model):
    """A legal representative of a minor or a protected adult.

    The representative is an insured person too (``person``, their own space); ``user`` is their account,
    empty until they activate it (then every representation of that person is linked to it)."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("titulaire de l'autorité parentale")
        GUARDIAN = "guardian", _("tuteur")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="represents")
    person = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.CASCADE, related_name="representations"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PARENT)
    court_decision = models.CharField(_("référence de la décision de justice"), max_length=100, blank=True)
    protection_until = models.DateField(_("fin de la mesure de protection"), null=True, blank=True)
    since = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "user"], name="one_representation")]

    def __str__(self) -> str:
        return f"{self.user or self.person} → {self.patient.display_name}"

    @property
    def display_name(self) -> str:
        if self.person is not None:
            return self.person.display_name
        return self.user.get_full_name() if self.user else ""


class MandateQuerySet(models.QuerySet):
    def active(self, now=None):
        """The one definition of an active mandate: not revoked, started, not ended (as ``is_active``)."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now)


class Mandate(models.Model):
    """A caregiver or digital mediator allowed by the patient to act for them (scoped, time-limited)."""

    class Scope(models.TextChoices):
        READ = "read", _("consulter le dossier")
        DOCUMENTS = "documents", _("gérer les documents")
        MESSAGING = "messaging", _("messagerie")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="mandates")
    caregiver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mandates")
    scopes = models.JSONField(default=list)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.caregiver} pour {self.patient.display_name}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.starts_at <= now < self.ends_at


class ActivationCode(models.Model):
    """A provisional activation code sent with the invitation: stored hashed, single use, time-limited."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, db_index=True)  # checked unused when made (actions)
    channel = models.CharField(max_length=8)  # email | letter
    # Keyed hashes of the sign-in codes printed on the letter (people without e-mail or mobile): they
    # become the account's paper list at activation.
    paper_codes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"activation code for patient {self.patient_id}"


class Opposition(models.Model):
    """The only trace of an opposition: a keyed hash of the NIR, so a re-import creates no space."""

    nir_hash = models.CharField(max_length=64, unique=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=12)  # online | paper

    def __str__(self) -> str:
        return f"opposition {self.recorded_at:%Y-%m-%d}"


class ContactChange(models.Model):
    """A new e-mail, phone or postal address waiting for its confirmation code, sent to the new contact."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("courriel")
        PHONE = "phone", _("téléphone mobile")
        ADDRESS = "address", _("adresse postale")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    new_value = models.CharField(max_length=300)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} change of user {self.user_id}"


class ImportBatch(models.Model):
    """One run of an import (beneficiaries or professionals), kept for the operators' history."""

    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=255)
    started_at = models.DateTimeField(default=timezone.now)
    lines = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.started_at:%Y-%m-%d %H:%M}"


class KnownDevice(models.Model):
    """A browser a person already signed in from: a sign-in from a new one is notified."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_devices")
    token_hash = models.CharField(max_length=64)
    first_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token_hash"], name="one_known_device")]

    def __str__(self) -> str:
        return f"device of user {self.user_id}"


class ProfessionalInvitation(models.Model):
    """An enrolment link sent to a professional of the directory: stored hashed, single use, expiring."""

    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation of professional {self.professional_id}"


class ProviderDevice(Device):
    """The second factor of a sign-in through an OpenID Connect provider (Pro Santé Connect's e-CPS or
    CPS card, FranceConnect's): the provider vouched for it, so carnet never verifies a token itself."""

    provider = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"{self.provider} sign-in of user {self.user_id}"

    def verify_token(self, token) -> bool:
        return False


from carnet.identity.otp import OneTimeCodeDevice  # noqa: E402,F401  (the sign-in code device model)
