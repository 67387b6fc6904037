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
