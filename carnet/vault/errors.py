class VaultError(Exception):
    """Content could not be stored or read back."""


class IntegrityError(VaultError):
    """The blob read back is not the one written (tampered, truncated or swapped)."""


class KeyDestroyed(VaultError):
    """The patient's data key was erased (crypto-shredding): the content is gone for good."""


class WrongKey(VaultError):
    """The blob does not decrypt with this patient's key (copied from another record, or a wrong KEK)."""


class KeyUnavailable(VaultError):
    """The key-encryption key file is missing, unreadable, malformed, or not the one the data keys need:
    carnet stops instead of writing anything (a regenerated key would lose every later document)."""
