import pytest
from django.db import connection

from carnet.journal.chain import SEQUENCE


def pytest_terminal_summary(terminalreporter):
    passed = [r for r in terminalreporter.stats.get("passed", []) if "test_tampering_is_detected" in r.nodeid]
    failed = [r for r in terminalreporter.stats.get("failed", []) if "test_tampering_is_detected" in r.nodeid]
    if passed or failed:
        terminalreporter.write_line(
            f"journal tampering: {len(passed) + len(failed)} cases tried, {len(passed)} detected"
        )


@pytest.fixture(autouse=True)
def _journal_numbered_from_one(django_db_setup, django_db_blocker):
    """A fresh journal numbers its entries from 1. PostgreSQL's sequence is not rolled back with each test's
    transaction: start it again after the newest entry (none, between tests)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval('{SEQUENCE}', COALESCE((SELECT MAX(seq) FROM journal_entry), 0) + 1, false)"  # noqa: S608
            )
    yield
