"""Can the database be sharded by patient with Citus (colocated distribution)? Read from the live schema.

Each table is put in one class, from the models: *distributed* by ``patient_id`` (it carries the patient,
never empty), the patients' table by its own id, the journal by its chain and the NIR's and account's
lookups (``identity/lookups.py``) by their keys (``OWN_GROUP``: a group each), *local* (the service's own
queues and bookkeeping, on the coordinator: ``LOCAL``) or *reference* (small, copied to every node:
directory, codes, settings). Citus then requires:
- a primary key or unique constraint of a distributed table includes its distribution column;
- a foreign key between two distributed tables of one group pairs their distribution columns;
- no foreign key from a reference table to a distributed or local table, none from a distributed table
  to a local one, none between two groups.
Each breach is a blocker, named with its table and columns. On PostgreSQL the constraints are read from
the catalog (the shard keys of ``carnet.ops.shardkeys`` live there only); on SQLite from the models.
"""

from django.apps import apps
from django.db import connection, models

PATIENT_TABLE = "identity_patient"
# Tables distributed by a column of their own, each its own colocation group: the journal by its chain (its
# chains are independent), the lookups that keep a NIR and an account to one space by what is unique.
OWN_GROUP = {"journal_entry": "chain", "identity_nirlookup": "nir", "identity_accountlookup": "user_id"}
# Written and read by the service itself, never joined with a record: they stay on the coordinator.
LOCAL = {
    "notify_outboxmessage",
    "notify_printbatch",
    "django_session",
    "django_tasks_database_dbtaskresult",
    "schedule_schedulerun",
    "schedule_schedulestate",
}


def _patient_column(model) -> str | None:
    table = model._meta.db_table
    if table == PATIENT_TABLE:
        return model._meta.pk.column
    if table in OWN_GROUP:
        return OWN_GROUP[table]
    for field in model._meta.concrete_fields:
        related = getattr(field, "related_model", None)
        to_patient = related is not None and related._meta.db_table == PATIENT_TABLE
        if isinstance(field, models.ForeignKey) and to_patient and field.name == "patient" and not field.null:
            return field.column
    for field in model._meta.concrete_fields:
        if field.column == "patient_id" and not field.null:  # a column without a foreign key (vault)
            return field.column
    return None


def _models() -> list:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def classify() -> dict[str, tuple[str, str]]:
    """table -> (kind, distribution column or '')."""
    out = {}
    for model in _models():
        table = model._meta.db_table
        column = _patient_column(model)
        if column:
            out[table] = ("distributed", column)
        else:
            out[table] = ("local" if table in LOCAL else "reference", "")
    return out


def _group(table: str) -> str:
    return table if table in OWN_GROUP else PATIENT_TABLE


def _catalog() -> list[tuple[str, str, list[str], str, list[str]]]:
    """(table, kind p/u/f/i, columns, referenced table, referenced columns) of the public schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.relname, c.contype,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   COALESCE(f.relname, ''),
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
            FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
            LEFT JOIN pg_class f ON f.oid = c.confrelid
            WHERE r.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')
            UNION ALL
            SELECT r.relname, 'i',
                   ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.i),
                   '', ARRAY[]::name[]
            FROM pg_index x JOIN pg_class r ON r.oid = x.indrelid
            WHERE r.relnamespace = current_schema()::regnamespace AND x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """
        )
        return [(t, k, list(cols), ft, list(fcols)) for t, k, cols, ft, fcols in cursor.fetchall()]


