"""A database that is away for a moment (a restart, a promotion, PgBouncer waiting for a server) is a 503
with ``Retry-After``, never a 500: the one server-error handler asks here first."""

import json
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.translation import gettext

FHIR_TEXT = (
    "the database is unavailable for a moment; the request may not have been recorded: retry after the "
    "delay given (a deposit sent again with the same identifier is recorded once)"
)


def retry_after() -> str:
    return str(settings.CARNET_RETRY_AFTER_SECONDS)


def is_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def unavailable_response(request) -> HttpResponse | None:
    """The 503 answer if the exception being handled is the database's absence, else None."""
    if not is_unavailable(sys.exc_info()[1]):
        return None
    if request.path.startswith("/fhir"):
        issue = {"severity": "error", "code": "transient", "diagnostics": FHIR_TEXT}
        body = json.dumps({"resourceType": "OperationOutcome", "issue": [issue]})
        response = HttpResponse(body, status=503, content_type="application/fhir+json")
    else:
        text = gettext("Le service est momentanément indisponible. Réessayez dans quelques instants.")
        response = HttpResponse(text + "\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after()
    response["Cache-Control"] = "no-store"
    return response
