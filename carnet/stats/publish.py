"""From counters to published tables: one table per question, months down the side, a breakdown across,
totals, and statistical secrecy applied (``suppression.protect``). Codes are stored; the pages name them
in the reader's language."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from carnet.stats import suppression
from carnet.stats.geography import AGE_BANDS, DEPARTMENTS, REGIONS, region_of
from carnet.stats.models import Cell, PublishedTable

MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Spec:
    slug: str
    metric: str
    across: str  # "region", "age", "dimension", "none"


SPECS = (
    Spec("espaces-crees-par-region", "spaces_created", "region"),
    Spec("espaces-crees-par-age", "spaces_created", "age"),
    Spec("espaces-actives-par-region", "spaces_activated", "region"),
    Spec("espaces-actives-par-age", "spaces_activated", "age"),
    Spec("espaces-fermes-par-region", "spaces_closed", "region"),
    Spec("oppositions", "spaces_opposed", "none"),
    Spec("documents-deposes-par-classe", "documents_deposited", "dimension"),
    Spec("documents-deposes-par-auteur", "documents_deposited_by_author", "dimension"),
    Spec("documents-deposes-par-region", "documents_deposited", "region"),
    Spec("documents-lus-par-un-professionnel", "documents_read_by_professional", "dimension"),
    Spec("documents-lus-par-un-professionnel-par-region", "documents_read_by_professional", "region"),
    Spec("documents-lus-par-le-patient", "documents_read_by_patient", "dimension"),
    Spec("delai-avant-premiere-lecture", "first_professional_read_delay", "dimension"),
    Spec("professionnels-actifs", "professionals_active", "dimension"),
    Spec("acces-en-urgence", "emergency_accesses", "dimension"),
    Spec("examens-des-acces-en-urgence", "emergency_reviews", "dimension"),
    Spec("autorisations-par-mode", "grants", "dimension"),
    Spec("masquage", "visibility_changes", "dimension"),
    Spec("blocages", "blocks", "dimension"),
    Spec("notifications-par-canal", "notifications", "dimension"),
    Spec("courriers-imprimes", "letters_printed", "none"),
    Spec("messages-echanges", "messages_exchanged", "dimension"),
    Spec("messages-par-canal", "messages_by_channel", "dimension"),
)
READ_WITHIN = "documents-jamais-lus"
MAP = "carte-espaces-actives"


def publish_all(until: datetime.datetime) -> None:
    """Rebuild every published table from the counters (a few thousand rows: cheap)."""
    months = _months(until)
    for spec in SPECS:
        _store(spec.slug, _cross_table(spec, months))
    _store(READ_WITHIN, _read_within(months, until))
    _store(MAP, _map(until))


def _months(until) -> list[datetime.date]:
    last = timezone.localdate(until).replace(day=1)
    first = Cell.objects.order_by("month").values_list("month", flat=True).first() or last
    months, month = [], last
    while month >= first and len(months) < MONTHS_SHOWN:
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _group(spec: Spec, department: str, band: str, dimension: str) -> str:
    return {
        "region": region_of(department),
        "age": band,
        "dimension": dimension,
        "none": "total",
    }[spec.across]


def _columns(spec: Spec, present: set) -> list[str]:
    if spec.across == "region":
        return list(REGIONS) + ([""] if "" in present else [])
    if spec.across == "age":
        return list(AGE_BANDS) + ([""] if "" in present else [])
    if spec.across == "none" or not present:
        return ["total"]
    return sorted(present)


def _cross_table(spec: Spec, months: list) -> dict:
    sums: dict = defaultdict(int)
    rows = Cell.objects.filter(metric=spec.metric, month__in=months).values_list(
        "month", "department", "age_band", "dimension", "value"
    )
    for month, department, band, dimension, value in rows:
        sums[month, _group(spec, department, band, dimension)] += value
    columns = _columns(spec, {group for _m, group in sums})
    cells = [[sums.get((month, column), 0) for column in columns] for month in months]
    table = suppression.Table([m.isoformat() for m in months], columns, cells, row_totals=len(columns) > 1)
    return _as_data(suppression.protect(table), spec.across)


def _read_within(months: list, until) -> dict:
    """Per deposit month old enough: documents deposited, and read by anyone but their author within 30 and
    within 90 days (the share never read follows)."""
    metrics = ("documents_deposited", "documents_read_within_30", "documents_read_within_90")
    sums = dict(
        ((month, metric), total)
        for month, metric, total in Cell.objects.filter(metric__in=metrics, month__in=months)
        .values_list("month", "metric")
        .annotate(total=Sum("value"))
        .values_list("month", "metric", "total")
    )
    today = timezone.localdate(until)
    old = [m for m in months if _month_end(m) + datetime.timedelta(days=30) <= today]
    cells = []
    for month in old:
        ninety_ready = _month_end(month) + datetime.timedelta(days=90) <= today
        line = [sums.get((month, metric), 0) for metric in metrics]
        cells.append(line if ninety_ready else [*line[:2], 0])
    table = suppression.Table([m.isoformat() for m in old], list(metrics), cells, row_totals=False)
    data = _as_data(suppression.protect(table), "dimension")
    data["ninety_ready"] = [_month_end(m) + datetime.timedelta(days=90) <= today for m in old]
    return data


def _map(until) -> dict:
    """Spaces activated over the last twelve months, by department."""
    since = (timezone.localdate(until).replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    totals = dict(
        Cell.objects.filter(metric="spaces_activated", month__gte=since)
        .values_list("department")
        .annotate(total=Sum("value"))
        .values_list("department", "total")
    )
    departments = list(DEPARTMENTS) + ([""] if "" in totals else [])
    cells = [[totals.get(code, 0)] for code in departments]
    table = suppression.Table(departments, ["total"], cells, row_totals=False)
    data = _as_data(suppression.protect(table), "department")
    data["since"] = since.isoformat()
    return data


def _as_data(table: suppression.Table, across: str) -> dict:
    status = table.status
    values = table.values()

    def shown(key):
        return None if key in status else values.get(key)

    r, c = range(len(table.rows)), range(len(table.columns))
    return {
        "rows": table.rows,
        "columns": table.columns,
        "across": across,
        "cells": [[shown(("cell", i, j)) for j in c] for i in r],
        "status": [[status.get(("cell", i, j)) for j in c] for i in r],
        "row_totals": [shown(("row", i)) for i in r] if table.row_totals else None,
        "row_status": [status.get(("row", i)) for i in r] if table.row_totals else None,
        "column_totals": [shown(("column", j)) for j in c] if table.column_totals else None,
        "column_status": [status.get(("column", j)) for j in c] if table.column_totals else None,
        "grand": shown(("grand",)),
        "grand_status": status.get(("grand",)),
    }


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _store(slug: str, data: dict) -> None:
    PublishedTable.objects.update_or_create(
        slug=slug, defaults={"data": data, "generated_at": timezone.now()}
    )
