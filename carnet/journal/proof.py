"""A patient's own journal entries, with the proof that they belong to a signed checkpoint.

The proof is the list of (seq, prev_hash, hash) links from the patient's first entry to the checkpoint
head: other people's entries appear only as hashes. ``verify_download`` checks it offline.
"""

import hashlib
import json

from carnet.journal import signing
from carnet.journal.actions import make_checkpoint
from carnet.journal.models import Checkpoint, Entry, canonical_bytes, statement_bytes
from carnet.journal.verification import checkpoint_dict


def download(patient_id: int) -> dict:
    """Entries about ``patient_id`` up to the newest checkpoint (made now if none covers them)."""
    checkpoint = Checkpoint.objects.order_by("-head_seq").first()
    last = Entry.objects.filter(patient_id=patient_id).order_by("-seq").values_list("seq", flat=True).first()
    if last is not None and (checkpoint is None or checkpoint.head_seq < last):
        checkpoint = make_checkpoint()
    if checkpoint is None:
        return {"entries": [], "links": [], "checkpoint": None, "public_key": signing.public_pem()}
    mine = Entry.objects.filter(patient_id=patient_id, seq__lte=checkpoint.head_seq).order_by("seq")
    first = mine.values_list("seq", flat=True).first() or checkpoint.head_seq
    links = Entry.objects.filter(seq__gte=first, seq__lte=checkpoint.head_seq).order_by("seq")
    return {
        "format": "carnet-journal-download/v2",
        "entries": [entry.payload() | {"prev_hash": entry.prev_hash, "hash": entry.hash} for entry in mine],
        "links": [list(link) for link in links.values_list("seq", "prev_hash", "hash")],
        "checkpoint": checkpoint_dict(checkpoint),
        "public_key": signing.public_pem(),
    }


def verify_download(data: dict, public_pem: str | None = None) -> tuple[bool, str]:
    """Offline check: each entry hashes to its link, links chain up to the signed checkpoint head."""
    checkpoint = data["checkpoint"]
    if checkpoint is None:
        return (not data["entries"], "no checkpoint")
    public = signing.load_public(public_pem or data["public_key"])
    statement = statement_bytes(
        checkpoint["count"], checkpoint["head_seq"], checkpoint["head_hash"], checkpoint["at"]
    )
    if not signing.verify(public, statement, checkpoint["signature"]):
        return False, "bad checkpoint signature"
    links = {seq: (prev, digest) for seq, prev, digest in data["links"]}
    for entry in data["entries"]:
        payload = {k: v for k, v in entry.items() if k not in ("prev_hash", "hash")}
        digest = hashlib.sha256(entry["prev_hash"].encode() + canonical_bytes(payload)).hexdigest()
        if links.get(entry["seq"]) != (entry["prev_hash"], digest):
            return False, f"entry #{entry['seq']} does not match the chain"
    seqs = sorted(links)
    for before, after in zip(seqs, seqs[1:], strict=False):
        if after != before + 1 or links[after][0] != links[before][1]:
            return False, f"chain broken between #{before} and #{after}"
    if seqs and (seqs[-1] != checkpoint["head_seq"] or links[seqs[-1]][1] != checkpoint["head_hash"]):
        return False, "chain does not reach the checkpoint head"
    return True, "ok"


def download_json(patient_id: int) -> bytes:
    return json.dumps(download(patient_id), ensure_ascii=False, indent=1).encode()
