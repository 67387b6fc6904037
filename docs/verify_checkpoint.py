#!/usr/bin/env python3
"""Verify a carnet journal checkpoint offline, with nothing but the `cryptography` package.

Usage: python verify_checkpoint.py checkpoint.json public-key.pem
"""

import base64
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization


def main(checkpoint_path: str, key_path: str) -> int:
    checkpoint = json.loads(Path(checkpoint_path).read_text())
    key = serialization.load_pem_public_key(Path(key_path).read_bytes())
    statement = "carnet-journal-checkpoint/v1\n{count}\n{head_seq}\n{head_hash}\n{at}".format(**checkpoint)
    try:
        key.verify(base64.b64decode(checkpoint["signature"]), statement.encode())
    except Exception:
        print("INVALID signature")
        return 1
    print(f"valid: {checkpoint['count']} entries, head {checkpoint['head_hash']} at {checkpoint['at']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
