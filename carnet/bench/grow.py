"""Growing the benchmark database to 10 k / 100 k / 1 M patients quickly.

On PostgreSQL the filler rows are generated server-side (INSERT ... SELECT over generate_series: no Python per
row, faster than COPY from the client). Filler patients carry format-valid NIRs (key 97 - n mod 97) in the
"born abroad" range (département 99) so they never collide with the realistic Faker population of
``carnet seed``; filler documents are metadata only (no content, see ``carnet.records.bulk``).
On SQLite the same rows go through bulk_create.
"""

import time

from django.db import connection, transaction

from carnet.identity import lookups
from carnet.identity.models import Patient
from carnet.records.bulk import add_metadata_documents

FILLER_NAME = "REMPLISSAGE"

PATIENTS_SQL = """
INSERT INTO identity_patient (nir, birth_name, used_name, first_names, birth_date, sex, birthplace_code,
    email, phone, address, state, state_changed_at, created_at, language, nir_hash)
SELECT n13 || lpad((97 - (n13::bigint %% 97))::text, 2, '0'), %(name)s::text, '', 'Camille',
    DATE '1950-01-01' + (g %% 25000)::int,
    CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, '99' || lpad(((g / 1200) %% 1000)::text, 3, '0'),
    '', '', '', 'open', now(), now(), 'fr', ''
FROM (
    SELECT g, (1 + g %% 2)::text || lpad((g %% 100)::text, 2, '0')
        || lpad((1 + (g / 100) %% 12)::text, 2, '0')
        || '99' || lpad(((g / 1200) %% 1000)::text, 3, '0') || lpad((1 + g / 1200000)::text, 3, '0') AS n13
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
) AS numbered
"""

LOOKUPS_SQL = """
INSERT INTO identity_nirlookup (nir, patient_id)
SELECT nir, id FROM identity_patient WHERE id > %(after)s AND birth_name = %(name)s
"""


def grow_to(patients: int, documents_per_patient: int) -> dict:
    """Add filler patients (and their metadata documents) until the database holds ``patients`` patients."""
    have = Patient.objects.count()
    missing = max(0, patients - have)
    if not missing:
        return {"patients": have, "added_patients": 0}
    first = Patient.objects.filter(birth_name=FILLER_NAME).count()
    after = Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                params = {"name": FILLER_NAME, "first": first, "last": first + missing - 1}
                cursor.execute(PATIENTS_SQL, params)
                cursor.execute(LOOKUPS_SQL, {"name": FILLER_NAME, "after": after})
            add_metadata_documents(after, documents_per_patient, birth_name=FILLER_NAME)
        vacuum_began = time.perf_counter()
        with connection.cursor() as cursor:
            # What an operator runs after a bulk load (and autovacuum would otherwise start in the middle of
            # the measurement): visibility map and hint bits set, statistics fresh.
            # (Inside a transaction, as in the test suite, VACUUM cannot run: statistics only.)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} identity_patient")
            cursor.execute(f"{command} records_document")
        vacuum = round(time.perf_counter() - vacuum_began, 1)
    else:
        _grow_sqlite(first, missing, documents_per_patient, after)
        vacuum = 0.0
    return {"patients": Patient.objects.count(), "added_patients": missing, "vacuum_seconds": vacuum}


def _grow_sqlite(first: int, missing: int, per: int, after: int) -> None:
    import datetime

    from carnet.identity.nir import make_nir
    from carnet.records.bulk import metadata_rows

    rows = [
        Patient(
            nir=make_nir(
                1 + g % 2, 1950 + g % 50, 1 + (g // 50) % 12, "99", (g // 600) % 1000, 1 + g // 600000
            ),
            birth_name=FILLER_NAME,
            first_names="Camille",
            birth_date=datetime.date(1950, 1, 1),
            sex="FM"[g % 2],
            state=Patient.State.OPEN,
        )
        for g in range(first, first + missing)
    ]
    with transaction.atomic():
        lookups.record_new(Patient.objects.bulk_create(rows, batch_size=2000))
        ids = list(Patient.objects.filter(pk__gt=after, birth_name=FILLER_NAME).values_list("pk", flat=True))
        metadata_rows(ids, per, seed=after, author_id=None)
