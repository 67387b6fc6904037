"""Can the database be sharded by patient with Citus (colocated distribution)? Read from the models.

Each table is put in one class: *distributed* by ``patient_id`` (it carries the patient), the patients'
table distributed by its own id, *reference* (small, copied to every node: directory, codes, settings) or
*local* (the service's own bookkeeping, on the coordinator). Citus then requires, for colocation:
- a foreign key between two distributed tables includes the distribution column on both sides;
- a unique constraint or primary key of a distributed table includes the distribution column;
- a reference table has no foreign key to a distributed table.
Each breach is a blocker, named with its table and column.
"""

from django.apps import apps
from django.db import models

PATIENT_TABLE = "identity_patient"


def _patient_column(model) -> str | None:
    if model._meta.db_table == PATIENT_TABLE:
        return model._meta.pk.column
    for field in model._meta.concrete_fields:
        related = getattr(field, "related_model", None)
        to_patient = related is not None and related._meta.db_table == PATIENT_TABLE
        if isinstance(field, models.ForeignKey) and to_patient and field.name == "patient":
            return field.column
    for field in model._meta.concrete_fields:
        if field.column == "patient_id":  # an integer column without a foreign key (journal, vault)
            return field.column
    return None


def _column(model, name: str) -> str:
    return str(getattr(model._meta.get_field(name), "column", name))


def survey() -> list[dict]:
    rows = []
    distributed = {}
    every = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    for model in every:
        column = _patient_column(model)
        if column:
            distributed[model._meta.db_table] = column
    for model in every:
        table = model._meta.db_table
        column = distributed.get(table)
        kind = "distributed" if column else "reference/local"
        blockers = []
        if column and model._meta.pk.column != column:
            blockers.append(f"primary key ({model._meta.pk.column}) lacks {column}")
        for field in model._meta.concrete_fields:
            if column and field.unique and not field.primary_key and field.column != column:
                blockers.append(f"unique {field.column} lacks {column}")
            related = getattr(field, "related_model", None)
            if not isinstance(field, models.ForeignKey) or related is None:
                continue
            target = related._meta.db_table
            if target in distributed and target != PATIENT_TABLE:
                if column:
                    blockers.append(f"FK {field.column} -> {target}.id lacks {column}")
                else:
                    blockers.append(f"reference table FK {field.column} -> distributed {target}")
            elif target == PATIENT_TABLE and column and field.column != column:
                blockers.append(f"second patient FK {field.column} (another patient's shard)")
            elif target == PATIENT_TABLE and not column:
                blockers.append(f"FK {field.column} -> patient from a non-distributed table")
        for constraint in model._meta.constraints:
            if column and isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                columns = [_column(model, f) for f in constraint.fields]
                if column not in columns:
                    blockers.append(f"unique ({', '.join(columns)}) lacks {column}")
        for fields in model._meta.unique_together:
            columns = [_column(model, f) for f in fields]
            if column and column not in columns:
                blockers.append(f"unique ({', '.join(columns)}) lacks {column}")
        rows.append({"table": table, "kind": kind, "column": column or "", "blockers": blockers})
    return sorted(rows, key=lambda r: (r["kind"], r["table"]))
