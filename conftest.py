"""Test set-up shared by every suite: fast hashing, inline tasks, a private data directory,
and the named users of style.md (alice, bob, charlie, dave, erin)."""

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.utils import translation

from carnet import factories
from carnet.journal import guard
from carnet.vault.keys import FileKeyProvider


def pytest_configure(config):

    data = Path(tempfile.mkdtemp(prefix="carnet-test-"))
    settings.DATA_DIR = data
    settings.CARNET_KEY_DIR = data / "keys"
    settings.CARNET_KEK_FILE = data / "keys" / "kek.json"
    settings.CARNET_SIGNING_KEY_FILE = data / "keys" / "journal-ed25519.pem"
    settings.CARNET_BLOB_DIR = data / "blobs"
    FileKeyProvider(settings.CARNET_KEK_FILE).create()  # as `carnet keys init` does on a new install
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # One test process: a memory cache (production refuses it; tests without the database use the cache).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "notifications", "indexing"],
        }
    }
    # The NLP indexing (edsnlp) runs where a test turns it on (carnet/indexing/tests): its pipeline takes a
    # minute to build, then comes from this cache, shared by the test processes of one machine.
    settings.CARNET_INDEXING = False
    settings.CARNET_NLP_CACHE_DIR = Path(tempfile.gettempdir()) / f"carnet-nlp-cache-{os.getuid()}"
    settings.EMAIL_BACKEND = "carnet.notify.backends.OutboxEmailBackend"
    settings.CARNET_SMS_BACKEND = "carnet.notify.sms.OutboxSmsBackend"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _journal_guard_lifted_only_to_reset_the_test_database():
    """Transactional and live-server tests reset the database between tests (DELETE on SQLite, TRUNCATE on
    PostgreSQL), which the journal's append-only triggers refuse: the reset lifts them and puts them back
    inside its own transaction (carnet.journal.guard.flush_statements). Nothing else is allowed through."""

    originals = {}
    for alias in connections:
        connection = connections[alias]
        operations = type(connection.ops)
        if operations in originals:
            continue
        original = originals[operations] = operations.sql_flush

        def sql_flush(
            self,
            style,
            tables,
            *,
            reset_sequences=False,
            allow_cascade=False,
            _o=original,
            _v=connection.vendor,
        ):
            statements = _o(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
            return guard.flush_statements(_v, tables, statements)

        operations.sql_flush = sql_flush
    yield
    for operations, original in originals.items():
        operations.sql_flush = original


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """The test client leaves a request's language active in the thread: the next test starts in French."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _outbox_email(settings):
    """Django's test set-up swaps e-mail for a memory box; carnet's flows read the outbox instead."""
    settings.EMAIL_BACKEND = "carnet.notify.backends.OutboxEmailBackend"


@pytest.fixture
def alice(db):
    """The patient."""
    return factories.make_patient("Alice Marie", "Martin")


@pytest.fixture
def bob(db, alice):
    """Alice's GP (médecin traitant)."""
    bob = factories.make_professional("Bob", "Durand")
    alice.gp = bob
    alice.save(update_fields=["gp"])
    return bob


@pytest.fixture
def charlie(db):
    """A pharmacist."""
    return factories.make_professional("Charlie", "Petit", factories.Profession.PHARMACIEN)


@pytest.fixture
def dave(db):
    """A stranger: a doctor with no link to alice."""
    return factories.make_professional("Dave", "Leroy")


@pytest.fixture
def erin(db):
    """An operator."""
    return factories.make_operator()
