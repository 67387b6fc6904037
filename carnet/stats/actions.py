"""The statistics' only writes: add what is new in the journal and the tables to the counters, then publish.

A run reads a window: journal entries after the last sequence read, rows stamped after the last run,
both up to ``now - CARNET_STATS_LAG_SECONDS``, so that transactions still open when the run starts
are read by the next one.
Everything is counted once; ``rebuild_statistics`` starts again from nothing.
"""

import datetime
import json
import time
from collections import Counter

from django.conf import settings
from django.utils import timezone

from carnet.access.actor import SYSTEM, Actor, Role
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.ops.router import standby_reads
from carnet.stats import grouped, publish, sources
from carnet.stats.models import ActiveProfessional, Cell, Cursor, DocumentReading, PublishedTable

PATIENT_SIDE = {Role.PATIENT, Role.REPRESENTATIVE, Role.CAREGIVER}
DELAY_BUCKETS = ((0, "0"), (1, "1"), (3, "2-3"), (7, "4-7"), (14, "8-14"), (30, "15-30"), (90, "31-90"))
CURSOR = "main"
CHUNK = 5000
# The tables read through stats.sources; the statistics' own tables are always read on the primary.
SOURCE_APPS = ("identity", "records", "journal", "access", "notify", "messaging")


@atomic_action
def refresh_statistics(actor: Actor = SYSTEM, *, now: datetime.datetime | None = None) -> Cursor:
    """Count what happened since the last run and publish the tables again."""
    authorize(actor, P.STATS_TABLES_REFRESH, None)
    return _count_and_publish(now)


@atomic_action
def rebuild_statistics(actor: Actor = SYSTEM, *, now: datetime.datetime | None = None) -> Cursor:
    """Forget every counter and count everything again (after a change of definitions)."""
    authorize(actor, P.STATS_TABLES_REFRESH, None, detail={"rebuild": True})
    for model in (Cell, DocumentReading, ActiveProfessional, Cursor, PublishedTable):
        model.objects.all().delete()
    return _count_and_publish(now)


def _count_and_publish(now: datetime.datetime | None) -> Cursor:
    started = time.monotonic()
    cursor, _ = Cursor.objects.select_for_update().get_or_create(name=CURSOR)
    until = (now or timezone.now()) - datetime.timedelta(seconds=settings.CARNET_STATS_LAG_SECONDS)
    counts: Counter = Counter()
    if grouped.available():  # on the primary: its work tables are written there
        grouped.count_window(counts, cursor.until, until)
    with standby_reads(*SOURCE_APPS):  # the other apps' rows may come from the standby (lag tolerated)
        if not grouped.available():
            _count_spaces(counts, cursor.until, until)
            _count_deposits(counts, cursor.until, until)
        _count_oppositions(counts, cursor.until, until)
        cursor.journal_seq = _count_journal(counts, cursor.journal_seq, until)
        _count_reviews_and_notifications(counts, cursor.until, until)
        _count_messages(counts, cursor.until, until)
    _add(counts)
    publish.publish_all(until)
    cursor.until, cursor.last_run_at = until, timezone.now()
    cursor.last_run_seconds = round(time.monotonic() - started, 3)
    cursor.save()
    return cursor


def _month_of(when) -> datetime.date:
    day = timezone.localdate(when) if isinstance(when, datetime.datetime) else when
    return day.replace(day=1)


def _key(metric, when, person, dimension="") -> tuple:
    department, band = sources.demography(person, timezone.localdate(when))
    return metric, _month_of(when), department, band, dimension


def _count_spaces(counts: Counter, since, until) -> None:
    events = list(sources.space_events(since, until))
    people = sources.people(pk for _m, pk, _w in events)
    for metric, pk, when in events:
        counts[_key(metric, when, people.get(pk))] += 1


def _count_oppositions(counts: Counter, since, until) -> None:
    for when in sources.oppositions(since, until):
        counts["spaces_opposed", _month_of(when), "", "", ""] += 1


def _count_deposits(counts: Counter, since, until) -> None:
    batch: list = []
    for row in sources.deposits(since, until):
        batch.append(row)
        if len(batch) >= CHUNK:
            _deposit_batch(counts, batch)
            batch = []
    _deposit_batch(counts, batch)


def _deposit_batch(counts: Counter, rows: list) -> None:
    people = sources.people(row[1] for row in rows)
    readings = []
    for pk, patient_id, at, class_code, author_id, profession, depositor in rows:
        person = people.get(patient_id)
        key = _key("documents_deposited", at, person, class_code)
        counts[key] += 1
        counts[("documents_deposited_by_author", *key[1:4], profession or depositor)] += 1
        readings.append(
            DocumentReading(
                document_id=pk,
                patient_id=patient_id,
                deposited_at=at,
                author_professional_id=author_id,
                department=key[2],
                age_band=key[3],
                class_code=class_code,
            )
        )
    DocumentReading.objects.bulk_create(readings, ignore_conflicts=True)


def _count_journal(counts: Counter, after_seq: int, until) -> int:
    batch: list = []
    last = after_seq
    for row in sources.journal_entries(after_seq, until):
        batch.append(row)
        last = row[0]
        if len(batch) >= CHUNK:
            _journal_batch(counts, batch)
            batch = []
    _journal_batch(counts, batch)
    return last


