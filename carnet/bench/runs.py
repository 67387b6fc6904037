"""The benchmarks: each returns a dict (printed as a table and written as JSON by `carnet bench`)."""

import random
import statistics
import threading
import time
import uuid
from contextlib import contextmanager

from django.db import connection
from django.test import override_settings

from carnet.access.actor import Actor, Role
from carnet.access.policy import document_filter
from carnet.bench import fixtures, load
from carnet.bench.server import http_sender, production_server
from carnet.records.bulk import metadata_rows
from carnet.records.models import Document

TIMELINE_DOCS = 500


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


class Target:
    """Where requests go: the production server over HTTP, or Django's test client in this process."""

    def __init__(self, in_process: bool):
        self.in_process = in_process

    @contextmanager
    def serve(self, insecure=False):
        if self.in_process:
            with override_settings(CARNET_BENCH_INSECURE=insecure):
                yield None
        else:
            with production_server(insecure=insecure) as port:
                yield port

    def sender(self, port, method, path_fn, body_fn=None, headers=None):
        if port is not None:
            return http_sender(port, method, path_fn, body_fn, headers)

        def factory():
            from django.test import Client

            client = Client()
            extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in (headers or {}).items()}

            def send():
                if method == "GET":
                    response = client.get(path_fn(), **extra)
                else:
                    response = client.post(
                        path_fn(), body_fn(), content_type="application/fhir+json", **extra
                    )
                return response.status_code in (200, 201)

            return send

        return factory


def _setup(patients=10):
    gp = fixtures.bench_gp()
    return gp, fixtures.bench_patients(gp, patients), fixtures.professional_token(gp)


def _deposit_factory(target, port, template, patients, token):
    rng = random.Random(1)
    ids = [p.pk for p in patients]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    return target.sender(
        port, "POST", lambda: "/fhir", lambda: fixtures.fill_bundle(template, rng.choice(ids)), headers
    )


def deposit(duration=10.0, connections=8, rate=60.0, in_process=False) -> dict:
    gp, patients, token = _setup()
    content = fixtures.pdf_of_size(100_000)
    template = fixtures.bundle_template(content)
    target = Target(in_process)
    result = {"pdf_bytes": len(content), "duration_s": duration, "connections": connections}
    with target.serve() as port:
        factory = _deposit_factory(target, port, template, patients, token)
        load.run_saturation(factory, min(duration, 2.0), connections)  # warm-up
        _drain_tasks()
        result["secure_saturation"] = load.run_saturation(factory, duration, connections)
        result["secure_saturation"]["worker_backlog"] = _drain_tasks()
        result["secure_at_rate"] = load.run_constant_rate(factory, rate, duration, connections)
        result["secure_at_rate"]["worker_backlog"] = _drain_tasks()
    with target.serve(insecure=True) as port:
        factory = _deposit_factory(target, port, template, patients, token)
        result["insecure_saturation"] = load.run_saturation(factory, duration, connections)
        result["insecure_saturation"]["worker_backlog"] = _drain_tasks()
    result["raw_database"] = raw_database(content, patients[-1].pk, duration, connections)
    secure = result["secure_saturation"]["per_s"]
    result["secure_vs_insecure"] = _ratio(secure, result["insecure_saturation"]["per_s"])
    result["secure_vs_raw"] = _ratio(secure, result["raw_database"].get("per_s", 0))
    return result


def _waiting_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()


def _drain_tasks(limit: float = 90.0) -> dict:
    """The worker's backlog when a phase ends (text extraction, notifications), and how fast one worker
    clears it while nothing else runs; waits up to ``limit`` s so that the next phase starts even.
    In process (tests) tasks run inline: nothing waits."""
    waiting = _waiting_tasks()
    began = time.monotonic()
    left = waiting
    while left and time.monotonic() - began < limit:
        time.sleep(0.5)
        left = _waiting_tasks()
    seconds = time.monotonic() - began
    done = waiting - left
    return {
        "waiting": waiting,
        "cleared_per_s": round(done / seconds, 1) if done and seconds else 0.0,
        "still_waiting": left,
    }


def raw_database(content: bytes, patient_id: int, duration: float, connections: int) -> dict:
    """The ceiling: one document row plus the blob, one committed transaction each, plain psycopg."""
    if connection.vendor != "postgresql":
        return {"skipped": "PostgreSQL only"}
    if connection.in_atomic_block:  # the test suite: its rows are not committed, other connections miss them
        return {"skipped": "benchmark mode only (needs committed rows)"}
    import psycopg
    from psycopg.conninfo import make_conninfo

    db = connection.settings_dict
    url = make_conninfo(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_blob (id uuid PRIMARY KEY, content bytea NOT NULL)"
        )
        settings = (
            conn.execute("SHOW fsync").fetchone()[0],
            conn.execute("SHOW synchronous_commit").fetchone()[0],
        )
    row_sql = (
        "INSERT INTO records_document (id, unique_id, type_code, class_code, title, author_organisation,"
        " care_date, practice_setting, format_code, mime_type, size, sha256, sha1_b64, language, visibility,"
        " minor_secret, sensitive_category, status, depositor, blob_ref, created_at, patient_id, source_app,"
        " version)"
        " VALUES (%s, %s, '11488-4', 'CR', 'Compte rendu', '', '2026-11-20', '', '',"
        " 'application/pdf', %s, %s,"
        " '', 'fr-FR', 'normal', false, '', 'current', 'professional', %s, now(), %s, '', 1)"
    )

    opened = []

    def factory():
        conn = psycopg.connect(url)
        opened.append(conn)

        def send():
            key = uuid.uuid4()
            with conn.transaction():
                conn.execute("INSERT INTO bench_raw_blob VALUES (%s, %s)", (key, content))
                conn.execute(
                    row_sql, (key, f"urn:raw:{key}", len(content), "0" * 64, f"raw:{key}", patient_id)
                )
            return True

        return send

    try:
        result = load.run_saturation(factory, duration, connections)
    finally:
        for conn in opened:
            conn.close()
    return result | {"fsync": settings[0], "synchronous_commit": settings[1]}


