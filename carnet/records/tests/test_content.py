"""Content sniffing: every accepted format round-trips; every refused class is refused with a clear code."""

import gzip
import io
import zipfile

import pytest

from carnet.records.content import ContentRefused, check_content, extract_text
from carnet.records.samples import SAMPLE_CDA, SAMPLE_FHIR, sample_jpeg, sample_pdf, sample_png

ACCEPTED = [
    (lambda: sample_pdf("Compte rendu", ["Examen normal"]), "application/pdf", "application/pdf"),
    (lambda: "Ordonnance : paracétamol 1 g".encode(), "text/plain", "text/plain"),
    (lambda: SAMPLE_CDA, "application/xml", "application/xml"),
    (lambda: SAMPLE_FHIR, "application/fhir+json", "application/fhir+json"),
    (sample_jpeg, "image/jpeg", "image/jpeg"),
    (sample_png, "image/png", "image/png"),
]


@pytest.mark.parametrize(("make", "declared", "expected"), ACCEPTED)
def test_accepted_formats(make, declared, expected):
    assert check_content(make(), declared) == expected
    assert check_content(make(), "") == expected  # sniffed, not declared


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x" * 1000)
    return buffer.getvalue()


def _png_bomb() -> bytes:
    """A tiny PNG whose header claims 60 000 x 60 000 pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


REFUSED = [
    (lambda: b"", "", "empty"),
    (lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50, "", "unsupported"),  # a Windows executable
    (_zip, "", "unsupported"),
    (lambda: gzip.compress(b"x" * 10000), "", "unsupported"),
    (_png_bomb, "image/png", "bomb"),
    (lambda: sample_pdf("x"), "image/png", "type_mismatch"),
    (lambda: b"just text", "application/pdf", "type_mismatch"),
    (lambda: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "", "corrupt"),
    (lambda: b"<html><body>hi</body></html>", "", "unsupported"),
    (lambda: b"<not closed", "", "corrupt"),
    (lambda: b"<root xmlns='urn:other'/>", "", "unsupported"),
    (lambda: b'{"not": "fhir"}', "", "unsupported"),
    (lambda: b"\x89PNG\r\n\x1a\nbroken", "", "corrupt"),
]


@pytest.mark.parametrize(("make", "declared", "code"), REFUSED)
def test_refused_content(make, declared, code):
    with pytest.raises(ContentRefused) as caught:
        check_content(make(), declared)
    assert caught.value.code == code
    assert caught.value.message


def test_size_limit(settings):
    settings.CARNET_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ContentRefused) as caught:
        check_content(b"a" * 1001, "text/plain")
    assert caught.value.code == "too_large"


def test_text_is_extracted_for_search():
    assert "Examen normal" in extract_text(sample_pdf("CR", ["Examen normal"]), "application/pdf")
    assert "Glycemie" in extract_text(SAMPLE_CDA, "application/xml")
