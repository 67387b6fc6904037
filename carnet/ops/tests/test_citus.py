"""The Citus check reads the models: the clinical tables are distributed by patient, and the blockers of
colocated distribution are named (a foreign key between distributed tables without patient_id)."""

from django.core.management import call_command

from carnet.ops.citus import survey


def test_clinical_tables_are_distributed_by_patient():
    kinds = {row["table"]: (row["kind"], row["column"]) for row in survey()}
    assert kinds["records_document"] == ("distributed", "patient_id")
    assert kinds["journal_entry"] == ("distributed", "patient_id")
    assert kinds["identity_patient"] == ("distributed", "id")
    assert kinds["identity_professional"][0] == "reference/local"


def test_blockers_are_named_with_their_column():
    rows = {row["table"]: row["blockers"] for row in survey()}
    assert "FK replaces_id -> records_document.id lacks patient_id" in rows["records_document"]
    assert not rows["identity_professional"]


def test_the_command_prints_the_summary(capsys):
    call_command("citus_check")
    assert "tables distributed by patient" in capsys.readouterr().out
