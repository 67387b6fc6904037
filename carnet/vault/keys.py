"""Key-encryption keys behind a small provider interface, so a KMS can replace the key file.

The file provider keeps versioned KEKs in a JSON file (0600). It is never created behind the operator's
back: ``carnet keys init`` creates it once (the embedded demo does on its first start); a missing,
unreadable or unknown file stops carnet (``KeyUnavailable``) rather than silently starting a new key that
would make later documents unreadable once the right file is back. Key ids carry a random part, so an id
is never reused by a regenerated file. Rotation adds a version; old versions stay until every data key is
re-wrapped, then can be retired.
"""

import base64
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.module_loading import import_string

from carnet.vault.errors import KeyUnavailable, WrongKey

RESTORE = "restore the key file from its backup (or create it once with `carnet keys init` on a new install)"


def new_key_id(version: int) -> str:
    """``k<version>-<random>``: two files never share an id, so a wrong file is told from the right one."""
    return f"k{version}-{secrets.token_hex(4)}"


def _version(kek_id: str) -> int:
    return int(kek_id[1:].split("-")[0])


class FileKeyProvider:
    """KEKs in a local file: {"current": "k2-…", "keys": {"k1-…": "<base64>", "k2-…": "<base64>"}}."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path or settings.CARNET_KEK_FILE)

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            raise KeyUnavailable(f"the key-encryption key file {self.path} is missing: {RESTORE}") from None
        except (OSError, ValueError) as error:
            reason = error.__class__.__name__
            raise KeyUnavailable(
                f"the key-encryption key file {self.path} cannot be read ({reason}): {RESTORE}"
            ) from None
        if not isinstance(data, dict) or data.get("current") not in data.get("keys", {}):
            raise KeyUnavailable(f"the key-encryption key file {self.path} is malformed: {RESTORE}")
        return data

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def create(self) -> str:
        """The first key file; refused if one exists (it is never overwritten)."""
        if self.path.exists():
            raise KeyUnavailable(f"the key-encryption key file {self.path} exists already")
        kek_id = new_key_id(1)
        self._save({"current": kek_id, "keys": {kek_id: base64.b64encode(secrets.token_bytes(32)).decode()}})
        return kek_id

    def key_ids(self) -> set[str]:
        return set(self._load()["keys"])

    def _key(self, kek_id: str) -> bytes:
        keys = self._load()["keys"]
        if kek_id not in keys:
            raise WrongKey(f"key-encryption key {kek_id} is not available")
        return base64.b64decode(keys[kek_id])

    def current_id(self) -> str:
        return self._load()["current"]

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        kek_id = self.current_id()
        nonce = secrets.token_bytes(12)
        return kek_id, nonce + AESGCM(self._key(kek_id)).encrypt(nonce, data_key, kek_id.encode())

    def unwrap(self, kek_id: str, wrapped: bytes) -> bytes:
        try:
            return AESGCM(self._key(kek_id)).decrypt(wrapped[:12], wrapped[12:], kek_id.encode())
        except Exception as error:
            raise WrongKey("the data key does not unwrap with this key-encryption key") from error

    def add_version(self) -> str:
        data = self._load()
        kek_id = new_key_id(max(_version(k) for k in data["keys"]) + 1)
        data["keys"][kek_id] = base64.b64encode(secrets.token_bytes(32)).decode()
        data["current"] = kek_id
        self._save(data)
        return kek_id

    def retire(self, kek_ids: list[str]) -> None:
        data = self._load()
        for kek_id in kek_ids:
            if kek_id != data["current"]:
                data["keys"].pop(kek_id, None)
        self._save(data)


def provider():
    return import_string(getattr(settings, "CARNET_KEK_PROVIDER", "carnet.vault.keys.FileKeyProvider"))()
