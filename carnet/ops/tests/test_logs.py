"""JSON logs with the request's id, scrubbed: a NIR or an e-mail address in a log call (its message, its
arguments, an extra field, a traceback) never reaches the JSON output."""

import io
import json
import logging

import pytest

from carnet.logscrub import ScrubFilter
from carnet.ops import health
from carnet.ops.logs import RequestIdFilter, ScrubbedJsonFormatter

NIR = "185057800608436"
FORMAT = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(ScrubbedJsonFormatter(FORMAT, rename_fields={"levelname": "level"}))
    logger = logging.getLogger("carnet.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_a_nir_in_a_log_call_never_reaches_the_json_output(json_log):
    logger, stream = json_log
    logger.info("patient %s looked up", NIR)
    logger.warning("lookup", extra={"nir": NIR, "contact": "alice@example.org"})
    try:
        raise ValueError(f"no patient with NIR {NIR}")
    except ValueError:
        logger.exception("failed for 1 85 05 78 006 084 36")
    output = stream.getvalue()
    assert NIR not in output and "alice@example.org" not in output and "006 084" not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines[0]["message"] == "patient [nir] looked up" and lines[0]["level"] == "INFO"
    assert lines[1]["nir"] == "[nir]"
    assert "[nir]" in lines[2]["exc_info"]


def test_the_answer_carries_the_callers_request_id(client, json_log):
    logger, stream = json_log
    answer = client.get("/healthz", HTTP_X_REQUEST_ID="lb-4f2a9c")
    assert answer["X-Request-ID"] == "lb-4f2a9c"
    logger.info("outside a request")
    assert json.loads(stream.getvalue().splitlines()[-1])["request_id"] == "-"


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    answer = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a line")
    assert answer["X-Request-ID"] != "bad id\nwith a line" and len(answer["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_request_id_is_in_lines_logged_while_answering(client, json_log, monkeypatch):
    logger, stream = json_log
    monkeypatch.setattr(health, "log", logger)
    monkeypatch.setitem(health.CHECKS, "keys", lambda: f"keys: missing for {NIR}")
    client.get("/readyz", HTTP_X_REQUEST_ID="req-77")
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "req-77" and NIR not in line["message"]
