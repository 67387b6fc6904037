"""Shard keys: the PostgreSQL schema in the form Citus needs to distribute the record by patient, colocated.

Citus distributes a table by one column and then requires every primary key and unique constraint of it to
include that column, and every foreign key between two distributed tables to include it on both sides (the
two rows then lie on one node). The ORM keeps ``id`` as each model's key; on PostgreSQL this operation gives:

- each colocated table the primary key ``(id, patient_id)`` (``id`` first, so a lookup by id alone still
  uses it);
- each foreign key between colocated tables the form ``(x_id, patient_id) -> (id, patient_id)``, which
  also makes the database check that a row and its parent belong to the same patient;
- each single-column unique of a child (one stored resource per document, one outgoing mail per message)
  the form ``(x_id, patient_id)``: the same rule, since the foreign key fixes the patient of ``x_id``;
- the journal its key ``(id, chain)`` and ``(seq, chain)``: it is distributed by chain, not by patient.

A foreign key the ORM would add later between two of these tables points at ``id`` alone and fails on
PostgreSQL (``id`` is no longer unique by itself): such a field is declared here too, in a new migration
running this operation for it. ``carnet citus-check`` reads the live catalog and names what is left.
SQLite keeps the ORM's schema: nothing here runs there.
"""

import hashlib
from dataclasses import dataclass

from django.db.migrations.operations.base import Operation


@dataclass(frozen=True)
class Table:
    name: str
    key: str = "id"  # the ORM's primary key column
    shard: str = "patient_id"


def _name(*parts: str) -> str:
    """A constraint name within PostgreSQL's 63 characters, stable for the same parts."""
    name = "_".join(parts)
    if len(name) <= 63:
        return name
    return f"{name[:50]}_{hashlib.sha256(name.encode()).hexdigest()[:12]}"


def _constraints(cursor, table: str, kind: str, column: str | None = None) -> list[str]:
    """Names of ``kind`` ('p', 'u', 'f') constraints of ``table``; with ``column``, those on it alone."""
    cursor.execute(
        """
        SELECT c.conname FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype = %s
          AND (%s::text IS NULL OR (
                array_length(c.conkey, 1) = 1
                AND c.conkey[1] = (SELECT attnum FROM pg_attribute
                                   WHERE attrelid = c.conrelid AND attname = %s)))
        ORDER BY c.conname
        """,
        [table, kind, column, column],
    )
    return [row[0] for row in cursor.fetchall()]


