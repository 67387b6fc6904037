"""Messaging content in database columns, sealed with the patient's key (the vault's envelope).

An ``Opener`` unseals many texts with one read of each patient's key (an inbox, a thread); once the key
is shredded every text reads as empty: nothing is left to read.
"""

import json

from carnet.vault import actions as vault
from carnet.vault import queries as vault_queries
from carnet.vault.errors import VaultError


def seal_text(patient, text: str) -> bytes:
    return vault.seal(patient, text.encode())


def seal_json(patient, data: dict) -> bytes:
    return seal_text(patient, json.dumps(data, ensure_ascii=False))


class Opener:
    """Unseals for a short while (one query's results), keeping each patient's unsealer."""

    def __init__(self):
        self._unsealers = {}

    def _unsealer(self, patient):
        patient_id = getattr(patient, "pk", patient)
        if patient_id not in self._unsealers:
            try:
                self._unsealers[patient_id] = vault_queries.unsealer(patient_id)
            except VaultError:
                self._unsealers[patient_id] = None
        return self._unsealers[patient_id]

    def text(self, patient, sealed) -> str:
        unseal = self._unsealer(patient)
        if not sealed or unseal is None:
            return ""
        try:
            return unseal(sealed).decode()
        except VaultError:
            return ""

    def json(self, patient, sealed) -> dict:
        text = self.text(patient, sealed)
        return json.loads(text) if text else {}


def open_text(patient, sealed) -> str:
    return Opener().text(patient, sealed)


def open_json(patient, sealed) -> dict:
    return Opener().json(patient, sealed)
