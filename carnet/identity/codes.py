"""Secrets handed to people (activation codes, device tokens): random, stored only as keyed hashes."""

import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.conf import settings

# No 0/O/1/I/L: codes are typed from paper letters.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_activation_code() -> str:
    return grouped("".join(secrets.choice(ALPHABET) for _ in range(12)))


def grouped(code: str) -> str:
    """A code as printed, in groups of four ("ABCD-EFGH-JKMN"), from its normalised form."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_unused_code(taken: Callable[[str], bool]) -> str:
    """A new activation-style code that ``taken`` says no live row holds. Such codes are looked up alone,
    across every record (and every shard once sharded by patient, where no index can hold them unique):
    two live ones must never match. 59 random bits, so a second draw is almost never needed."""
    for _ in range(8):
        code = new_activation_code()
        if not taken(code):
            return code
    raise RuntimeError("no unused code after 8 draws")


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def keyed_hash(value: str) -> str:
    """HMAC-SHA-256 with the secret key: a leaked table of hashes cannot be brute-forced offline."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


PAPER_CODES = 10


def new_paper_codes(count: int = PAPER_CODES) -> list[str]:
    """Sign-in codes printed on a letter, for people with neither e-mail nor mobile: 8 digits each."""
    return [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]


def paper_token(code: str) -> str:
    """What the account's paper list keeps of a code (a django-otp static token holds 16 characters)."""
    return keyed_hash("paper:" + "".join(ch for ch in (code or "") if ch.isdigit()))[:16]