class ShardKeys(Operation):
    """Put ``tables`` in the colocated form; ``foreign_keys`` (table, column, target) become composite,
    ``uniques`` (table, column) take the shard column, ``dropped`` (table, column) lose their foreign key
    (a reference to another patient's row, on another node: resolved by the application)."""

    reversible = True
    reduces_to_sql = False  # its statements depend on the constraint names read from the catalog

    def __init__(self, tables, foreign_keys=(), uniques=(), dropped=()):
        self.tables = list(tables)
        self.foreign_keys = list(foreign_keys)
        self.uniques = list(uniques)
        self.dropped = list(dropped)

    def deconstruct(self):
        kwargs = {"tables": self.tables, "foreign_keys": self.foreign_keys}
        if self.uniques:
            kwargs["uniques"] = self.uniques
        if self.dropped:
            kwargs["dropped"] = self.dropped
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass  # the ORM's models are unchanged: only PostgreSQL's constraints move

    def describe(self):
        return f"Shard keys on {len(self.tables)} tables (PostgreSQL)"

    def _by_name(self) -> dict[str, Table]:
        return {table.name: table for table in self.tables}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        tables = self._by_name()
        q = schema_editor.quote_name
        with connection.cursor() as cursor:
            for table, column, *_ in self.foreign_keys + self.dropped:
                for name in _constraints(cursor, table, "f", column):
                    schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
            for table, column in self.uniques:
                for name in _constraints(cursor, table, "u", column):
                    schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
                shard = tables[table].shard
                schema_editor.execute(
                    f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(_name(table, column, 'shard_uniq'))} "
                    f"UNIQUE ({q(column)}, {q(shard)})"
                )
            for table in self.tables:
                for name in _constraints(cursor, table.name, "p"):
                    schema_editor.execute(f"ALTER TABLE {q(table.name)} DROP CONSTRAINT {q(name)}")
                schema_editor.execute(
                    f"ALTER TABLE {q(table.name)} ADD CONSTRAINT {q(_name(table.name, 'pkey'))} "
                    f"PRIMARY KEY ({q(table.key)}, {q(table.shard)})"
                )
            for table, column, target in self.foreign_keys:
                shard, parent = tables[table].shard, tables[target]
                schema_editor.execute(
                    f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(_name(table, column, 'shard_fk'))} "
                    f"FOREIGN KEY ({q(column)}, {q(shard)}) "
                    f"REFERENCES {q(target)} ({q(parent.key)}, {q(parent.shard)}) "
                    "DEFERRABLE INITIALLY DEFERRED"
                )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        tables = self._by_name()
        q = schema_editor.quote_name
        for table, column, _target in self.foreign_keys:
            schema_editor.execute(
                f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(_name(table, column, 'shard_fk'))}"
            )
        for table in self.tables:
            schema_editor.execute(
                f"ALTER TABLE {q(table.name)} DROP CONSTRAINT {q(_name(table.name, 'pkey'))}"
            )
            schema_editor.execute(
                f"ALTER TABLE {q(table.name)} ADD CONSTRAINT {q(_name(table.name, 'pkey'))} "
                f"PRIMARY KEY ({q(table.key)})"
            )
        for table, column in self.uniques:
            schema_editor.execute(
                f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(_name(table, column, 'shard_uniq'))}"
            )
            schema_editor.execute(
                f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(_name(table, column, 'uniq'))} "
                f"UNIQUE ({q(column)})"
            )
        for table, column, *rest in self.foreign_keys + self.dropped:
            target = rest[0] if rest else "identity_patient"
            schema_editor.execute(
                f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(_name(table, column, 'fk'))} "
                f"FOREIGN KEY ({q(column)}) "
                f"REFERENCES {q(target)} ({q(tables[target].key if target in tables else 'id')}) "
                "DEFERRABLE INITIALLY DEFERRED"
            )


class UniquesMoved(Operation):
    """Drop single-column uniques of ``table`` (PostgreSQL only) whose guarantee another table now carries
    (``identity/lookups.py`` for the patients' NIR and account); each column keeps a plain index for its
    look-ups. The ORM's state still says ``unique``: a later migration altering such a field must drop this
    operation's index first (Django would look for the unique constraint it believes is there)."""

    reversible = True
    reduces_to_sql = False  # its statements depend on the constraint names read from the catalog

    def __init__(self, table: str, columns):
        self.table = table
        self.columns = list(columns)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"table": self.table, "columns": self.columns})

    def state_forwards(self, app_label, state):
        pass  # the ORM's models are unchanged

    def describe(self):
        return f"Uniques of {self.table} on {', '.join(self.columns)} moved to lookup tables (PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        q = schema_editor.quote_name
        with schema_editor.connection.cursor() as cursor:
            for column in self.columns:
                for name in _constraints(cursor, self.table, "u", column):
                    schema_editor.execute(f"ALTER TABLE {q(self.table)} DROP CONSTRAINT {q(name)}")
                index = _name(self.table, column, "lookup_idx")
                schema_editor.execute(f"CREATE INDEX {q(index)} ON {q(self.table)} ({q(column)})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        q = schema_editor.quote_name
        for column in self.columns:
            schema_editor.execute(f"DROP INDEX {q(_name(self.table, column, 'lookup_idx'))}")
            schema_editor.execute(
                f"ALTER TABLE {q(self.table)} ADD CONSTRAINT {q(_name(self.table, column, 'key'))} "
                f"UNIQUE ({q(column)})"
            )
