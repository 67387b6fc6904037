"""Content that could not be stored or read back: ``Refused`` with a message for people (translated) and
the technical detail kept apart (``detail``, for logs and operators; never clinical data)."""

from django.utils.translation import gettext, gettext_lazy

from carnet.errors import Refused


class VaultError(Refused):
    """Content could not be stored or read back."""

    status = 500
    code = "vault"
    text = gettext_lazy("Ce contenu ne peut pas être lu ou enregistré pour le moment.")

    def __init__(self, detail: str = ""):
        super().__init__(type(self).code, gettext(str(self.text)))
        self.detail = detail


class IntegrityError(VaultError):
    """The blob read back is not the one written (tampered, truncated or swapped)."""

    code = "integrity"
    text = gettext_lazy("Ce document est endommagé : il ne correspond plus à ce qui a été déposé.")


class KeyDestroyed(VaultError):
    """The patient's data key was erased (crypto-shredding): the content is gone for good."""

    status = 410
    code = "destroyed"
    text = gettext_lazy("Ce dossier a été détruit : son contenu n'existe plus.")


class WrongKey(VaultError):
    """The blob does not decrypt with this patient's key (copied from another record, or a wrong KEK)."""

    code = "wrong-key"


class KeyUnavailable(VaultError):
    """The key-encryption key file is missing, unreadable, malformed, or not the one the data keys need:
    carnet stops instead of writing anything (a regenerated key would lose every later document)."""

    status = 503
    code = "key-unavailable"

    def __str__(self) -> str:
        return self.detail or super().__str__()  # for operators: which file, and what to do


class StoreUnavailable(VaultError):
    """The blob store did not answer in time, refused, or has no space left: nothing was written, the
    deposit is refused with a 503 and may be sent again."""

    status = 503
    code = "store-unavailable"
    text = gettext_lazy("Le stockage des documents est momentanément indisponible. Réessayez plus tard.")
