"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database, blob store, key provider, task
backlog under ``CARNET_READY_MAX_BACKLOG``), for orchestrators and alerts; ``/readyz?scope=server`` (database
and keys only) for the load balancer (see ``SERVER_CHECKS``).

The caller learns which check failed, never why: the reason goes to the operators' log (it may name a path,
a bucket or a key id)."""

import datetime
import logging
import os
from pathlib import Path

import boto3
from botocore.config import Config
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from carnet.vault.checks import key_problem

log = logging.getLogger("carnet.ops")


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "alive"})


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"database: {error.__class__.__name__}"
    return None


def _blob_store() -> str | None:
    if settings.CARNET_BLOB_STORE == "s3":
        client = boto3.client(
            "s3",
            endpoint_url=settings.CARNET_S3_ENDPOINT or None,
            aws_access_key_id=settings.CARNET_S3_ACCESS_KEY or None,
            aws_secret_access_key=settings.CARNET_S3_SECRET_KEY or None,
            region_name=getattr(settings, "CARNET_S3_REGION", "us-east-1"),
            config=Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1}),
        )
        try:
            client.head_bucket(Bucket=settings.CARNET_S3_BUCKET)
        except Exception as error:  # any failure of the store means not ready
            return f"blob store: {error.__class__.__name__}"
        return None
    root = Path(settings.CARNET_BLOB_DIR)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"blob store: {error.__class__.__name__} on {root}"
    return None if os.access(root, os.W_OK | os.X_OK) else f"blob store: {root} is not writable"


def _keys() -> str | None:
    problem = key_problem()
    return None if problem is None else f"keys: {problem}"


def task_backlog() -> tuple[int, float]:
    """Tasks ready to run and the age in seconds of the oldest of them (0 when none)."""
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return ready.count(), max(age, 0.0)


def _backlog() -> str | None:
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return None  # tasks run inline (tests) or elsewhere: no queue table to read
    try:
        count, age = task_backlog()
    except DatabaseError as error:
        return f"task backlog: {error.__class__.__name__}"
    if count > settings.CARNET_READY_MAX_BACKLOG:
        return f"task backlog: {count} tasks waiting, oldest {datetime.timedelta(seconds=int(age))}"
    return None


CHECKS = {"database": _database, "blob_store": _blob_store, "keys": _keys, "task_backlog": _backlog}
# ``/readyz?scope=server``, the load balancer's check: what this server may lack on its own (its database
# connection, through its PgBouncer; its key file). A blob store away or a task backlog is the same for every
# server: taking them all out of rotation would turn reads that still work (metadata, searches) and the
# app's own 503 answers (an OperationOutcome with Retry-After) into the balancer's error page.
SERVER_CHECKS = ("database", "keys")
SCOPES = {"": tuple(CHECKS), "server": SERVER_CHECKS}


@never_cache
@require_GET
def readyz(request):
    scope = request.GET.get("scope", "")
    if scope not in SCOPES:
        return JsonResponse(
            {"error": f"scope must be one of: {', '.join(s for s in SCOPES if s)}"}, status=400
        )
    results, problems = {}, []
    for name in SCOPES[scope]:
        problem = CHECKS[name]()
        results[name] = "ok" if problem is None else "failed"
        if problem:
            problems.append(problem)
    if problems:
        log.warning("not ready: %s", "; ".join(problems))
        return JsonResponse(
            {"status": "not ready", "checks": results}, status=503, headers={"Retry-After": "5"}
        )
    return JsonResponse({"status": "ready", "checks": results})