def _from_models() -> list[tuple[str, str, list[str], str, list[str]]]:
    """The same rows as ``_catalog``, from the models (the ORM's schema, as SQLite has it)."""
    rows: list[tuple[str, str, list[str], str, list[str]]] = []
    for model in _models():
        table = model._meta.db_table
        rows.append((table, "p", [model._meta.pk.column], "", []))
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                rows.append((table, "u", [field.column], "", []))
            related = getattr(field, "related_model", None)
            if (
                isinstance(field, models.ForeignKey)
                and related is not None
                and getattr(field, "db_constraint", True)
            ):
                rows.append((table, "f", [field.column], related._meta.db_table, [related._meta.pk.column]))
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                columns = [str(getattr(model._meta.get_field(f), "column", f)) for f in constraint.fields]
                rows.append((table, "u", columns, "", []))
        for fields in model._meta.unique_together:
            rows.append((table, "u", [str(model._meta.get_field(f).column) for f in fields], "", []))
    return rows


def survey() -> list[dict]:
    classes = classify()
    blockers: dict[str, list[str]] = {table: [] for table in classes}
    rows = _catalog() if connection.vendor == "postgresql" else _from_models()
    for table, kind, columns, target, target_columns in rows:
        if table not in classes:
            continue  # a table of no model (none today)
        own, column = classes[table]
        if kind in "pui" and own == "distributed" and column not in columns:
            what = {"p": "primary key", "u": "unique", "i": "unique index"}[kind]
            blockers[table].append(f"{what} ({', '.join(columns)}) lacks {column}")
        if kind != "f" or target not in classes:
            continue
        their, target_column = classes[target]
        fk = f"FK ({', '.join(columns)}) -> {target}"
        if own == "distributed" and their == "distributed":
            if _group(table) != _group(target):
                blockers[table].append(f"{fk}: another colocation group")
            elif (column, target_column) not in zip(columns, target_columns, strict=True):
                blockers[table].append(f"{fk} lacks {column}")
        elif own == "reference" and their != "reference":
            blockers[table].append(f"reference table {fk} ({their})")
        elif own == "distributed" and their == "local":
            blockers[table].append(f"distributed table {fk} (local)")
    return sorted(
        (
            {"table": t, "kind": k, "column": c, "blockers": sorted(set(blockers[t]))}
            for t, (k, c) in classes.items()
        ),
        key=lambda r: (r["kind"], r["table"]),
    )


def _order(rows: list[dict]) -> list[dict]:
    """Distributed tables, parents before children (a foreign key's target is distributed first)."""
    parents: dict[str, set[str]] = {r["table"]: set() for r in rows}
    for model in _models():
        for field in model._meta.concrete_fields:
            related = getattr(field, "related_model", None)
            if isinstance(field, models.ForeignKey) and related is not None:
                target = related._meta.db_table
                if target in parents and target != model._meta.db_table and model._meta.db_table in parents:
                    parents[model._meta.db_table].add(target)
    done: list[str] = [PATIENT_TABLE] if PATIENT_TABLE in parents else []
    while len(done) < len(parents):
        ready = sorted(t for t, p in parents.items() if t not in done and p <= set(done))
        done.extend(ready or sorted(set(parents) - set(done)))
    by_table = {r["table"]: r for r in rows}
    return [by_table[t] for t in done]


def distribution_sql(rows: list[dict]) -> str:
    """The script a Citus coordinator runs once the schema is migrated (deploy/citus/README.md)."""
    lines = ["-- carnet on Citus: made by `carnet citus-check --sql` from the migrated schema.", "BEGIN;"]
    for row in rows:
        if row["kind"] == "reference":
            lines.append(f"SELECT create_reference_table('{row['table']}');")
    for row in rows:
        if row["kind"] == "local":
            lines.append(f"SELECT citus_add_local_table_to_metadata('{row['table']}');")
    for row in _order([r for r in rows if r["kind"] == "distributed"]):
        table, column = row["table"], row["column"]
        if table == PATIENT_TABLE:
            lines.append(f"SELECT create_distributed_table('{table}', '{column}');")
        elif table in OWN_GROUP:
            lines.append(f"SELECT create_distributed_table('{table}', '{column}', colocate_with => 'none');")
        else:
            lines.append(
                f"SELECT create_distributed_table('{table}', '{column}', colocate_with => '{PATIENT_TABLE}');"
            )
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"
