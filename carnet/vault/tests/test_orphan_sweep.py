"""Blobs a crash leaves without a row are removed after the grace period, never a referenced one nor one
whose row may still be coming; on the file store and on the S3 store (a real moto_server process)."""

import datetime
import io
import logging
import os
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.journal.models import Entry
from carnet.messaging import actions as messaging
from carnet.messaging.models import Attachment
from carnet.records import actions as records
from carnet.records import queries
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro
from carnet.schedule.registry import SCHEDULES
from carnet.vault import actions as vault
from carnet.vault.store import FileStore, blob_store
from carnet.vault.sweep import referencing_models

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LATER = datetime.timedelta(hours=25)  # past the default grace period of 24 hours


class Crash(Exception):
    """The process dies between writing the blob and committing its row."""


@pytest.fixture
def store(request, settings, tmp_path):
    """An empty store of each kind for each test: the file store, then an S3 bucket of its own."""
    settings.CARNET_BLOB_DIR = tmp_path / "blobs"
    if request.param == "s3":
        client = request.getfixturevalue("s3")
        settings.CARNET_S3_BUCKET = f"carnet-sweep-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=settings.CARNET_S3_BUCKET)
    return request.param


def stored() -> set[str]:
    return {ref for ref, _written in blob_store().listing()}


def crashed_deposit(bob, alice) -> str:
    """A deposit whose transaction is rolled back after its blob was written: the blob stays behind."""
    before = stored()
    with pytest.raises(Crash), transaction.atomic():
        records.deposit_document(pro(bob), alice, PDF, meta())
        raise Crash
    (orphan,) = stored() - before
    return orphan


def aged(ref: str, hours: int = 48) -> None:
    """Make a file-store blob look written ``hours`` ago."""
    path = FileStore()._path(ref)
    moment = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(path, (moment, moment))


@pytest.mark.parametrize("store", ["file", "s3"], indirect=True)
def test_an_orphan_goes_after_the_grace_period_and_a_referenced_blob_stays(store, alice, bob):
    kept = records.deposit_document(pro(bob), alice, PDF, meta())
    orphan = crashed_deposit(bob, alice)
    assert stored() == {kept.blob_ref, orphan}

    young = vault.sweep_orphan_blobs()  # the orphan may still be a deposit whose transaction is open
    assert stored() == {kept.blob_ref, orphan}
    assert young | {"removed": 0, "young": 1, "referenced": 1} == young

    swept = vault.sweep_orphan_blobs(now=timezone.now() + LATER)
    assert swept | {"removed": 1, "orphans": 1, "referenced": 1, "young": 0} == swept
    assert stored() == {kept.blob_ref}
    assert queries.read_content(pro(bob), kept.pk)[1] == PDF


@pytest.mark.parametrize("store", ["file"], indirect=True)
def test_a_young_orphan_stays_while_an_old_one_goes(store, alice, bob):
    old, young = crashed_deposit(bob, alice), crashed_deposit(bob, alice)
    aged(old)
    swept = vault.sweep_orphan_blobs()
    assert stored() == {young}
    assert swept | {"removed": 1, "young": 1} == swept


@pytest.mark.parametrize("store", ["file", "s3"], indirect=True)
def test_a_messaging_attachment_is_a_reference_too(store, alice, bob):
    box = messaging.personal_mailbox(bob)
    upload = messaging.Upload("ordonnance.pdf", sample_pdf("Ordonnance"), "application/pdf")
    draft = messaging.Draft(body="Voici votre ordonnance.", uploads=[upload])
    conversation = messaging.start_conversation(pro(bob), alice, box, "Ordonnance", draft)
    attachment = Attachment.objects.get(message__conversation=conversation)
    assert Attachment in referencing_models() and Document in referencing_models()

    swept = vault.sweep_orphan_blobs(now=timezone.now() + LATER)
    assert swept["removed"] == 0 and stored() == {attachment.blob_ref}


@pytest.mark.parametrize("store", ["file"], indirect=True)
def test_a_half_written_file_goes_after_the_grace_period(store, alice):
    ref = vault.put(alice, b"report")
    leftover = FileStore()._path(ref).with_name("tmpq1w2e3r4")  # killed before the rename
    leftover.write_bytes(b"\x01partial")
    assert vault.sweep_orphan_blobs()["leftovers"] == 0 and leftover.exists()
    moment = (timezone.now() - datetime.timedelta(hours=30)).timestamp()
    os.utime(leftover, (moment, moment))
    assert vault.sweep_orphan_blobs()["leftovers"] == 1 and not leftover.exists()


@pytest.mark.parametrize("store", ["file"], indirect=True)
def test_the_daily_schedule_runs_the_sweep(store, alice, bob):
    orphan = crashed_deposit(bob, alice)
    aged(orphan)
    declared = SCHEDULES["sweep-orphan-blobs"]
    assert declared.period_setting == "CARNET_DAILY_PERIOD"
    assert declared.run()["removed"] == 1 and stored() == set()


@pytest.mark.parametrize("store", ["file"], indirect=True)
def test_the_command_journals_and_logs_counts_only(store, alice, bob, caplog):
    orphan = crashed_deposit(bob, alice)
    aged(orphan)
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="carnet.vault.actions"):
        call_command("blobs", "sweep", "--dry-run", stdout=out)
        assert "would remove 1 orphan blobs" in out.getvalue() and stored() == {orphan}
        call_command("blobs", "sweep", stdout=out)
    assert "removed 1 orphan blobs" in out.getvalue() and stored() == set()
    entry = Entry.objects.filter(action=P.VAULT_BLOBS_SWEEP).last()
    assert entry.allowed and entry.actor_role == "system" and entry.channel == "cli"
    assert orphan not in entry.detail and orphan not in caplog.text
    assert "1 removed (1 orphans" in caplog.text


@pytest.mark.parametrize("store", ["file"], indirect=True)
def test_a_wrong_database_removes_nothing(store, alice):
    """Against an empty or wrong database every blob looks orphaned: the sweep refuses unless forced."""
    refs = {vault.put(alice, f"document {n}".encode()) for n in range(vault.SWEEP_ALARM + 1)}
    assert vault.sweep_orphan_blobs(now=timezone.now() + LATER)["refused"] and stored() == refs
    for ref in refs:
        aged(ref)
    with pytest.raises(CommandError, match="right database"):
        call_command("blobs", "sweep")
    assert stored() == refs
    call_command("blobs", "sweep", "--force", stdout=io.StringIO())
    assert stored() == set()


def test_only_the_service_sweeps(alice, bob):
    for actor in (pro(bob), me(alice)):
        with pytest.raises(AccessDenied):
            vault.sweep_orphan_blobs(actor)
    assert not Entry.objects.filter(action=P.VAULT_BLOBS_SWEEP, allowed=True).exists()
