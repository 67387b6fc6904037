"""Structured logs: one JSON object a line (python-json-logger) with the request's id, when
``CARNET_LOG_JSON`` is on; scrubbed like every log line (``carnet.logscrub``), and the whole JSON line again,
extra fields included, so that nothing NIR-like or e-mail-like leaves the process.

The request id is the caller's ``X-Request-ID`` when it is a plain token (a load balancer's), else a new one;
it is sent back in the answer's ``X-Request-ID``."""

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.json import JsonFormatter

from carnet.logscrub import scrub

_REQUEST_ID = contextvars.ContextVar("carnet_request_id", default="-")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _REQUEST_ID.get()
        return True


class ScrubbedJsonFormatter(JsonFormatter):
    """JSON lines, scrubbed once more as a whole (extra fields, the request's repr, tracebacks)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
