"""Journal benchmark: appends per second with 1, 4 and 16 concurrent writers, the chains against the single
chain of before, side by side in one run; then verification speed (entries/s).

Each writer is a process of its own (forked, its own database connection) that journals one decision per
transaction, as a read request does: one committed, fsync'd append each. The single chain of before is
kept runnable here (``single_chain_append``: one lock for every append, each entry linked to the journal's
newest) and runs against a scratch copy of the entry table, so that the real journal stays whole.
"""

import multiprocessing
import random
import time

from django.conf import settings
from django.db import connection, connections, transaction

from carnet.access.actor import SYSTEM
from carnet.access.permissions import Permission as P
from carnet.access.policy import allow
from carnet.journal import verification
from carnet.journal.chain import new_entry, record
from carnet.journal.models import GENESIS, LEGACY, PAYLOAD_FIELDS, Entry
from carnet.journal.verification import verify_chain

SCRATCH = "journal_bench_single_chain"
_SINGLE_LOCK = 0x6361726E6574  # the lock of the single chain
_SINGLE_COLUMNS = ["chain", *PAYLOAD_FIELDS, "prev_hash", "hash"]


def single_chain_append(conn, entries: list[Entry], table: str = "journal_entry") -> None:
    """The append of the single national chain (before ``carnet.journal.chain``): one advisory lock for the
    whole journal, seq = newest + 1, each entry linked to the journal's newest (chain 0, encoding v2)."""
    concrete = {field.name: field for field in Entry._meta.concrete_fields}
    fields = [concrete[name] for name in _SINGLE_COLUMNS]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SINGLE_LOCK])
        cursor.execute(f'SELECT seq, "hash" FROM {table} ORDER BY seq DESC LIMIT 1')  # noqa: S608
        head = cursor.fetchone()
        seq, prev_hash = (head[0], head[1]) if head else (0, GENESIS)
        rows = []
        for entry in entries:
            seq += 1
            entry.chain, entry.chain_seq, entry.prev_seq = LEGACY, None, None
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.hash = prev_hash = entry.compute_hash()
            rows.append([field.get_db_prep_save(getattr(entry, field.attname), conn) for field in fields])
        columns = ", ".join(f'"{name}"' for name in _SINGLE_COLUMNS)
        marks = ", ".join(["%s"] * len(_SINGLE_COLUMNS))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _one_append(path: str, decision, n: int) -> None:
    patient = random.randrange(1, 1_000_000)  # noqa: S311 - spread over patients as real traffic is
    if path == "chains":
        record(
            SYSTEM, P.RECORD_DOCUMENT_READ, decision, patient=patient, resource_type="Document", resource_id=n
        )
        return
    entry = new_entry(
        SYSTEM,
        P.RECORD_DOCUMENT_READ,
        decision,
        patient=patient,
        resource_type="Document",
        resource_id=n,
        detail=None,
    )
    with transaction.atomic():
        single_chain_append(connection, [entry], SCRATCH)


def _writer(path: str, seconds: float, barrier, results) -> None:
    decision, count = allow("bench"), 0
    try:
        _one_append(path, decision, 0)  # connection opened before the clock starts
        barrier.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            count += 1
            _one_append(path, decision, count)
        results.put(count)
    except Exception as error:  # the parent reports it instead of waiting
        results.put(repr(error))
        raise
    finally:
        connection.close()


def appends_per_second(path: str, writers: int, seconds: float) -> float:
    """``writers`` processes appending for ``seconds``: total appends per second."""
    connections.close_all()  # each forked writer opens its own
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=_writer, args=(path, seconds, barrier, results)) for _ in range(writers)
    ]
    for process in processes:
        process.start()
    counts = [results.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    failed = [count for count in counts if isinstance(count, str)]
    if failed:
        raise RuntimeError(f"a journal writer failed: {failed[0]}")
    return sum(counts) / seconds


def _scratch_table(create: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        if create:
            cursor.execute(f"CREATE TABLE {SCRATCH} (LIKE journal_entry INCLUDING ALL)")


def concurrency(writer_counts=(1, 4, 16), seconds: float = 5.0, rounds: int = 1) -> list[dict]:
    """Per writer count: appends/s through the chains and, on PostgreSQL, through the single chain, run
    alternately (best of ``rounds`` each) so that both see the same machine."""
    single = connection.vendor == "postgresql"
    if single:
        _scratch_table(create=True)
    rows = []
    try:
        for writers in writer_counts:
            chains, one = [], []
            for _ in range(rounds):
                chains.append(appends_per_second("chains", writers, seconds))
                if single:
                    one.append(appends_per_second("single", writers, seconds))
            row = {"writers": writers, "chains_appends_per_second": round(max(chains), 1)}
            if single:
                row["single_chain_appends_per_second"] = round(max(one), 1)
                row["ratio"] = round(max(chains) / max(one), 2)
            rows.append(row)
    finally:
        if single:
            _scratch_table(create=False)
    return rows


def run_journal_bench(
    entries: int = 20000, verify_rounds: int = 3, writers=(1, 4, 16), seconds: float = 5.0, rounds: int = 1
) -> dict:
    decision = allow("bench")
    started = time.perf_counter()
    for n in range(entries):
        record(
            SYSTEM,
            P.RECORD_DOCUMENT_READ,
            decision,
            patient=n % 1000 + 1,
            resource_type="Document",
            resource_id=n,
        )
    append_seconds = time.perf_counter() - started
    concurrent = concurrency(writers, seconds, rounds) if writers else []
    results = [verify_chain() for _ in range(verify_rounds)]
    best = max(results, key=lambda r: r.rate)
    # Side by side: the generic path (rows decoded and encoded in Python), which SQLite always uses.
    began = time.perf_counter()
    walk = verification._walk(verification._orm_rows())
    rows_rate = walk.checked / (time.perf_counter() - began)
    return {
        "chains": settings.CARNET_JOURNAL_CHAINS,
        "appended": entries,
        "append_seconds": round(append_seconds, 3),
        "appends_per_second": round(entries / append_seconds, 1),
        "concurrent_writers": concurrent,
        "verified_entries": best.checked,
        "verify_seconds": round(best.seconds, 4),
        "verified_per_second": round(best.rate, 1),
        "chain_ok": all(r.ok for r in results) and not walk.problems,
        "row_path_per_second": round(rows_rate, 1),
        "fast_path": "COPY stream" if connection.vendor == "postgresql" else "rows (same as row path)",
    }
