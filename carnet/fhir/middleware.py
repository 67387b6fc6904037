"""What the FHIR API answers outside its endpoints: every error an OperationOutcome (unknown routes, wrong
methods, XML asked, oversized bodies, a database outage, a crash), and CORS for browser apps.

Browser apps send their bearer token in a header, never a cookie: ``Access-Control-Allow-Origin: *`` with
no credentials is what SMART's browser apps need and gives no page of carnet to another site."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

from carnet.fhir.outcome import FHIR_JSON, outcome

logger = logging.getLogger("carnet.fhir")
PREFIXES = ("/fhir", "/.well-known/smart-configuration", "/oauth/token/")
XML_FORMATS = {"xml", "text/xml", "application/xml", "application/fhir+xml"}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Exist, "
    "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "Location, Content-Location, ETag, Last-Modified, WWW-Authenticate",
    "Access-Control-Max-Age": "600",
}
RETRY_AFTER_SECONDS = 30


def _wants_xml_only(request) -> bool:
    asked = request.GET.get("_format", "")
    if asked:
        return asked in XML_FORMATS
    accept = request.headers.get("Accept", "")
    return "xml" in accept and not any(kind in accept for kind in ("json", "*/*", "application/*", "pdf"))


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class FhirMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIXES):
            return self.get_response(request)
        response = self._early(request) or self.get_response(request)
        if request.path.startswith("/fhir"):
            response = self._as_outcome(request, response)
        for name, value in CORS.items():
            response.setdefault(name, value)
        return response

    def _early(self, request) -> HttpResponse | None:
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            return HttpResponse(status=204)
        if not request.path.startswith("/fhir"):
            return None
        if _too_large(request):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return outcome(413, "too-costly", f"the request body is larger than {limit} bytes")
        if _wants_xml_only(request):
            return outcome(406, "not-supported", "this server speaks application/fhir+json only")
        return None

    def _as_outcome(self, request, response) -> HttpResponse:
        """Django's own answers (unknown route, method not allowed) in FHIR's form."""
        if response.status_code < 400 or response.get("Content-Type", "").startswith(FHIR_JSON):
            return response
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            return outcome(
                405,
                "not-supported",
                f"{request.method} is not allowed here (allowed: {allowed})",
                {"Allow": allowed},
            )
        if response.status_code == 404:
            return outcome(404, "not-found", f"no FHIR endpoint at {request.path}")
        return outcome(response.status_code, "processing", "the request could not be processed")

    def process_exception(self, request, exception):
        if not request.path.startswith("/fhir"):
            return None
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable during %s %s", request.method, request.path, exc_info=True)
            return outcome(
                503,
                "transient",
                "the database is unavailable for a moment; nothing was changed, try again",
                {"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        logger.error("server error during %s %s", request.method, request.path, exc_info=True)
        return outcome(500, "exception", "carnet could not process this request; operators were alerted")
