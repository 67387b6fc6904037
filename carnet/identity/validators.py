"""Validation of French health identifiers: NIR (INS) and RPPS/ADELI numbers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir


def normalize_nir(value: str) -> str:
    """Return the NIR as 15 characters (13 + key), upper-case, or raise ValidationError with the reason."""
    # Spaces of any kind may separate the groups; full-width or look-alike digits (which stdnum would map
    # to ASCII) name nobody.
    if not "".join((value or "").split()).isascii():
        raise ValidationError(_("Le NIR n'a pas un format valide."), code="nir_format")
    compact = stdnum_nir.compact(value or "")
    if len(compact) == 13:
        raise ValidationError(_("Le NIR doit comporter sa clé (15 caractères)."), code="nir_no_key")
    if len(compact) != 15:
        raise ValidationError(_("Le NIR doit comporter 15 caractères (13 + clé)."), code="nir_length")
    try:
        return stdnum_nir.validate(compact)
    except InvalidLength:
        raise ValidationError(
            _("Le NIR doit comporter 15 caractères (13 + clé)."), code="nir_length"
        ) from None
    except InvalidChecksum:
        raise ValidationError(_("La clé du NIR ne correspond pas au numéro."), code="nir_key") from None
    except (InvalidFormat, StdnumError):
        raise ValidationError(_("Le NIR n'a pas un format valide."), code="nir_format") from None


def mask_nir(nir: str) -> str:
    """Show a NIR in lists: sex and birth year/month only, the rest hidden."""
    if not nir:
        return ""
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} •• ••• ••• ••"


def normalize_rpps(value: str) -> str:
    """Return the 11-digit RPPS number or raise ValidationError with the reason."""
    compact = "".join((value or "").split())
    if not (compact.isascii() and compact.isdigit()):
        raise ValidationError(_("Le numéro RPPS ne contient que des chiffres."), code="rpps_format")
    if len(compact) != 11:
        raise ValidationError(_("Le numéro RPPS comporte 11 chiffres."), code="rpps_length")
    try:
        luhn.validate(compact)
    except StdnumError:
        raise ValidationError(_("La clé de contrôle du numéro RPPS est fausse."), code="rpps_key") from None
    return compact


def normalize_adeli(value: str) -> str:
    """ADELI numbers: 9 digits (department, profession, order)."""
    compact = "".join((value or "").split())
    if len(compact) != 9 or not (compact.isascii() and compact.isdigit()):
        raise ValidationError(_("Le numéro ADELI comporte 9 chiffres."), code="adeli_format")
    return compact
