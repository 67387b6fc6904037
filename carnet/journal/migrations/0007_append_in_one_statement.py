"""An append is one call to the database (``carnet_journal_append``), and the hash column loses its
uniqueness and its two indexes.

On PostgreSQL the function does, in one round trip, what ``carnet_journal_claim`` and an INSERT did in two:
each chain's lock (in chain order), then per entry its chain's head, a seq, the link and the hash
(SHA-256 over the previous hash and the entry's canonical bytes, the same bytes as
``models.canonical_bytes``: the caller sends everything after the four link fields, the function writes
those four in front), and the insert. Its results are checked by every verification, which recomputes
the hashes in Python.

The hash needs no unique index: each entry's hash is checked against its predecessor's link, so a
duplicate cannot go unnoticed; the index cost every append two index insertions (the unique one and
Django's ``varchar_pattern_ops`` twin) for no query. ``carnet_journal_claim`` (the two-step append's first
step) is dropped. SQLite rebuilds the table for the change, which
drops its triggers: they are put back.
"""

import importlib

from django.db import migrations, models

from carnet.journal import guard

APPEND_UP = """
CREATE OR REPLACE FUNCTION carnet_journal_append(
    p_chain smallint[], p_tail bytea[], p_at timestamptz[], p_actor_role text[], p_actor_user_id bigint[],
    p_actor_professional_id bigint[], p_actor_label text[], p_on_behalf_of_patient_id bigint[],
    p_on_behalf_of_label text[], p_patient_id bigint[], p_action text[], p_resource_type text[],
    p_resource_id text[], p_channel text[], p_allowed boolean[], p_rule text[], p_reason text[],
    p_detail text[])
RETURNS TABLE(seq bigint, chain_seq bigint, prev_seq bigint, prev_hash varchar, hash varchar) AS $$
DECLARE
    one integer;
    i integer;
    head_chain_seq bigint;
    head_seq bigint;
    head_hash varchar;
    new_seq bigint;
    digest varchar;
BEGIN
    FOR one IN SELECT DISTINCT c FROM unnest(p_chain) AS c ORDER BY c LOOP
        PERFORM pg_advisory_xact_lock(1668443764, one);
    END LOOP;
    FOR i IN 1 .. array_length(p_chain, 1) LOOP
        SELECT e.chain_seq, e.seq, e.hash INTO head_chain_seq, head_seq, head_hash FROM journal_entry e
            WHERE e.chain = p_chain[i] ORDER BY e.seq DESC LIMIT 1;
        IF NOT FOUND THEN
            head_chain_seq := 0;
            head_seq := 0;
            head_hash := repeat('0', 64);
        END IF;
        new_seq := nextval('journal_entry_seq_seq');
        digest := encode(sha256(convert_to(head_hash || p_chain[i] || E'\\t' || (head_chain_seq + 1) || E'\\t'
            || head_seq || E'\\t' || new_seq || E'\\t', 'UTF8') || p_tail[i]), 'hex');
        INSERT INTO journal_entry (seq, chain, chain_seq, prev_seq, at, actor_role, actor_user_id,
            actor_professional_id, actor_label, on_behalf_of_patient_id, on_behalf_of_label, patient_id,
            action, resource_type, resource_id, channel, allowed, rule, reason, detail, prev_hash, hash)
        VALUES (new_seq, p_chain[i], head_chain_seq + 1, head_seq, p_at[i], p_actor_role[i],
            p_actor_user_id[i], p_actor_professional_id[i], p_actor_label[i], p_on_behalf_of_patient_id[i],
            p_on_behalf_of_label[i], p_patient_id[i], p_action[i], p_resource_type[i], p_resource_id[i],
            p_channel[i], p_allowed[i], p_rule[i], p_reason[i], p_detail[i], head_hash, digest);
        seq := new_seq;
        chain_seq := head_chain_seq + 1;
        prev_seq := head_seq;
        prev_hash := head_hash;
        hash := digest;
        RETURN NEXT;
    END LOOP;
END;
$$ LANGUAGE plpgsql VOLATILE
"""
APPEND_DOWN = "DROP FUNCTION IF EXISTS carnet_journal_append"
CLAIM_DOWN = "DROP FUNCTION IF EXISTS carnet_journal_claim"  # the two-step append's first step, unused now


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_UP, params=None)
        schema_editor.execute(CLAIM_DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":  # the table was rebuilt: its triggers are put back
        for statement in guard.create_statements():
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_DOWN, params=None)
        previous = importlib.import_module("carnet.journal.migrations.0006_independent_chains")
        schema_editor.execute(previous.CLAIM_UP, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0006_independent_chains")]
    operations = [
        migrations.AlterField(model_name="entry", name="hash", field=models.CharField(max_length=64)),
        migrations.RunPython(forwards, backwards),
    ]
