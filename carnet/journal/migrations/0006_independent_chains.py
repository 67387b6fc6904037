"""The journal becomes independent chains (carnet.journal.chain) whose heads checkpoints sign together.

Existing entries stay as they are: they form chain 0, the single chain of before, with their hashes and
links untouched (rewriting them would destroy the evidence, and earlier v1 checkpoints sign their head);
``chain_seq`` and ``prev_seq`` are left empty there (seq itself and seq - 1). No new entry joins chain 0:
every v2 checkpoint signs its head with the others, so it stays anchored. Adding the columns rewrites no row
on PostgreSQL (defaults are kept in the catalogue); SQLite rebuilds the tables, which drops their
triggers: they are put back. On PostgreSQL, ``seq`` now comes from a sequence, started after the last entry.
"""

from django.db import migrations, models

from carnet.journal import guard

SEQUENCE_UP = """
CREATE SEQUENCE IF NOT EXISTS journal_entry_seq_seq OWNED BY journal_entry.seq;
SELECT setval('journal_entry_seq_seq', COALESCE((SELECT MAX(seq) FROM journal_entry), 0) + 1, false);
"""
# One round trip for an append's first step: each chain's lock (in the order given), then, in statements
# that start after the locks are held (a VOLATILE function's statements each take a new snapshot), the
# chains' heads and the seqs.
CLAIM_UP = """
CREATE OR REPLACE FUNCTION carnet_journal_claim(chains integer[], wanted integer)
RETURNS TABLE(chain integer, chain_seq bigint, seq bigint, hash varchar) AS $$
DECLARE
    one integer;
BEGIN
    FOREACH one IN ARRAY chains LOOP
        PERFORM pg_advisory_xact_lock(1668443764, one);
    END LOOP;
    RETURN QUERY SELECT head.chain::integer, head.chain_seq, head.seq, head.hash
        FROM unnest(chains) AS wanted_chain(number) CROSS JOIN LATERAL (
            SELECT e.chain, e.chain_seq, e.seq, e.hash FROM journal_entry e
            WHERE e.chain = wanted_chain.number ORDER BY e.seq DESC LIMIT 1
        ) head;
    RETURN QUERY SELECT NULL::integer, NULL::bigint, nextval('journal_entry_seq_seq'), NULL::varchar
        FROM generate_series(1, wanted);
END;
$$ LANGUAGE plpgsql VOLATILE
"""
SEQUENCE_DOWN = "DROP FUNCTION IF EXISTS carnet_journal_claim; DROP SEQUENCE IF EXISTS journal_entry_seq_seq"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEQUENCE_UP, params=None)
        schema_editor.execute(CLAIM_UP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in guard.create_statements():
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEQUENCE_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0005_detail_as_canonical_text")]
    operations = [
        migrations.AddField(model_name="entry", name="chain", field=models.SmallIntegerField(default=0)),
        migrations.AddField(
            model_name="entry", name="chain_seq", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="entry", name="prev_seq", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AddIndex(
            model_name="entry", index=models.Index(fields=["chain", "seq"], name="journal_chain_seq")
        ),
        migrations.AddField(
            model_name="checkpoint", name="root", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AddField(model_name="checkpoint", name="heads", field=models.TextField(blank=True)),
        migrations.RunPython(forwards, backwards),
    ]
