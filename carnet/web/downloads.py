"""One way to hand bytes to a browser: a meaningful file name, shown in the browser (PDFs, images) or saved
(anything else), never cached. Documents go out only after the policy said yes (both spaces use it)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from carnet.records import queries

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "text/plain": "txt",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/hl7-cda+xml": "xml",
    "application/fhir+json": "json",
    "application/json": "json",
}
SHOWN_IN_BROWSER = {"application/pdf", "image/jpeg", "image/png"}


def file_name(stem: str, mime_type: str, day=None) -> str:
    """``compte-rendu-de-consultation-2026-11-02.pdf``: the words of the title, the date, the extension."""
    words = slugify(stem, allow_unicode=True)[:80].strip("-") or "document"
    day = day or timezone.localdate()
    return f"{words}-{day:%Y-%m-%d}.{EXTENSIONS.get(mime_type.split(';')[0].strip(), 'bin')}"


def file_response(content: bytes, mime_type: str, stem: str, *, inline: bool | None = None, day=None):
    """``inline`` None: shown in the browser when it can (PDF, JPEG, PNG), saved otherwise."""
    shown = mime_type in SHOWN_IN_BROWSER if inline is None else inline
    response = HttpResponse(content, content_type=mime_type)
    response["Content-Disposition"] = content_disposition_header(not shown, file_name(stem, mime_type, day))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_download(request, document_id) -> HttpResponse:
    found, content = queries.read_content(request.actor, document_id)
    saved = request.GET.get("enregistrer") == "1"
    return file_response(
        content, found.mime_type, found.title, inline=False if saved else None, day=found.care_date
    )
