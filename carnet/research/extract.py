"""What an extract holds, built from the record's metadata and codes: pseudonymised with the study's own
key (the same person has unrelated pseudonyms in two studies), no direct identifier, every date shifted
by a per-person offset, free text only where the study asked and the person accepted. Reads the other
apps' tables directly: this is the research extract's only window on them."""

import csv
import datetime
import hashlib
import hmac
import io
from collections import Counter

from django.utils import timezone

from carnet.identity.models import Patient
from carnet.records.models import Document, ProfileEntry, Visibility
from carnet.stats import suppression
from carnet.stats.geography import age_band, department_of_address, region_of

SHIFT_DAYS = 30
HEADER = ["pseudonyme", "categorie", "type", "code", "date", "texte"]


def pseudonym(study, patient_id: int) -> str:
    return _mac(study, f"person:{patient_id}")[:20]


def shift(study, patient_id: int) -> datetime.timedelta:
    """The same offset for every date of one person in one study, between -30 and +30 days."""
    return datetime.timedelta(
        days=int(_mac(study, f"shift:{patient_id}")[:8], 16) % (2 * SHIFT_DAYS + 1) - SHIFT_DAYS
    )


def build(study, patients: list[Patient], free_text: set[int]) -> tuple[str, dict]:
    """The extract as CSV (one line per fact) and its summary table, under the small-count rule."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for patient in patients:
        for line in _lines(study, patient, patient.pk in free_text):
            writer.writerow(line)
    return out.getvalue(), _summary(patients)


def _lines(study, patient: Patient, with_text: bool):
    alias, offset = pseudonym(study, patient.pk), shift(study, patient.pk)
    if "demography" in study.categories:
        region = region_of(department_of_address(patient.address))
        yield [alias, "demographie", "annee-naissance", str((patient.birth_date + offset).year), "", ""]
        yield [alias, "demographie", "sexe", patient.sex, "", ""]
        yield [alias, "demographie", "region", region, "", ""]
    if "documents" in study.categories:
        documents = Document.objects.filter(
            patient=patient,
            care_date__range=(study.period_start, study.period_end),
            status__in=[Document.Status.CURRENT, Document.Status.SUPERSEDED],
            minor_secret=False,
        ).exclude(visibility=Visibility.PRIVATE)
        for document in documents:
            text = document.title if with_text else ""
            yield [
                alias,
                "document",
                document.type_code,
                document.class_code,
                str(document.care_date + offset),
                text,
            ]
    if "profile" in study.categories:
        entries = ProfileEntry.objects.filter(
            patient=patient, date__range=(study.period_start, study.period_end)
        ).exclude(status=ProfileEntry.Status.ENTERED_IN_ERROR)
        for entry in entries:
            text = entry.label if with_text else ""
            yield [alias, "profil", entry.kind, entry.code, str(entry.date + offset), text]


def _summary(patients: list[Patient]) -> dict:
    """People included by sex and age band, with statistical secrecy applied like the public tables."""
    today = timezone.localdate()
    counts = Counter((p.sex, age_band(p.birth_date, today)) for p in patients)
    sexes = ["F", "M"]
    bands = sorted({band for _sex, band in counts} | {"18-29"})
    table = suppression.protect(
        suppression.Table(sexes, bands, [[counts.get((sex, band), 0) for band in bands] for sex in sexes])
    )
    values = table.values()
    return {
        "rows": sexes,
        "columns": bands,
        "cells": [
            [None if ("cell", r, c) in table.status else values[("cell", r, c)] for c in range(len(bands))]
            for r in range(len(sexes))
        ],
        "total": None if ("grand",) in table.status else values[("grand",)],
    }


def _mac(study, message: str) -> str:
    return hmac.new(bytes.fromhex(study.pseudonym_key), message.encode(), hashlib.sha256).hexdigest()
