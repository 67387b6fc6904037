class VaultError(Exception):
    """Content could not be stored or read back."""


class IntegrityError(VaultError):
    """The blob read back is not the one written (tampered, truncated or swapped)."""


class KeyDestroyed(VaultError):
    """The patient's data key was erased (crypto-shredding): the content is gone for good."""


class WrongKey(VaultError):
    """The blob does not decrypt with this patient's key (copied from another record, or a wrong KEK)."""
