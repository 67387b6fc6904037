"""Counting a window inside PostgreSQL: the database groups the deposits and the spaces' events and Python
sees one row per group (month, department, age, dimension) instead of one row per document, so a full
rebuild over 10 M documents costs minutes, not hours. The figures are the same as the row-by-row path's
(``actions``), which SQLite uses: the test suite runs on both and checks the same counts.

A patient's department comes from the address parser in ``geography`` (one Python call per patient of the
window, written into a temporary table), so both paths read addresses the same way; ages are computed by
the database on the local date, as ``geography.age_band`` does.
"""

from collections import Counter

from django.conf import settings
from django.db import connection

from carnet.identity.models import Patient, Professional
from carnet.records.models import Document
from carnet.stats.geography import AGE_BANDS, band_of_age, department_of_address
from carnet.stats.models import DocumentReading

PERSON = "stats_run_person"
CHUNK = 20000
SPACE_COLUMNS = (
    ("spaces_created", "created_at"),
    ("spaces_activated", "activated_at"),
    ("spaces_closed", "closed_at"),
)


def available() -> bool:
    return connection.vendor == "postgresql"


def count_window(counts: Counter, since, until) -> None:
    """Spaces' events and deposits of the window, added to ``counts``; one reading row per new document."""
    with connection.cursor() as cursor:
        _people(cursor, since, until)
        for metric, column in SPACE_COLUMNS:
            _add_groups(counts, cursor, metric, *_spaces_sql(column, since, until))
        _add_groups(counts, cursor, "documents_deposited", *_deposits_sql(since, until, "d.class_code"))
        author = "coalesce(nullif(pr.profession, ''), d.depositor)"
        _add_groups(counts, cursor, "documents_deposited_by_author", *_deposits_sql(since, until, author))
        cursor.execute(*_readings_sql(since, until))
        cursor.execute(f"DROP TABLE {PERSON}")


def _window(column: str, since, until) -> tuple[str, dict]:
    where = f"{column} IS NOT NULL AND {column} <= %(until)s"
    if since is not None:
        where += f" AND {column} > %(since)s"
    return where, {"since": since, "until": until, "tz": settings.TIME_ZONE}


def _people(cursor, since, until) -> None:
    """The temporary (patient, department) table of every patient the window's rows name."""
    cursor.execute(f"CREATE TEMPORARY TABLE {PERSON} (patient_id bigint PRIMARY KEY, department varchar(3))")
    rows = Patient.objects.all()
    if since is not None:  # a run after the first: the few patients its window names
        touched = Document.objects.filter(**_bounds("created_at", since, until)).values("patient_id")
        rows = rows.filter(pk__in=touched)
        for _metric, column in SPACE_COLUMNS:
            rows = rows | Patient.objects.filter(**_bounds(column, since, until))
    rows = rows.distinct().order_by("pk").values_list("pk", "address")
    after = 0
    while chunk := list(rows.filter(pk__gt=after)[:CHUNK]):
        # Read a chunk, then copy it: the connection cannot run a query while a COPY is open.
        with cursor.cursor.copy(f"COPY {PERSON} (patient_id, department) FROM STDIN") as copy:
            for pk, address in chunk:
                copy.write_row((pk, department_of_address(address)))
        after = chunk[-1][0]
    cursor.execute(f"ANALYZE {PERSON}")


def _bounds(column: str, since, until) -> dict:
    bounds = {f"{column}__lte": until}
    if since is not None:
        bounds[f"{column}__gt"] = since
    return bounds


def _local(column: str) -> str:
    return f"({column} AT TIME ZONE %(tz)s)"


def _age(column: str) -> str:
    return f"date_part('year', age({_local(column)}::date, ip.birth_date))::int"


def _spaces_sql(column: str, since, until) -> tuple[str, dict]:
    where, params = _window(f"ip.{column}", since, until)
    column = f"ip.{column}"
    sql = (
        f"SELECT date_trunc('month', {_local(column)})::date, p.department, {_age(column)}, '', "
        f"count(*) FROM {Patient._meta.db_table} ip JOIN {PERSON} p ON p.patient_id = ip.id "
        f"WHERE {where} GROUP BY 1, 2, 3"
    )
    return sql, params


def _deposits_sql(since, until, dimension: str) -> tuple[str, dict]:
    where, params = _window("d.created_at", since, until)
    sql = (
        f"SELECT date_trunc('month', {_local('d.created_at')})::date, p.department, {_age('d.created_at')}, "
        f"{dimension}, count(*) FROM {Document._meta.db_table} d "
        f"JOIN {PERSON} p ON p.patient_id = d.patient_id "
        f"JOIN {Patient._meta.db_table} ip ON ip.id = d.patient_id "
        f"LEFT JOIN {Professional._meta.db_table} pr ON pr.id = d.author_id "
        f"WHERE {where} GROUP BY 1, 2, 3, 4"
    )
    return sql, params


def _band_case() -> str:
    """geography.band_of_age in SQL, for the reading rows written by the database itself."""
    whens = " ".join(
        f"WHEN {{age}} BETWEEN {int(low)} AND {int(high)} THEN '{band}'"
        for band in AGE_BANDS[:-1]
        for low, high in [band.split("-")]
    )
    return f"CASE {whens} ELSE '{AGE_BANDS[-1]}' END"


def _readings_sql(since, until) -> tuple[str, dict]:
    where, params = _window("d.created_at", since, until)
    band = _band_case().format(age=_age("d.created_at"))
    sql = (
        f"INSERT INTO {DocumentReading._meta.db_table} (document_id, patient_id, deposited_at, "
        f"author_professional_id, department, age_band, class_code) "
        f"SELECT d.id, d.patient_id, d.created_at, d.author_id, p.department, {band}, d.class_code "
        f"FROM {Document._meta.db_table} d JOIN {PERSON} p ON p.patient_id = d.patient_id "
        f"JOIN {Patient._meta.db_table} ip ON ip.id = d.patient_id "
        f"WHERE {where} ON CONFLICT DO NOTHING"
    )
    return sql, params


def _add_groups(counts: Counter, cursor, metric: str, sql: str, params: dict) -> None:
    cursor.execute(sql, params)
    for month, department, age, dimension, value in cursor.fetchall():
        counts[metric, month, department, band_of_age(age), dimension or ""] += value
