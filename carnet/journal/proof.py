"""A patient's own journal entries, with the proof that they belong to a signed checkpoint.

The proof, per chain holding the patient's entries (one, unless the number of chains changed): the links
(seq, chain_seq, prev_seq, prev_hash, hash) from the patient's first entry in that chain to the chain's
head as the checkpoint signed it, then the audit path (RFC 9162) from that head to the checkpoint's Merkle
root. Other people's entries and the other chains appear only as hashes. ``verify_download`` checks it
offline.
"""

import hashlib
import json

from carnet.journal import merkle, signing
from carnet.journal.actions import make_checkpoint
from carnet.journal.models import LEGACY, Checkpoint, Entry, canonical_bytes, head_leaf, statement_v2
from carnet.journal.verification import checkpoint_dict

FORMAT = "carnet-journal-download/v3"


def _covers(checkpoint: Checkpoint | None, lasts: dict) -> bool:
    if checkpoint is None or not checkpoint.root:
        return False
    heads = {chain: seq for chain, _n, seq, _h in checkpoint.head_list()}
    return all(heads.get(chain, 0) >= seq for chain, seq in lasts.items())


def download(patient_id: int) -> dict:
    """Entries about ``patient_id`` up to the newest checkpoint (made now if none covers them)."""
    mine = Entry.objects.filter(patient_id=patient_id)
    lasts = {chain: seq for chain, seq in mine.order_by("chain", "seq").values_list("chain", "seq")}
    checkpoint = Checkpoint.objects.order_by("-head_seq", "-pk").first()
    if lasts and not _covers(checkpoint, lasts):
        checkpoint = make_checkpoint()
    if checkpoint is None or not checkpoint.root:
        return {
            "format": FORMAT,
            "entries": [],
            "chains": [],
            "checkpoint": None,
            "public_key": signing.public_pem(),
        }
    heads = checkpoint.head_list()
    leaves = [head_leaf(*head) for head in heads]
    chains, entries = [], []
    for index, (chain, chain_seq, seq, digest) in enumerate(heads):
        if chain not in lasts:
            continue
        own = mine.filter(chain=chain, seq__lte=seq).order_by("seq")
        entries += [entry.payload() | {"prev_hash": entry.prev_hash, "hash": entry.hash} for entry in own]
        first = own.values_list("seq", flat=True).first() or seq
        links = Entry.objects.filter(chain=chain, seq__gte=first, seq__lte=seq).order_by("seq")
        chains.append(
            {
                "chain": chain,
                "links": [
                    _link(chain, *row)
                    for row in links.values_list("seq", "chain_seq", "prev_seq", "prev_hash", "hash")
                ],
                "head": [chain, chain_seq, seq, digest],
                "index": index,
                "audit_path": merkle.audit_path(leaves, index),
            }
        )
    cp = checkpoint_dict(checkpoint)
    del cp["heads"]
    cp["size"] = len(heads)
    entries.sort(key=lambda entry: entry["seq"])
    return {
        "format": FORMAT,
        "entries": entries,
        "chains": chains,
        "checkpoint": cp,
        "public_key": signing.public_pem(),
    }


def _link(chain, seq, chain_seq, prev_seq, prev_hash, digest) -> list:
    if chain == LEGACY:
        chain_seq, prev_seq = seq, seq - 1
    return [seq, chain_seq, prev_seq, prev_hash, digest]


def verify_download(data: dict, public_pem: str | None = None) -> tuple[bool, str]:
    """Offline check: each entry hashes to its link, links chain up to their chain's signed head, and the
    head's audit path leads to the checkpoint's signed root."""
    checkpoint = data["checkpoint"]
    if checkpoint is None:
        return (not data["entries"], "no checkpoint")
    public = signing.load_public(public_pem or data["public_key"])
    statement = statement_v2(
        checkpoint["count"], checkpoint["head_seq"], checkpoint["root"], checkpoint["at"]
    )
    if not signing.verify(public, statement, checkpoint["signature"]):
        return False, "bad checkpoint signature"
    links: dict[tuple, tuple] = {}
    for block in data["chains"]:
        problem = _check_chain(block, checkpoint)
        if problem:
            return False, problem
        links |= {(block["chain"], link[0]): (link[3], link[4]) for link in block["links"]}
    for entry in data["entries"]:
        payload = {k: v for k, v in entry.items() if k not in ("prev_hash", "hash")}
        digest = hashlib.sha256(entry["prev_hash"].encode() + canonical_bytes(payload)).hexdigest()
        if links.get((entry.get("chain", LEGACY), entry["seq"])) != (entry["prev_hash"], digest):
            return False, f"entry #{entry['seq']} does not match its chain"
    return True, "ok"


def _check_chain(block: dict, checkpoint: dict) -> str:
    links, head = block["links"], block["head"]
    for before, after in zip(links, links[1:], strict=False):
        if after[1] != before[1] + 1 or after[2] != before[0] or after[3] != before[4]:
            return f"chain {block['chain']} broken between #{before[0]} and #{after[0]}"
    if not links or head[0] != block["chain"] or [links[-1][1], links[-1][0], links[-1][4]] != head[1:]:
        return f"chain {block['chain']} does not reach its signed head"
    found = merkle.root_from_path(head_leaf(*head), block["index"], checkpoint["size"], block["audit_path"])
    if found != checkpoint["root"]:
        return f"chain {block['chain']}: its head is not under the checkpoint's root"
    return ""


def download_json(patient_id: int) -> bytes:
    return json.dumps(download(patient_id), ensure_ascii=False, indent=1).encode()
