"""A deposit is indexed by the worker: codes, qualifiers, sealed sentences, the pipeline's version; the
patient's sensitive categories from content; ``carnet reindex``; destruction erases the index."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from carnet.access.models import PatientAccessSettings
from carnet.identity.actions import request_closure
from carnet.indexing import actions, pipeline, queries
from carnet.indexing.models import IndexedDocument, Mention, Review
from carnet.notify.models import OutboxMessage
from carnet.records import sweeps
from carnet.records.actions import deposit_document
from carnet.records.models import Document
from carnet.records.tests.helpers import me, meta, pro

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("indexing")]

LETTER = (
    "Compte rendu de consultation. Pas de diabète. Suspicion d'embolie pulmonaire. Mère diabétique. "
    "Hypertension artérielle traitée par ramipril 5 mg."
).encode()


def _deposit(alice, bob, content=LETTER, **fields):
    return deposit_document(pro(bob), alice, content, meta(mime_type="text/plain", **fields))


def test_the_worker_indexes_a_deposit_with_its_qualifiers_and_version(alice, bob):
    document = _deposit(alice, bob)
    rows = {m.code: m for m in Mention.objects.filter(document=document)}
    diabetes = Mention.objects.filter(document=document, code="E14")
    assert {(m.negated, m.family) for m in diabetes} == {(True, False), (False, True)}
    assert rows["I26"].hypothetical
    assert rows["I10"].affirmed and rows["C09AA05"].kind == "drug"
    assert {m.pipeline_version for m in rows.values()} == {pipeline.version()}
    assert IndexedDocument.objects.get(document=document).pipeline_version == pipeline.version()


def test_negated_hypothetical_and_family_mentions_never_become_the_patients(alice, bob):
    _deposit(alice, bob)
    story = {item.code for item in queries.health_story(me(alice), alice)}
    assert story == {"I10", "C09AA05"}  # not E14 (negated, mother's), not I26 (suspected)


def test_the_sentence_is_sealed_with_the_patients_key(alice, bob):
    document = _deposit(alice, bob)
    row = Mention.objects.get(document=document, code="C09AA05")
    assert b"ramipril" not in bytes(row.sealed_sentence)
    item = next(i for i in queries.health_story(me(alice), alice) if i.code == "C09AA05")
    assert item.sentences[0].text == "Hypertension artérielle traitée par ramipril 5 mg."
    assert item.sentences[0].span == "ramipril"


def test_indexing_is_off_when_the_deployment_turns_it_off(alice, bob, settings):
    settings.CARNET_INDEXING = False
    document = _deposit(alice, bob)
    assert not Mention.objects.filter(document=document).exists()


def test_reindex_runs_a_new_version_over_existing_documents_in_resumable_batches(alice, bob):
    first, second = _deposit(alice, bob), _deposit(alice, bob, b"Diabete de type 2 sous metformine.")
    Mention.objects.update(pipeline_version="edsnlp-0.22.0+carnet.0")
    IndexedDocument.objects.update(pipeline_version="edsnlp-0.22.0+carnet.0")
    out = io.StringIO()
    call_command("reindex", "--batch", "1", "--limit", "1", stdout=out)
    assert "2 document(s) to index" not in out.getvalue() and "1 document(s) indexed" in out.getvalue()
    call_command("reindex", stdout=out)  # resumes: only the one left
    assert "1 document(s) to index" in out.getvalue()
    versions = set(IndexedDocument.objects.values_list("pipeline_version", flat=True))
    assert versions == {pipeline.version()}
    assert set(Mention.objects.values_list("pipeline_version", flat=True)) == {pipeline.version()}
    assert Mention.objects.filter(document=second, code="A10BA02").exists()
    assert Mention.objects.filter(document=first, code="I10").exists()


def test_a_document_mentioning_a_sensitive_condition_is_proposed_masked_and_the_patient_told(alice, bob):
    document = _deposit(alice, bob, "Episode dépressif sévère, traité par sertraline.".encode())
    document.refresh_from_db()
    assert document.visibility == "masked" and document.sensitive_category == "mental-health"
    told = OutboxMessage.objects.filter(body__contains="sujet sensible")
    assert told.exists() and not told.filter(body__icontains="dépressi").exists()
    assert queries.content_reasons(me(alice), alice) == {document.pk: "mental-health"}
    assert queries.content_reasons(pro(bob), alice) == {}  # the author is never told why


def test_the_patients_choice_for_the_category_holds(alice, bob):
    PatientAccessSettings.objects.update_or_create(
        patient=alice, defaults={"category_choices": {"mental-health": "normal"}}
    )
    alice.refresh_from_db()
    document = _deposit(alice, bob, "Episode dépressif sévère, traité par sertraline.".encode())
    document.refresh_from_db()
    assert document.visibility == "normal" and document.sensitive_category == "mental-health"


def test_a_document_the_patient_already_classed_keeps_its_visibility(alice, bob):
    document = _deposit(
        alice, bob, "Sérologie VIH positive, traitement antirétroviral.".encode(), visibility="private"
    )
    document.refresh_from_db()
    assert document.visibility == "private"


def test_destruction_erases_the_index(alice, bob):
    document = _deposit(alice, bob)
    actions.confirm_finding(me(alice), alice, "condition", "I10")
    request_closure(me(alice), alice, early_destruction=True)
    assert sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8)) == 1
    for model in (Mention, IndexedDocument, Review):
        assert not model.objects.filter(patient=alice).exists()
    assert not Document.objects.filter(pk=document.pk).exists()  # the document rows go too (records)
