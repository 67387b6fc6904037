"""One way to hand a document's bytes to a browser, after the policy said yes (both spaces use it)."""

from django.http import HttpResponse

from carnet.records import queries


def document_download(request, document_id) -> HttpResponse:
    found, content = queries.read_content(request.actor, document_id)
    response = HttpResponse(content, content_type=found.mime_type)
    response["Content-Disposition"] = f'attachment; filename="document-{found.pk}"'
    response["Cache-Control"] = "no-store"
    return response
