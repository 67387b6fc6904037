#!/usr/bin/env python3
"""Verify a carnet journal checkpoint offline, with nothing but the `cryptography` package.

Usage: python verify_checkpoint.py checkpoint.json public-key.pem

A v2 checkpoint signs the Merkle root (RFC 9162, section 2.1) over the heads of the journal's chains: the
root is rebuilt here from the listed heads, then the signature is checked over
"carnet-journal-checkpoint/v2\\n{count}\\n{head_seq}\\n{root}\\n{at}". A v1 checkpoint (the single chain of
before) signs "carnet-journal-checkpoint/v1\\n{count}\\n{head_seq}\\n{head_hash}\\n{at}".
"""

import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization


def merkle_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:])).digest()


def statement(checkpoint: dict) -> str | None:
    if checkpoint.get("format") != "carnet-journal-checkpoint/v2":
        return "carnet-journal-checkpoint/v1\n{count}\n{head_seq}\n{head_hash}\n{at}".format(**checkpoint)
    leaves = [
        f"{chain}\t{position}\t{seq}\t{digest}".encode()
        for chain, position, seq, digest in checkpoint["heads"]
    ]
    if merkle_root(leaves).hex() != checkpoint["root"]:
        return None
    return "carnet-journal-checkpoint/v2\n{count}\n{head_seq}\n{root}\n{at}".format(**checkpoint)


def main(checkpoint_path: str, key_path: str) -> int:
    checkpoint = json.loads(Path(checkpoint_path).read_text())
    key = serialization.load_pem_public_key(Path(key_path).read_bytes())
    signed = statement(checkpoint)
    if signed is None:
        print("INVALID root: the heads listed do not give the signed root")
        return 1
    try:
        key.verify(base64.b64decode(checkpoint["signature"]), signed.encode())
    except Exception:
        print("INVALID signature")
        return 1
    chains = len(checkpoint.get("heads", [None]))
    print(
        f"valid: {checkpoint['count']} entries in {chains} chains, "
        f"newest #{checkpoint['head_seq']} at {checkpoint['at']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
