"""Held back from the patient: bounded, never extended, released by the author or automatically."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from carnet.records import actions, queries, sweeps
from carnet.records.errors import RecordError
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro

pytestmark = pytest.mark.django_db


def test_held_back_document_is_hidden_from_the_patient_only(alice, bob):
    document = actions.deposit_document(
        pro(bob), alice, sample_pdf("Résultat"), meta("11526-1", hide_days=30)
    )
    with pytest.raises(Http404):
        queries.get_document(me(alice), document.pk)
    assert list(queries.list_documents(me(alice), alice)) == []
    assert queries.get_document(pro(bob), document.pk) == document


def test_holding_back_beyond_the_limit_is_refused(alice, bob):
    with pytest.raises(RecordError):
        actions.deposit_document(pro(bob), alice, sample_pdf("R"), meta(hide_days=31))
    assert Document.objects.count() == 0


def test_never_extended(alice, bob):
    document = actions.deposit_document(pro(bob), alice, sample_pdf("R"), meta(hide_days=10))
    with pytest.raises(RecordError) as caught:
        actions.hold_back_document(pro(bob), document, 10)
    assert caught.value.code == "never_extended"


def test_the_author_releases_early(alice, bob):
    document = actions.deposit_document(pro(bob), alice, sample_pdf("R"), meta(hide_days=30))
    actions.release_hidden_document(pro(bob), document)
    assert queries.get_document(me(alice), document.pk) == document


def test_the_task_warns_at_two_weeks_and_releases_at_the_limit(alice, bob):
    from carnet.notify.models import OutboxMessage

    document = actions.deposit_document(pro(bob), alice, sample_pdf("R"), meta(hide_days=30))
    at_15_days = timezone.now() + datetime.timedelta(days=15)
    assert sweeps.release_overdue_hidden_documents(at_15_days) == {"warned": 1, "released": 0}
    assert OutboxMessage.objects.filter(subject="Votre dossier a été mis à jour").count() == 1
    Document.objects.filter(pk=document.pk).update(hidden_from_patient_until=timezone.now())
    assert sweeps.release_overdue_hidden_documents()["released"] == 1
    assert queries.get_document(me(alice), document.pk).pk == document.pk
    assert sweeps.release_overdue_hidden_documents()["released"] == 0
