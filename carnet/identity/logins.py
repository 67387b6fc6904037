"""The rules of a login chosen at activation (a read of the accounts: no change of data)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from carnet.identity.models import Patient, User


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
