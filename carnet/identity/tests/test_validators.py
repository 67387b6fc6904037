"""NIR and RPPS validation: valid and invalid tables, with real-format edge cases."""

import pytest
from django.core.exceptions import ValidationError

from carnet.identity.nir import make_nir
from carnet.identity.validators import mask_nir, normalize_nir, normalize_rpps

VALID_NIRS = [
    (" ".join(make_nir(2, 1985, 3, "75", 56, 12)), make_nir(2, 1985, 3, "75", 56, 12)),
    (make_nir(1, 1960, 12, "2A", 4, 7), make_nir(1, 1960, 12, "2A", 4, 7)),  # Corsica 2A -> 19
    (make_nir(2, 1971, 1, "2B", 33, 101), make_nir(2, 1971, 1, "2B", 33, 101)),  # Corsica 2B -> 18
    (make_nir(1, 1999, 6, "97", 411, 3), make_nir(1, 1999, 6, "97", 411, 3)),  # overseas
]


@pytest.mark.parametrize(("raw", "expected"), VALID_NIRS)
def test_valid_nirs_are_normalised(raw, expected):
    assert normalize_nir(raw) == expected


def _wrong_key(nir: str) -> str:
    return nir[:13] + f"{(int(nir[13:]) % 97) + 1:02d}"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (_wrong_key(make_nir(2, 1985, 3, "75", 56, 12)), "nir_key"),
        (_wrong_key(make_nir(1, 1960, 12, "2A", 4, 7)), "nir_key"),
        (make_nir(2, 1985, 3, "75", 56, 12)[:13], "nir_no_key"),
        ("12345", "nir_length"),
        ("", "nir_length"),
        ("X85037505601234", "nir_format"),
    ],
)
def test_invalid_nirs_get_a_specific_error(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalize_nir(raw)
    assert caught.value.code == code


def test_masked_nir_hides_the_identifying_part():
    nir = make_nir(2, 1985, 3, "75", 56, 12)
    masked = mask_nir(nir)
    assert nir[5:] not in masked.replace(" ", "")
    assert masked.startswith("2 85 03")


@pytest.mark.parametrize("raw", ["10000000017", "1000 0000 017", "10003456786", "81000123455"])
def test_valid_rpps(raw):
    assert len(normalize_rpps(raw)) == 11


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("10000000016", "rpps_key"),
        ("1000000001", "rpps_length"),
        ("100000000160", "rpps_length"),
        ("1000000001A", "rpps_format"),
    ],
)
def test_invalid_rpps(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalize_rpps(raw)
    assert caught.value.code == code
