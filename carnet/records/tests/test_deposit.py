"""Deposit, idempotency, versions, withdrawal and deletion (domain.md §3)."""

import pytest
from django.http import Http404

from carnet.access.actor import SYSTEM
from carnet.access.decision import AccessDenied
from carnet.records import actions, queries
from carnet.records.content import ContentRefused
from carnet.records.errors import DocumentConflict, RecordError
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro
from carnet.vault.store import FileStore

pytestmark = pytest.mark.django_db
PDF = sample_pdf("Compte rendu", ["Tension 12/8, auscultation normale"])


def test_a_gp_deposits_and_the_patient_reads_it_back(alice, bob):
    document = actions.deposit_document(pro(bob), alice, PDF, meta(mime_type="application/pdf"))
    assert (document.author, document.depositor, document.class_code) == (bob, "professional", "10")
    assert document.size == len(PDF) and len(document.sha256) == 64 and document.sha1_b64
    found, content = queries.read_content(me(alice), document.pk)
    assert content == PDF


def test_deposit_is_idempotent_on_the_unique_id(alice, bob):
    metadata = meta()
    first = actions.deposit_document(pro(bob), alice, PDF, metadata)
    again = actions.deposit_document(pro(bob), alice, PDF, metadata)
    assert first.pk == again.pk
    assert Document.objects.count() == 1


def test_same_unique_id_with_other_content_is_a_conflict(alice, bob):
    metadata = meta()
    actions.deposit_document(pro(bob), alice, PDF, metadata)
    with pytest.raises(DocumentConflict):
        actions.deposit_document(pro(bob), alice, sample_pdf("Autre"), metadata)


@pytest.mark.parametrize(("content", "declared"), [(b"MZ\x90\x00binary", ""), (PDF, "image/png")])
def test_refused_content_stores_nothing(alice, bob, content, declared, settings, tmp_path):
    settings.CARNET_BLOB_DIR = tmp_path / "blobs"
    with pytest.raises(ContentRefused):
        actions.deposit_document(pro(bob), alice, content, meta(mime_type=declared))
    assert Document.objects.count() == 0
    root = FileStore().root
    assert not root.exists() or not any(path.is_file() for path in root.rglob("*"))


def test_a_stranger_may_deposit_but_reads_only_what_they_wrote(alice, bob, dave):
    own = actions.deposit_document(pro(dave), alice, PDF, meta())
    others = actions.deposit_document(pro(bob), alice, PDF, meta())
    assert queries.get_document(pro(dave), own.pk) == own
    with pytest.raises(Http404):
        queries.get_document(pro(dave), others.pk)
    assert list(queries.list_documents(pro(dave), alice)) == [own]


def test_the_patient_deposits_own_documents_and_deletes_them(alice):
    own = actions.deposit_document(me(alice), alice, b"Mes notes de tension", meta("DOCPAT01", "Mes notes"))
    assert own.depositor == "patient" and own.author is None
    actions.delete_own_document(me(alice), own)
    own.refresh_from_db()
    assert own.status == Document.Status.ENTERED_IN_ERROR  # logical: history kept


def test_a_patient_cannot_delete_a_professionals_document(alice, bob):
    document = actions.deposit_document(pro(bob), alice, PDF, meta())
    with pytest.raises(AccessDenied) as caught:
        actions.delete_own_document(me(alice), document)
    assert caught.value.decision.rule == "professional-document"
    document.refresh_from_db()
    assert document.status == Document.Status.CURRENT


def test_a_patient_cannot_deposit_professional_types(alice):
    with pytest.raises(RecordError) as caught:
        actions.deposit_document(me(alice), alice, PDF, meta("11488-4"))
    assert caught.value.code == "bad_type"


def test_replace_supersedes_and_keeps_history(alice, bob):
    old = actions.deposit_document(pro(bob), alice, PDF, meta())
    new = actions.replace_document(pro(bob), old, sample_pdf("Compte rendu v2"), meta())
    old.refresh_from_db()
    assert (old.status, new.replaces, new.status) == ("superseded", old, "current")
    assert [d.pk for d in queries.versions_of(me(alice), new)] == [new.pk, old.pk]
    assert list(queries.list_documents(me(alice), alice)) == [new]


def test_only_the_author_replaces_or_withdraws(alice, bob, dave):
    document = actions.deposit_document(pro(bob), alice, PDF, meta())
    with pytest.raises(AccessDenied):
        actions.replace_document(pro(dave), document, PDF, meta())
    with pytest.raises(AccessDenied):
        actions.withdraw_document(pro(dave), document)
    actions.withdraw_document(pro(bob), document)
    document.refresh_from_db()
    assert document.status == "entered-in-error"


def test_insurer_feed_deposits_reimbursement_history(alice):
    document = actions.deposit_document(
        SYSTEM, alice, b"Remboursements 2025-2026", meta("REMB", "Remboursements")
    )
    assert (document.depositor, document.class_code) == ("insurer", "60")


def test_sensitive_documents_are_proposed_masked(alice, bob, dave):
    from carnet.access.actions import declare_consent

    document = actions.deposit_document(pro(bob), alice, PDF, meta("68599-0", "Synthèse psychiatrique"))
    assert (document.sensitive_category, document.visibility) == ("mental-health", "masked")
    declare_consent(pro(dave), alice)
    with pytest.raises(Http404):
        queries.get_document(pro(dave), document.pk)


def test_masking_then_refusal_for_the_pharmacist(alice, bob, charlie):
    from carnet.access.actions import declare_consent

    declare_consent(pro(charlie), alice)
    prescription = actions.deposit_document(pro(bob), alice, PDF, meta("57833-6", "Ordonnance"))
    assert queries.get_document(pro(charlie), prescription.pk) == prescription
    actions.set_document_visibility(me(alice), prescription, "masked")
    with pytest.raises(Http404):
        queries.get_document(pro(charlie), prescription.pk)
    assert list(queries.list_documents(pro(charlie), alice)) == []
