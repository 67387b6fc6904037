"""One entry, the common case (a read journaled outside a transaction), is appended by a function taking
scalars: ``carnet_journal_append_one``. The array function of migration 0007 keeps its signature and now
locks its chains in chain order, then calls the one-entry function per entry (advisory locks are
re-entrant: the second lock of a chain is free), so the link and hash are written in one place.

Why: with arrays, the client dumps eighteen one-element arrays per read; with scalars it sends eighteen
values. Measured with ``carnet bench journal`` (docs/performance.md), it halves the client's CPU per
append, which is what bounds the appends/s of many writers on few cores.
"""

import importlib

from django.db import migrations

ONE_UP = """
CREATE OR REPLACE FUNCTION carnet_journal_append_one(
    p_chain smallint, p_tail bytea, p_at timestamptz, p_actor_role text, p_actor_user_id bigint,
    p_actor_professional_id bigint, p_actor_label text, p_on_behalf_of_patient_id bigint,
    p_on_behalf_of_label text, p_patient_id bigint, p_action text, p_resource_type text,
    p_resource_id text, p_channel text, p_allowed boolean, p_rule text, p_reason text, p_detail text,
    OUT seq bigint, OUT chain_seq bigint, OUT prev_seq bigint, OUT prev_hash varchar, OUT hash varchar)
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1668443764, p_chain);
    SELECT e.chain_seq, e.seq, e.hash INTO chain_seq, prev_seq, prev_hash FROM journal_entry e
        WHERE e.chain = p_chain ORDER BY e.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        chain_seq := 0;
        prev_seq := 0;
        prev_hash := repeat('0', 64);
    END IF;
    chain_seq := chain_seq + 1;
    seq := nextval('journal_entry_seq_seq');
    hash := encode(sha256(convert_to(prev_hash || p_chain || E'\\t' || chain_seq || E'\\t' || prev_seq
        || E'\\t' || seq || E'\\t', 'UTF8') || p_tail), 'hex');
    INSERT INTO journal_entry (seq, chain, chain_seq, prev_seq, at, actor_role, actor_user_id,
        actor_professional_id, actor_label, on_behalf_of_patient_id, on_behalf_of_label, patient_id,
        action, resource_type, resource_id, channel, allowed, rule, reason, detail, prev_hash, hash)
    VALUES (seq, p_chain, chain_seq, prev_seq, p_at, p_actor_role, p_actor_user_id,
        p_actor_professional_id, p_actor_label, p_on_behalf_of_patient_id, p_on_behalf_of_label,
        p_patient_id, p_action, p_resource_type, p_resource_id, p_channel, p_allowed, p_rule, p_reason,
        p_detail, prev_hash, hash);
END;
$$ LANGUAGE plpgsql VOLATILE
"""

MANY_UP = """
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
BEGIN
    FOR one IN SELECT DISTINCT c FROM unnest(p_chain) AS c ORDER BY c LOOP
        PERFORM pg_advisory_xact_lock(1668443764, one);
    END LOOP;
    FOR i IN 1 .. array_length(p_chain, 1) LOOP
        SELECT a.seq, a.chain_seq, a.prev_seq, a.prev_hash, a.hash
            INTO seq, chain_seq, prev_seq, prev_hash, hash
            FROM carnet_journal_append_one(p_chain[i], p_tail[i], p_at[i], p_actor_role[i],
                p_actor_user_id[i], p_actor_professional_id[i], p_actor_label[i],
                p_on_behalf_of_patient_id[i], p_on_behalf_of_label[i], p_patient_id[i], p_action[i],
                p_resource_type[i], p_resource_id[i], p_channel[i], p_allowed[i], p_rule[i], p_reason[i],
                p_detail[i]) AS a;
        RETURN NEXT;
    END LOOP;
END;
$$ LANGUAGE plpgsql VOLATILE
"""
ONE_DOWN = "DROP FUNCTION IF EXISTS carnet_journal_append_one"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ONE_UP, params=None)
        schema_editor.execute(MANY_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("carnet.journal.migrations.0007_append_in_one_statement")
        schema_editor.execute(previous.APPEND_UP, params=None)
        schema_editor.execute(ONE_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0007_append_in_one_statement")]
    operations = [migrations.RunPython(forwards, backwards)]
