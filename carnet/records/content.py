"""What a file really is: sniffed from its bytes, never trusted from its name or declared type.

Accepted: PDF, plain text (UTF-8), CDA R2 XML, FHIR JSON, JPEG, PNG. Anything else, anything over the
size limit, a decompression bomb, or content that contradicts the declared MIME type is refused.
"""

import io
import json
import warnings

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from carnet.errors import Refused

CDA_NS = "{urn:hl7-org:v3}"
MAX_PIXELS = 50_000_000
ALIASES = {
    "application/x-pdf": "application/pdf",
    "image/jpg": "image/jpeg",
    "application/json": "application/fhir+json",
    "text/xml": "application/xml",
    "application/hl7-cda+xml": "application/xml",
}


class ContentRefused(Refused):
    """A file refused by the content checks; the status says why (too large, wrong type, unreadable)."""

    STATUS = {"too_large": 413, "type_mismatch": 415, "unsupported": 415}

    def __init__(self, code: str, message: str):
        super().__init__(code, message, status=self.STATUS.get(code, 422), field="file")


def _is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def _image(data: bytes, kind: str) -> str:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ContentRefused("bomb", _("Image trop grande (bombe de décompression)."))
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ContentRefused("bomb", _("Image trop grande (bombe de décompression).")) from None
    except ContentRefused:
        raise
    except Exception:
        raise ContentRefused("corrupt", _("Image illisible ou endommagée.")) from None
    return kind


def _xml(data: bytes) -> str:
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except Exception:
        raise ContentRefused("corrupt", _("Document XML illisible ou dangereux (entités, DTD).")) from None
    if root.tag != f"{CDA_NS}ClinicalDocument":
        raise ContentRefused("unsupported", _("Seuls les documents XML CDA R2 sont acceptés."))
    return "application/xml"


def _json(data: bytes) -> str:
    try:
        parsed = json.loads(data)
    except ValueError:
        raise ContentRefused("corrupt", _("Fichier JSON illisible.")) from None
    if not isinstance(parsed, dict) or "resourceType" not in parsed:
        raise ContentRefused("unsupported", _("Seules les ressources FHIR JSON sont acceptées."))
    return "application/fhir+json"


def _text(data: bytes) -> str:
    if b"\x00" in data:
        raise ContentRefused("unsupported", _("Type de fichier non accepté."))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ContentRefused(
            "unsupported", _("Type de fichier non accepté (texte non UTF-8 ou binaire).")
        ) from None
    return "text/plain"


def sniff(data: bytes) -> str:
    """The MIME type the bytes really are, or ContentRefused."""
    if _is_pdf(data):
        return "application/pdf"
    if data[:3] == b"\xff\xd8\xff":
        return _image(data, "image/jpeg")
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _image(data, "image/png")
    if (
        data[:4] == b"PK\x03\x04"
        or data[:2] == b"\x1f\x8b"
        or data[:3] == b"BZh"
        or data[:4] == b"7z\xbc\xaf"
    ):
        raise ContentRefused("unsupported", _("Les archives compressées ne sont pas acceptées."))
    head = data.lstrip()[:1]
    if head == b"<":
        return _xml(data)
    if head in (b"{", b"["):
        return _json(data)
    return _text(data)


def check_content(data: bytes, declared: str = "") -> str:
    """Refuse what must be refused; return the true MIME type."""
    if not data:
        raise ContentRefused("empty", _("Le fichier est vide."))
    if len(data) > settings.CARNET_MAX_UPLOAD_BYTES:
        limit = settings.CARNET_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ContentRefused(
            "too_large", _("Le fichier dépasse la taille maximale (%(mb)d Mo).") % {"mb": limit}
        )
    actual = sniff(data)
    declared = ALIASES.get(
        (declared or "").split(";")[0].strip().lower(), (declared or "").split(";")[0].strip().lower()
    )
    if declared and declared not in {actual, "application/octet-stream"}:
        raise ContentRefused(
            "type_mismatch",
            _("Le contenu (%(actual)s) ne correspond pas au type déclaré (%(declared)s).")
            % {"actual": actual, "declared": declared},
        )
    return actual


def extract_text(data: bytes, mime_type: str) -> str:
    """Text for the search index (clinical data: it lives only in the index)."""
    if mime_type == "text/plain":
        return data.decode("utf-8", "replace")
    if mime_type == "application/xml":
        root = ElementTree.fromstring(data, forbid_dtd=True)
        return " ".join(text.strip() for text in root.itertext() if text.strip())
    if mime_type == "application/pdf":
        return _pdf_text(data)
    return ""


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return " ".join((page.extract_text() or "") for page in reader.pages[:50])
    except Exception:
        return ""
