"""Database triggers that make the journal append-only, per vendor.

PostgreSQL refuses UPDATE and DELETE (row triggers, migration 0003) and TRUNCATE (statement trigger,
migration 0004); SQLite refuses UPDATE and DELETE (it has no TRUNCATE). The test suite's database reset
(Django's flush between transactional tests) lifts these triggers inside the reset transaction and puts
them back in the same transaction: see `flush_statements` and the root conftest.
"""

TABLES = ("journal_entry", "journal_checkpoint")
OPERATIONS = ("UPDATE", "DELETE")

POSTGRES_TRUNCATE_UP = """
CREATE OR REPLACE FUNCTION carnet_journal_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'carnet journal entries are append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql
"""


def create_statements(vendor: str = "sqlite") -> list[str]:
    if vendor == "postgresql":
        return [POSTGRES_TRUNCATE_UP] + [
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}; "
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION carnet_journal_no_truncate()"
            for table in TABLES
        ]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'carnet journal entries are append-only ({operation} refused)'); END"
        for table in TABLES
        for operation in OPERATIONS
    ]


def drop_statements(vendor: str = "sqlite") -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in TABLES]
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_{operation.lower()}"
        for table in TABLES
        for operation in OPERATIONS
    ]


def flush_statements(vendor: str, tables, statements: list[str]) -> list[str]:
    """Wrap a test-database reset: lift the guard, empty the tables, put the guard back."""
    if "journal_entry" not in tables or not statements:
        return statements
    return drop_statements(vendor) + list(statements) + create_statements(vendor)
