"""The Merkle tree hash of RFC 9162 (Certificate Transparency v2, section 2.1), over the chains' heads.

A checkpoint signs the root over every chain's head; a patient's download carries the audit path of their
chain's head only (the other heads appear as hashes). Written out here rather than taken from a library:
the offline checker (docs/verify_checkpoint.py) must rebuild it with nothing but the standard library, and
it is the standard's own definition, a dozen lines:

    MTH({}) = SHA-256()
    MTH({d0}) = SHA-256(0x00 || d0)
    MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two below n.
"""

import hashlib


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _split(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: list[bytes]) -> str:
    return _mth(leaves).hex()


def _mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return _sha(b"")
    if len(leaves) == 1:
        return _sha(b"\x00" + leaves[0])
    k = _split(len(leaves))
    return _sha(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:]))


def audit_path(leaves: list[bytes], index: int) -> list[str]:
    """The inclusion proof of leaf ``index`` (RFC 9162 2.1.3.1), hex, from the leaf up."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*audit_path(leaves[:k], index), _mth(leaves[k:]).hex()]
    return [*audit_path(leaves[k:], index - k), _mth(leaves[:k]).hex()]


def root_from_path(leaf: bytes, index: int, size: int, path: list[str]) -> str:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2): equal to the signed root when it holds."""
    if not 0 <= index < size:
        return ""
    fn, sn, digest = index, size - 1, _sha(b"\x00" + leaf)
    for sibling in path:
        node = bytes.fromhex(sibling)
        if sn == 0:
            return ""
        if fn & 1 or fn == sn:
            digest = _sha(b"\x01" + node + digest)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            digest = _sha(b"\x01" + digest + node)
        fn, sn = fn >> 1, sn >> 1
    return digest.hex() if sn == 0 else ""