def _journal_batch(counts: Counter, rows: list) -> None:
    if not rows:
        return
    people = sources.people(row[5] for row in rows if row[5])
    read_ids = {row[6] for row in rows if row[2] == P.RECORD_DOCUMENT_READ}
    readings = {str(r.document_id): r for r in DocumentReading.objects.filter(document_id__in=read_ids)}
    changed: dict = {}
    active: set = set()
    for _seq, at, action, role, professional_id, patient_id, resource_id, detail in rows:
        if professional_id:
            active.add((_month_of(at), professional_id))
        if action == P.RECORD_DOCUMENT_READ and resource_id in readings:
            if _first_read(counts, readings[resource_id], at, role, professional_id):
                changed[resource_id] = readings[resource_id]
            continue
        metric_dimension = _event(action, json.loads(detail or "{}"))
        if metric_dimension is not None:
            counts[_key(metric_dimension[0], at, people.get(patient_id), metric_dimension[1])] += 1
    fields = ["first_professional_read_at", "first_patient_read_at"]
    DocumentReading.objects.bulk_update(list(changed.values()), fields)
    _count_active(counts, active)


def _event(action: str, detail: dict) -> tuple[str, str] | None:
    """Which counter a journal event adds to, with its dimension."""
    if action == P.ACCESS_EMERGENCY_OPEN:
        return "emergency_accesses", "emergency"
    if action == P.ACCESS_SAMU_OPEN:
        return "emergency_accesses", "samu"
    if action == P.ACCESS_GRANT_CREATE:
        return "grants", str(detail.get("mode", ""))
    if action == P.RECORD_DOCUMENT_SET_VISIBILITY:
        return "visibility_changes", str(detail.get("visibility", ""))
    if action == P.ACCESS_SETTINGS_MANAGE and ("block" in detail or "unblock" in detail):
        return "blocks", "block" if "block" in detail else "unblock"
    return None


def _first_read(counts: Counter, reading: DocumentReading, at, role: str, professional_id) -> bool:
    """Count a document's first read by a professional other than its author, and by the patient's side."""
    unread = reading.first_professional_read_at is None and reading.first_patient_read_at is None
    person = (reading.department, reading.age_band)
    if role == Role.PROFESSIONAL and professional_id != reading.author_professional_id:
        if reading.first_professional_read_at is not None:
            return False
        reading.first_professional_read_at = at
        counts["documents_read_by_professional", _month_of(at), *person, reading.class_code] += 1
        delay = (at - reading.deposited_at).days
        counts["first_professional_read_delay", _month_of(reading.deposited_at), *person, _bucket(delay)] += 1
    elif role in PATIENT_SIDE and reading.first_patient_read_at is None:
        reading.first_patient_read_at = at
        counts["documents_read_by_patient", _month_of(at), *person, reading.class_code] += 1
    else:
        return False
    if unread:
        delay = (at - reading.deposited_at).days
        for days in (30, 90):
            if delay <= days:
                counts[f"documents_read_within_{days}", _month_of(reading.deposited_at), *person, ""] += 1
    return True


def _bucket(days: int) -> str:
    for limit, label in DELAY_BUCKETS:
        if days <= limit:
            return label
    return "91+"


def _count_active(counts: Counter, active: set) -> None:
    months = {month for month, _pk in active}
    known = set(
        ActiveProfessional.objects.filter(
            month__in=months, professional_id__in={pk for _m, pk in active}
        ).values_list("month", "professional_id")
    )
    new = active - known
    ActiveProfessional.objects.bulk_create(
        [ActiveProfessional(month=month, professional_id=pk) for month, pk in new]
    )
    details = sources.professions(pk for _m, pk in new)
    for month, pk in new:
        profession, department = details.get(pk, ("", ""))
        counts["professionals_active", month, department, "", profession] += 1


def _count_reviews_and_notifications(counts: Counter, since, until) -> None:
    reviews = list(sources.reviews(since, until))
    written, printed = sources.notifications(since, until)
    written, printed = list(written), list(printed)
    people = sources.people([r[0] for r in reviews] + [w[0] for w in written] + [p[0] for p in printed])
    for patient_id, when, outcome in reviews:
        counts[_key("emergency_reviews", when, people.get(patient_id), outcome)] += 1
    for patient_id, when, channel in written:
        counts[_key("notifications", when, people.get(patient_id), channel)] += 1
    for patient_id, when in printed:
        counts[_key("letters_printed", when, people.get(patient_id))] += 1


def _count_messages(counts: Counter, since, until) -> None:
    rows = list(sources.messages(since, until))
    people = sources.people(row[0] for row in rows)
    for patient_id, when, side, channel in rows:
        key = _key("messages_exchanged", when, people.get(patient_id), side)
        counts[key] += 1
        counts[("messages_by_channel", *key[1:4], channel)] += 1


def _add(counts: Counter) -> None:
    """Add the run's counts to the stored counters (one read, one bulk write)."""
    if not counts:
        return
    metrics = {key[0] for key in counts}
    months = {key[1] for key in counts}
    existing = {
        (c.metric, c.month, c.department, c.age_band, c.dimension): c
        for c in Cell.objects.filter(metric__in=metrics, month__in=months)
    }
    created, updated = [], []
    for key, value in counts.items():
        cell = existing.get(key)
        if cell is None:
            created.append(
                Cell(
                    metric=key[0],
                    month=key[1],
                    department=key[2],
                    age_band=key[3],
                    dimension=key[4],
                    value=value,
                )
            )
        else:
            cell.value += value
            updated.append(cell)
    Cell.objects.bulk_create(created, batch_size=2000)
    Cell.objects.bulk_update(updated, ["value"], batch_size=2000)
