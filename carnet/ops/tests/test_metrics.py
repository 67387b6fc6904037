"""/metrics: Prometheus text for the allowed addresses or the bearer token, refused otherwise; requests by
route (never the URL with ids), deposits, refusals by rule, journal append latency, tasks waiting."""

import ipaddress

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.journal.actions import record
from carnet.records import actions
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro

pytestmark = pytest.mark.django_db


def _sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


def test_metrics_are_served_to_the_local_scraper(client):
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert b"carnet_journal_append_seconds" in answer.content


@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.20", "2001:db8::1"])
def test_metrics_are_refused_to_other_addresses(client, address):
    answer = client.get("/metrics", REMOTE_ADDR=address)
    assert answer.status_code == 403 and b"carnet_" not in answer.content


@override_settings(CARNET_METRICS_TOKEN="s3cret-scraper-token")
def test_the_token_opens_metrics_from_anywhere_and_a_wrong_one_does_not(client):
    far = {"REMOTE_ADDR": "10.0.0.7"}
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token", **far).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guessed", **far).status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-scraper-token", **far).status_code == 403


def test_allowed_networks_come_from_the_setting(client, settings):
    settings.CARNET_METRICS_ALLOWED = [ipaddress.ip_network("10.0.0.0/24")]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_requests_are_labelled_by_route_not_by_url(client):
    before = _sample(
        "carnet_http_request_duration_seconds_count", route="healthz", method="GET", status="2xx"
    )
    client.get("/healthz")
    after = _sample("carnet_http_request_duration_seconds_count", route="healthz", method="GET", status="2xx")
    assert after == before + 1
    client.get("/fhir/DocumentReference/123456789")
    text = client.get("/metrics").content.decode()
    assert "123456789" not in text


def test_refusals_by_rule_and_journal_appends_are_counted_when_written():
    refusals = _sample("carnet_policy_refusals_total", rule="metrics-test-rule")
    appends = _sample("carnet_journal_append_seconds_count")
    record(SYSTEM, "record:document:read", Decision(False, "no", "metrics-test-rule"), patient=1)
    record(SYSTEM, "record:document:read", Decision(True, "ok", "other"), patient=1)
    assert _sample("carnet_policy_refusals_total", rule="metrics-test-rule") == refusals + 1
    assert _sample("carnet_journal_append_seconds_count") == appends + 2


def test_a_deposit_is_counted(alice, bob):
    before = _sample("carnet_deposits_total")
    actions.deposit_document(pro(bob), alice, sample_pdf("Compte rendu"), meta())
    assert _sample("carnet_deposits_total") == before + 1


def test_tasks_waiting_and_failed_notifications_are_read_at_each_scrape(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}
    }
    common = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "backend_name": "default",
        "run_after": timezone.now(),
    }
    DBTaskResult.objects.create(
        task_path="carnet.journal.tasks.checkpoint_journal", queue_name="default", **common
    )
    DBTaskResult.objects.create(
        task_path="carnet.notify.tasks.deliver_notification",
        queue_name="notifications",
        status=TaskResultStatus.FAILED,
        **common,
    )
    text = client.get("/metrics").content.decode()
    assert 'carnet_tasks_ready{queue="default"} 1.0' in text
    assert 'carnet_tasks_ready{queue="notifications"} 0.0' in text
    assert "carnet_tasks_oldest_ready_age_seconds" in text
    assert "carnet_notification_failures 1.0" in text
