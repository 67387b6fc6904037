"""Active content and polyglots are refused at deposit through the real API (the review stored each of
these), decompression is bounded, and what carnet hands back is a download that no cache keeps."""

import base64
import io
import zipfile
import zlib

import pytest

from carnet.records import actions
from carnet.records.models import Document
from carnet.records.samples import SAMPLE_CDA, sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
PDF = sample_pdf("Compte rendu", ["Examen normal"])


def _pdf_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return PDF + buffer.getvalue()


def _pdf_with(obj: bytes) -> bytes:
    """The sample PDF with one more object before its trailer (enough for a reader to act on)."""
    head, _sep, tail = PDF.rpartition(b"xref")
    return head + obj + b"\nxref" + tail


def _object_stream(text: bytes) -> bytes:
    """A compressed object stream (PDF 1.5) holding ``text``: invisible to a search of the raw bytes."""
    packed = zlib.compress(text)
    return (
        b"99 0 obj <</Type /ObjStm /Filter /FlateDecode /Length %d>>stream\n" % len(packed)
        + packed
        + b"\nendstream endobj"
    )


def _flate_bomb() -> bytes:
    packed = zlib.compress(b"\0" * (75 * 1024 * 1024), 9)
    return _pdf_with(
        b"98 0 obj <</Filter /FlateDecode /Length %d>>stream\n" % len(packed) + packed + b"\nendstream endobj"
    )


ATTACKS = {
    "pdf+html": (
        lambda: PDF + b"<html><body><script>alert(document.cookie)</script></body></html>",
        "application/pdf",
    ),
    "pdf+zip": (_pdf_zip, "application/pdf"),
    "open-action-js": (
        lambda: _pdf_with(b"97 0 obj <</Type /Action /S /JavaScript /JS (app.alert(1))>> endobj"),
        "application/pdf",
    ),
    "js-hex-escaped": (
        lambda: _pdf_with(b"97 0 obj <</S /Java#53cript /J#53 (x)>> endobj"),
        "application/pdf",
    ),
    "launch": (lambda: _pdf_with(b"97 0 obj <</S /Launch /F (cmd.exe)>> endobj"), "application/pdf"),
    "js-in-object-stream": (
        lambda: _pdf_with(_object_stream(b"<</S /JavaScript /JS (x)>>")),
        "application/pdf",
    ),
    "flate-bomb": (_flate_bomb, "application/pdf"),
    "html-behind-bom": (lambda: b"\xef\xbb\xbf<html><script>alert(1)</script></html>", "text/plain"),
    "cda-xinclude": (
        lambda: SAMPLE_CDA.replace(
            b"</ClinicalDocument>",
            b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></ClinicalDocument>',
        ),
        "application/xml",
    ),
    "cda-xhtml-script": (
        lambda: SAMPLE_CDA.replace(
            b"</ClinicalDocument>",
            b'<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script></ClinicalDocument>',
        ),
        "application/xml",
    ),
}


def _publish(as_pro, bob, alice, content: bytes, mime: str):
    body = {
        "resourceType": "DocumentReference",
        "status": "current",
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:1.2.3.4.5.6"},
        "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
        "subject": {"reference": f"Patient/{alice.pk}"},
        "content": [{"attachment": {"contentType": mime, "data": base64.b64encode(content).decode()}}],
        "context": {"period": {"start": "2026-11-20"}},
    }
    return as_pro(bob).post("DocumentReference", body)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_active_content_and_polyglots_are_refused(as_pro, alice, bob, attack):
    make, mime = ATTACKS[attack]
    response = _publish(as_pro, bob, alice, make(), mime)
    assert response.status_code in {400, 413, 415, 422}, response.content[:300]
    assert not Document.objects.exists()


def test_a_plain_pdf_is_accepted(as_pro, alice, bob):
    assert _publish(as_pro, bob, alice, PDF, "application/pdf").status_code == 201


def test_binary_and_page_downloads_are_attachments_nobody_caches(as_pro, client, alice, bob):
    document = actions.deposit_document(pro(bob), alice, PDF, meta())
    binary = as_pro(bob).get(f"Binary/{document.pk}")
    assert binary.status_code == 200 and binary["Content-Disposition"].startswith("attachment")
    assert binary["Cache-Control"] == "no-store"
    signed_in(client, alice.user)
    saved = client.get(f"/patient/documents/{document.pk}/telecharger/", {"enregistrer": "1"})
    assert saved["Content-Disposition"].startswith("attachment") and saved["Cache-Control"] == "no-store"
    # A PDF is shown in the browser (the pages' choice; active content was refused at the deposit), never
    # sniffed as another type nor cached.
    shown = client.get(f"/patient/documents/{document.pk}/telecharger/")
    assert shown["Content-Disposition"].startswith("inline") and shown["Content-Type"] == "application/pdf"
    assert shown["X-Content-Type-Options"] == "nosniff" and shown["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["DocumentReference", "AllergyIntolerance", "Patient"])
def test_every_clinical_answer_is_no_store(as_pro, alice, bob, path):
    answer = as_pro(bob).get(path, patient=alice.pk, identifier=f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}")
    assert answer["Cache-Control"] == "no-store"


def test_pages_are_no_store(client, alice):
    for page in ["/patient/", "/patient/documents/", "/patient/journal/"]:
        assert signed_in(client, alice.user).get(page)["Cache-Control"] == "no-store"
