"""The Citus check: every table is classed (distributed by patient, reference, local), and on PostgreSQL the
migrated schema is in the colocated form (composite keys and foreign keys, uniques with the patient), read
from the catalog; the composite foreign keys refuse a row whose parent is another patient's."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from carnet.factories import make_patient, make_professional
from carnet.fhir.models import StoredResource
from carnet.identity.models import NirLookup
from carnet.ops.citus import distribution_sql, survey
from carnet.records import actions
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the shard keys are PostgreSQL's"
)

on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="the ORM's schema, as SQLite has it")

# The ORM's schema keeps the patients' two global uniques (SQLite has them, beside the lookups); PostgreSQL
# drops them for the lookup tables (identity/lookups.py, ops/0002_patient_lookups).
ORM_ONLY = {"identity_patient": ["unique (nir) lacks id", "unique (user_id) lacks id"]}


def _kinds():
    return {row["table"]: (row["kind"], row["column"]) for row in survey()}


def test_clinical_tables_are_distributed_by_patient_and_service_tables_are_not():
    kinds = _kinds()
    assert kinds["records_document"] == ("distributed", "patient_id")
    assert kinds["fhir_folder_documents"] == ("distributed", "patient_id")
    assert kinds["identity_patient"] == ("distributed", "id")
    assert kinds["journal_entry"] == ("distributed", "chain")  # a group of its own
    assert kinds["identity_nirlookup"] == ("distributed", "nir")  # and these two
    assert kinds["identity_accountlookup"] == ("distributed", "user_id")
    assert kinds["identity_professional"] == ("reference", "")
    assert kinds["notify_outboxmessage"] == ("local", "")  # also mail to professionals: no patient


@on_postgresql
def test_the_migrated_schema_has_no_blocker():
    assert {row["table"]: row["blockers"] for row in survey() if row["blockers"]} == {}


@on_sqlite
def test_the_orms_schema_keeps_the_patients_two_uniques():
    """(SQLite also lacks the shard keys themselves, which ops/0001 writes on PostgreSQL only.)"""
    blocked = {row["table"]: row["blockers"] for row in survey() if row["blockers"]}
    assert blocked["identity_patient"] == ORM_ONLY["identity_patient"]
    assert "identity_nirlookup" not in blocked and "identity_accountlookup" not in blocked


@on_postgresql
def test_keys_and_foreign_keys_carry_the_patient_in_the_catalog():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'records_documentversion'::regclass"
        )
        definitions = {row[0] for row in cursor.fetchall()}
    assert "PRIMARY KEY (id, patient_id)" in definitions
    assert (
        "FOREIGN KEY (document_id, patient_id) REFERENCES records_document(id, patient_id) "
        "DEFERRABLE INITIALLY DEFERRED" in definitions
    )


@on_postgresql
def test_a_child_row_of_another_patients_document_is_refused_by_the_database():
    alice, carol, bob = make_patient(), make_patient("Carol"), make_professional()
    document = actions.deposit_document(pro(bob), alice, sample_pdf("CR", ["Examen normal"]), meta())
    with pytest.raises(IntegrityError), transaction.atomic():
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        StoredResource.objects.create(
            document=document, patient=carol, body={"resourceType": "DocumentReference"}
        )
    with transaction.atomic():  # the same row for the document's own patient is taken
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        StoredResource.objects.create(
            document=document, patient=alice, body={"resourceType": "DocumentReference"}
        )
    assert StoredResource.objects.get(document=document).patient_id == alice.pk


@on_postgresql
def test_the_migrated_schema_passes_strict_and_gets_its_distribution_script(capsys):
    make_patient()
    call_command("citus_check", "--strict")
    assert "0 tables with blockers" in capsys.readouterr().out
    call_command("citus_check", "--sql")
    script = capsys.readouterr().out
    assert "SELECT create_distributed_table('identity_nirlookup', 'nir', colocate_with => 'none');" in script
    assert script.rstrip().endswith("COMMIT;")


@on_sqlite
def test_the_distribution_script_is_refused_while_a_blocker_is_left():
    with pytest.raises(CommandError, match="block colocated distribution"):
        call_command("citus_check", "--sql")


def test_strict_fails_when_the_lookups_disagree_with_the_patients(capsys):
    patient = make_patient()
    NirLookup.objects.filter(patient_id=patient.pk).delete()  # as a path that forgot them would leave it
    with pytest.raises(CommandError, match="lookups of the NIR and the account disagree"):
        call_command("citus_check", "--strict")
    assert "1 patients without their NIR's row" in capsys.readouterr().out


def test_the_distribution_script_puts_patients_first_and_parents_before_children():
    rows = [dict(row, blockers=[]) for row in survey()]
    script = distribution_sql(rows).splitlines()
    distributed = [line for line in script if "create_distributed_table" in line]
    assert distributed[0] == "SELECT create_distributed_table('identity_patient', 'id');"
    position = {line.split("'")[1]: n for n, line in enumerate(distributed)}
    assert position["records_document"] < position["records_documentversion"]
    assert (
        position["messaging_conversation"] < position["messaging_message"] < position["messaging_attachment"]
    )
    assert "SELECT create_distributed_table('journal_entry', 'chain', colocate_with => 'none');" in script
    assert "SELECT create_reference_table('identity_professional');" in script
    assert "SELECT citus_add_local_table_to_metadata('notify_outboxmessage');" in script


@on_sqlite
def test_the_command_prints_the_summary_and_strict_fails_on_a_blocker(capsys):
    call_command("citus_check")
    out = capsys.readouterr().out
    assert "tables distributed" in out and "identity_patient" in out
    with pytest.raises(CommandError, match="block colocated distribution"):
        call_command("citus_check", "--strict")
