"""carnet bench stats: the public statistics' cost as the record grows. The page is served from published
tables, so its time should not move with the data; the counters' runs are reported (a full rebuild, then an
incremental run over a few new deposits)."""

import datetime
import time

from django.test import Client, override_settings

from carnet.access.actor import Actor
from carnet.bench import fixtures, load
from carnet.bench.grow import grow_to
from carnet.records import actions as records
from carnet.records.actions import DocumentMetadata
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.stats.actions import rebuild_statistics, refresh_statistics
from carnet.stats.models import Cell, PublishedTable


def statistics_bench(sizes=(10_000, 100_000), documents_per_patient=10, rounds=100) -> dict:
    steps = []
    gp = fixtures.bench_gp()
    with override_settings(CARNET_STATS_LAG_SECONDS=0):
        for size in sizes:
            grown = grow_to(size, documents_per_patient)
            began = time.perf_counter()
            rebuild_statistics()
            full = time.perf_counter() - began
            _deposit_a_few(gp, 20)
            began = time.perf_counter()
            refresh_statistics()
            incremental = time.perf_counter() - began
            client = Client()
            _pages(client, 5)  # warm-up, not counted
            steps.append(
                {
                    "patients": grown["patients"],
                    "documents": Document.objects.count(),
                    "cells": Cell.objects.count(),
                    "published_tables": PublishedTable.objects.count(),
                    "full_run_seconds": round(full, 2),
                    "incremental_run_seconds_20_deposits": round(incremental, 2),
                    "page": load.summary(_pages(client, rounds)),
                }
            )
    first, last = steps[0], steps[-1]
    ratio = round(last["page"]["p95_ms"] / first["page"]["p95_ms"], 3) if first["page"]["p95_ms"] else 0.0
    return {"steps": steps, "page_p95_ratio_largest_to_smallest": ratio}


def _pages(client: Client, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = client.get("/statistiques/")
        out.append(time.perf_counter() - began)
        assert response.status_code == 200
    return out


def _deposit_a_few(gp, n: int) -> None:
    """Real deposits (encrypted content, journal, policy) by the bench GP for one of their patients."""
    (patient,) = fixtures.bench_patients(gp, 1)
    actor = Actor.for_professional(gp)
    content = sample_pdf("CR", ["texte"])
    for i in range(n):
        meta = DocumentMetadata(
            unique_id=f"urn:oid:1.2.250.1.213.1.1.9.{time.time_ns()}{i}",
            type_code="11488-4",
            title="Compte rendu",
            care_date=datetime.date.today(),
        )
        records.deposit_document(actor, patient, content, meta)