def _timeline_patient(gp):
    """A patient of the bench GP with 500 documents (metadata rows, made once)."""
    patient = fixtures.timeline_patient(gp)
    have = Document.objects.filter(patient=patient).count()
    if have < TIMELINE_DOCS:
        metadata_rows([patient.pk], TIMELINE_DOCS - have, seed=have + 7, author_id=gp.pk)
    return patient


def timeline(duration=10.0, connections=4, rate=20.0, deposit_rate=60.0, in_process=False) -> dict:
    gp, patients, token = _setup()
    patient = _timeline_patient(gp)
    template = fixtures.bundle_template(fixtures.pdf_of_size(100_000))
    target = Target(in_process)
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/fhir/DocumentReference?patient={patient.pk}&_count=50"
    result = {"patient_documents": Document.objects.filter(patient=patient).count(), "page": 50}
    with target.serve() as port:
        reads = target.sender(port, "GET", lambda: path, headers=headers)
        load.run_saturation(reads, 1.0, 1)  # warm-up
        _drain_tasks(limit=300.0)  # start with the worker idle (earlier runs may have left a backlog)
        background = {}
        if deposit_rate:
            writes = _deposit_factory(target, port, template, patients[1:] or patients, token)
            thread = threading.Thread(
                target=lambda: background.update(load.run_constant_rate(writes, deposit_rate, duration, 4))
            )
            thread.start()
        # one client in process: SQLite's shared in-memory test database locks tables between threads
        clients = 1 if in_process else connections
        result["timeline"] = load.run_constant_rate(reads, rate, duration, clients)
        if deposit_rate:
            thread.join()
            result["background_deposits"] = background
            result["background_deposits"]["worker_backlog"] = _drain_tasks(limit=30.0)
    return result


def _timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def search(rounds=300) -> dict:
    """One search (a type over a patient's documents) with and without the policy filter, interleaved."""
    gp = fixtures.bench_gp()
    patient = _timeline_patient(gp)
    actor = Actor(role=Role.PROFESSIONAL, user=gp.user, professional=gp)
    base = Document.objects.filter(patient=patient, status=Document.Status.CURRENT, type_code="11502-2")

    def without():
        return list(base.order_by("-care_date", "-created_at")[:50])

    def with_policy():
        allowed = document_filter(actor, patient)
        return list(base.filter(allowed).order_by("-care_date", "-created_at")[:50])

    assert len(with_policy()) == len(without())
    plain, policed = [], []
    for _ in range(rounds // 10):
        plain += _timed(without, 10)
        policed += _timed(with_policy, 10)
    medians = statistics.median(policed), statistics.median(plain)
    return {
        "rounds": rounds,
        "results": len(without()),
        "with_policy": load.summary(policed),
        "without_policy": load.summary(plain),
        "ratio_median": _ratio(*medians),
        "ratio_p95": _ratio(load.percentile(policed, 95), load.percentile(plain, 95)),
    }


def journal(entries=20000, writers=(1, 4, 16), seconds=5.0, rounds=1) -> dict:
    from carnet.journal.bench import run_journal_bench

    result = run_journal_bench(entries, writers=writers, seconds=seconds, rounds=rounds)
    return result | {"vendor": connection.vendor}


def growth(sizes=(10_000, 100_000, 1_000_000), documents_per_patient=10, rounds=200) -> dict:
    """Timeline and search p95 (in process, database-bound) as the population grows."""
    from carnet.bench.grow import grow_to
    from carnet.records.queries import list_documents

    gp = fixtures.bench_gp()
    patient = _timeline_patient(gp)
    actor = Actor(role=Role.PROFESSIONAL, user=gp.user, professional=gp)
    steps = []
    for size in sizes:
        began = time.perf_counter()
        grown = grow_to(size, documents_per_patient)
        filled = round(time.perf_counter() - began, 1)
        _timed(lambda: list(list_documents(actor, patient)[:50]), 20)  # warm-up, not counted
        timeline_times = _timed(lambda: list(list_documents(actor, patient)[:50]), rounds)
        search_times = _timed(lambda: list(list_documents(actor, patient, type_code="11502-2")[:50]), rounds)
        steps.append(
            {
                "patients": grown["patients"],
                "documents": Document.objects.count(),
                "fill_seconds": filled,
                "of_which_vacuum_seconds": grown.get("vacuum_seconds", 0.0),
                "database_size": fixtures.database_size(),
                "timeline": load.summary(timeline_times),
                "search": load.summary(search_times),
            }
        )
    first, last = steps[0], steps[-1]
    return {
        "steps": steps,
        "timeline_p95_ratio": _ratio(last["timeline"]["p95_ms"], first["timeline"]["p95_ms"]),
        "search_p95_ratio": _ratio(last["search"]["p95_ms"], first["search"]["p95_ms"]),
    }
