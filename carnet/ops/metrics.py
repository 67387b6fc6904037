"""Prometheus metrics (prometheus-client) and the restricted ``/metrics`` page.

Several processes (gunicorn workers): set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by
every process of the service, the same for all, emptied at each start of the service; each process then
writes its samples there and ``/metrics`` adds them up (prometheus-client's multiprocess mode). Without it,
``/metrics`` shows the answering process's own samples only.

Requests are labelled by route (the URL pattern, never the URL with its ids), method and status class.
Deposits, refusals by rule and journal append latency are counted where the journal writes them
(``carnet.journal.chain.append``: what was committed, not what was tried and rolled back); the task backlog
and failed notification tasks are read from the task table at each scrape.
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

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


class TaskCollector:
    """Read at each scrape: tasks waiting by queue, the age of the oldest, failed notification tasks."""

    def collect(self):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = GaugeMetricFamily("carnet_tasks_ready", "Tasks ready to run, by queue", labels=["queue"])
        age = GaugeMetricFamily(
            "carnet_tasks_oldest_ready_age_seconds",
            "Age of the oldest ready task, by queue",
            labels=["queue"],
        )
        now = timezone.now()
        for queue in settings.TASKS["default"].get("QUEUES", ["default"]):
            ready = DBTaskResult.objects.ready().filter(queue_name=queue)
            oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            waiting.add_metric([queue], ready.count())
            age.add_metric([queue], max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
        failed = DBTaskResult.objects.filter(queue_name="notifications", status=TaskResultStatus.FAILED)
        failures = GaugeMetricFamily(
            "carnet_notification_failures", "Notification tasks that failed (kept in the task table)"
        )
        failures.add_metric([], failed.count())
        return [waiting, age, failures]


def _allowed(request) -> bool:
    token = settings.CARNET_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.CARNET_METRICS_ALLOWED)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    return registry


@never_cache
def metrics(request):
    if not _allowed(request):
        return HttpResponse("metrics: not from this address\n", status=403, content_type="text/plain")
    registry = _registry()
    tasks = CollectorRegistry()
    if "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
        tasks.register(TaskCollector())
    body = generate_latest(registry) + generate_latest(tasks)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
