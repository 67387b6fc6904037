"""Prometheus metrics (prometheus-client); the restricted ``/metrics`` page is ``carnet.ops.scrape``.

Several processes (gunicorn workers): set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by
every process of the service, the same for all, emptied at each start of the service; each process then
writes its samples there and ``/metrics`` adds them up (prometheus-client's multiprocess mode). Without it,
``/metrics`` shows the answering process's own samples only.

Requests are labelled by route (the URL pattern, never the URL with its ids), method and status class.
Deposits, refusals by rule and journal append latency are counted where the journal writes them
(``carnet.journal.chain.append``: what was committed, not what was tried and rolled back); the task backlog
and failed notification tasks are read from the task table at each scrape.
"""

import time

from prometheus_client import (
    Counter,
    Histogram,
)

REQUEST_SECONDS = Histogram(
    "carnet_http_request_duration_seconds",
    "Time to answer a request, by route",
    ["route", "method", "status"],
)
DEPOSITS = Counter("carnet_deposits_total", "Documents deposited (committed)")
REFUSALS = Counter("carnet_policy_refusals_total", "Refusals of the policy, by rule", ["rule"])
JOURNAL_APPEND_SECONDS = Histogram(
    "carnet_journal_append_seconds",
    "Time to link and insert a transaction's journal entries (chain locks included)",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DEPOSIT_ACTION = "record:document:deposit"


def journal_written(entries, seconds: float) -> None:
    """Called by the journal once entries are inserted (in the transaction about to commit)."""
    JOURNAL_APPEND_SECONDS.observe(seconds)
    for entry in entries:
        if not entry.allowed:
            REFUSALS.labels(rule=entry.rule or "-").inc()
        elif entry.action == DEPOSIT_ACTION:
            DEPOSITS.inc()


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unmatched"
        REQUEST_SECONDS.labels(
            route=route or "-", method=request.method, status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response
