"""The ``/metrics`` page: the process's (or, in multiprocess mode, every process's) samples and the task table
read at each scrape; only for the addresses of ``CARNET_METRICS_ALLOWED`` or with ``CARNET_METRICS_TOKEN``."""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily


class TaskCollector:
    """Read at each scrape: tasks waiting by queue, the age of the oldest, failed notification tasks."""

    def collect(self):
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
        registry = REGISTRY
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
