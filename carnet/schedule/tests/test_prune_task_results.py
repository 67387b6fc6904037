"""Finished tasks' rows are deleted after a while (their arguments hold e-mail addresses and links); failed
ones are kept longer, waiting ones never. The tasks are real: queued by a deposit and a notice, run by the
database worker."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.tests import world
from carnet.journal.models import Entry
from carnet.notify.tasks import deliver_notification
from carnet.records import actions as records
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.schedule import actions
from carnet.schedule.registry import SCHEDULES

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task


@pytest.fixture
def tasks(settings, alice, bob):
    """Bob deposits a document for Alice (its indexing and her notice are queued), a notice queued with a
    broken argument fails; the worker runs them all."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}
    }
    records.deposit_document(
        pro(bob), alice, sample_pdf("Compte rendu", ["Texte"]), meta("11502-2", "Résultat")
    )
    deliver_notification.enqueue("not-an-id", "document-added", "Nouveau document", "Connectez-vous.")
    assert DBTaskResult.objects.ready().count() >= 2
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.failed().count() == 1 and DBTaskResult.objects.successful().exists()
    return DBTaskResult.objects.all()


def later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_finished_tasks_go_after_a_week_failed_ones_after_a_month(tasks):
    succeeded = DBTaskResult.objects.successful().count()
    assert actions.prune_task_results(now=later(1)) == 0
    assert actions.prune_task_results(now=later(8)) == succeeded
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]  # to be looked into
    assert actions.prune_task_results(now=later(31)) == 1 and not DBTaskResult.objects.exists()
    entry = Entry.objects.filter(action=P.SCHEDULE_TASKS_PRUNE).last()
    assert entry.allowed and entry.patient_id is None


def test_many_batches_are_pruned_to_the_end(tasks, monkeypatch):
    monkeypatch.setattr(actions, "PRUNE_BATCH", 1)
    finished = DBTaskResult.objects.finished().count()
    assert finished >= 3 and actions.prune_task_results(now=later(31)) == finished
    assert not DBTaskResult.objects.exists()


def test_a_waiting_task_is_never_deleted(tasks):
    deliver_notification.enqueue(10**9, "document-added", "Nouveau document", "Connectez-vous.")
    actions.prune_task_results(now=later(365))
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


def test_the_daily_schedule_prunes(tasks):
    finished = DBTaskResult.objects.update(finished_at=later(-31))  # a month has passed
    declared = SCHEDULES["prune-task-results"]
    assert declared.period_setting == "CARNET_DAILY_PERIOD"
    assert declared.run() == finished >= 3 and not DBTaskResult.objects.exists()


@pytest.mark.parametrize("who", world.NOT_THE_SERVICE)
def test_nobody_but_the_service_prunes_tasks(tasks, alice, bob, erin, who):
    actor = world.not_the_service(who, alice, bob, erin)
    count = DBTaskResult.objects.count()
    with pytest.raises(AccessDenied):
        actions.prune_task_results(actor, now=later(365))
    assert DBTaskResult.objects.count() == count
    assert Entry.objects.filter(action=P.SCHEDULE_TASKS_PRUNE, allowed=False).exists()
