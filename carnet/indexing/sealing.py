"""A mention's sentence and span, sealed with the patient's key (vault envelope in a database column)."""

import json

from carnet.vault import envelope
from carnet.vault import queries as vault


def seal(patient, sentence: str, span: str) -> bytes:
    return envelope.seal(patient, json.dumps([sentence, span], ensure_ascii=False).encode())


def opener(patient):
    """``(sentence, span)`` of each sealed value of one patient, with one read of their key."""
    open_one = vault.unsealer(patient)

    def read(sealed: bytes) -> tuple[str, str]:
        sentence, span = json.loads(open_one(sealed).decode())
        return sentence, span

    return read
