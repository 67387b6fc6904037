"""Messaging content in database columns, sealed with the patient's key (the vault's envelope)."""

import json

from carnet.vault import actions as vault
from carnet.vault import queries as vault_queries
from carnet.vault.errors import VaultError


def seal_text(patient, text: str) -> bytes:
    return vault.seal(patient, text.encode())


def open_text(patient, sealed) -> str:
    """The text, or an empty string once the patient's key is shredded (nothing left to read)."""
    if not sealed:
        return ""
    try:
        return vault_queries.unseal(patient, bytes(sealed)).decode()
    except VaultError:
        return ""


def seal_json(patient, data: dict) -> bytes:
    return seal_text(patient, json.dumps(data, ensure_ascii=False))


def open_json(patient, sealed) -> dict:
    text = open_text(patient, sealed)
    return json.loads(text) if text else {}
