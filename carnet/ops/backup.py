"""Backups: the database (pg_dump, or SQLite's online backup), every blob, the journal's exported
checkpoints; the keys apart, never in the same place as the data. Restores into a fresh database and store,
and the check that a restore is whole: the journal verified against the last exported checkpoint, the
counts of the manifest, a sample of documents decrypted and compared with their recorded SHA-256.

A backup directory::

    manifest.json          what was saved, when, counts, the journal's public key (not a secret)
    database.dump          pg_dump -Fc  (or database.sqlite3)
    blobs/ab/<ref>         the encrypted blobs as stored (content-addressed: name = SHA-256)
    checkpoints/*.json     the signed checkpoints exported so far, and one made by the backup

The key directory (``--keys-to``) holds the key-encryption key file and the journal's signing key.
"""

import datetime
import hashlib
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from carnet.journal.copies import _s3_client
from carnet.records.models import Document
from carnet.vault.checks import key_problem
from carnet.vault.models import DataKey
from carnet.vault.queries import get as read_document
from carnet.vault.store import blob_store

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class BackupError(Exception):
    """A backup, restore or drill that cannot go on; its message says why."""


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents or a in b.parents


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    env = {"PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _pg_tool(name: str) -> str:
    found = PG_BIN / name
    return str(found) if found.exists() else name


def _run(command: list[str], env: dict | None = None) -> None:
    done = subprocess.run(command, env=dict(os.environ, **(env or {})), capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")


def _checkpoint_copies():
    """(name, bytes) of every checkpoint exported to CARNET_CHECKPOINT_COPY (a directory or s3://)."""
    target = settings.CARNET_CHECKPOINT_COPY
    if target.startswith("s3://"):
        bucket, _, prefix = target[5:].partition("/")
        client = _s3_client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield Path(item["Key"]).name, client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        return
    folder = Path(target)
    for path in sorted(folder.glob("checkpoint-*.json")) if folder.exists() else []:
        yield path.name, path.read_bytes()


def backup(target: Path, keys_to: Path | None = None, database_url: str | None = None) -> dict:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    if keys_to is not None and _inside(target, Path(keys_to)):
        raise BackupError(
            "the keys go apart from the data: --keys-to must not be inside the backup (nor it in them)"
        )
    timings, began = {}, time.monotonic()
    (target / "checkpoints").mkdir(parents=True, exist_ok=True)
    # 1. a signed checkpoint now: the restore is verified against it (entries up to it are in the dump)
    call_command(
        "journal", "checkpoint", out=str(target / "checkpoints" / "made-by-backup.json"), stdout=io.StringIO()
    )
    # the exported checkpoints and the counts before the dump: the dump holds at least all of them
    copies = 0
    for name, data in _checkpoint_copies():
        (target / "checkpoints" / name).write_bytes(data)
        copies += 1
    documents = Document.objects.count()
    step = time.monotonic()
    database = _dump_database(target, database_url)
    timings["database_s"] = round(time.monotonic() - step, 2)
    # 2. blobs after the dump: every row of the dump has its blob written already (blob before commit)
    step = time.monotonic()
    blobs = size = 0
    for ref, _modified in blob_store().listing():
        data = blob_store().read(ref)
        if hashlib.sha256(data).hexdigest() != ref:
            raise BackupError(f"blob {ref[:12]}... does not match its reference: the store is damaged")
        path = target / "blobs" / ref[:2] / ref
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        blobs, size = blobs + 1, size + len(data)
    timings["blobs_s"] = round(time.monotonic() - step, 2)
    manifest = {
        "format": 1,
        "at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": database,
        "documents": documents,  # at least: deposits may commit during the dump
        "blobs": blobs,
        "blob_bytes": size,
        "exported_checkpoints": copies,
        "journal_public_key": call_command_output("journal", "export-key"),
        "keys_saved_apart": keys_to is not None,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1))
    if keys_to is not None:
        save_keys(Path(keys_to))
    timings["total_s"] = round(time.monotonic() - began, 2)
    return manifest | {"timings": timings}


def _dump_database(target: Path, database_url: str | None) -> dict:
    db = _database_settings(database_url)
    if "postgresql" in db["ENGINE"]:
        args, env = _pg_args(db)
        _run([_pg_tool("pg_dump"), *args, "-Fc", "-f", str(target / "database.dump"), db["NAME"]], env)
        return {"vendor": "postgresql", "file": "database.dump"}
    connection.ensure_connection()
    with sqlite3.connect(target / "database.sqlite3") as copy:
        connection.connection.backup(copy)
    copy.close()
    return {"vendor": "sqlite", "file": "database.sqlite3"}


def _database_settings(database_url: str | None) -> dict:
    if database_url:
        return dict(dj_database_url.parse(database_url))
    return connection.settings_dict


def save_keys(keys_to: Path) -> None:
    keys_to.mkdir(parents=True, exist_ok=True)
    keys_to.chmod(0o700)
    for source in (settings.CARNET_KEK_FILE, settings.CARNET_SIGNING_KEY_FILE):
        if Path(source).exists():
            shutil.copy2(source, keys_to / Path(source).name)
            (keys_to / Path(source).name).chmod(0o600)


def restore(source: Path, keys_from: Path) -> dict:
    """Into this process's database (empty, migrations not applied) and blob store (empty)."""
    source, keys_from = Path(source), Path(keys_from)
    manifest = json.loads((source / "manifest.json").read_text())
    timings, began = {}, time.monotonic()
    _restore_keys(keys_from)
    step = time.monotonic()
    _restore_database(source, manifest["database"])
    timings["database_s"] = round(time.monotonic() - step, 2)
    step = time.monotonic()
    store = blob_store()
    if next(iter(store.listing()), None) is not None:
        raise BackupError("the blob store is not empty: restore into a fresh one")
    for path in sorted((source / "blobs").glob("*/*")):
        store.write(path.name, path.read_bytes())
    timings["blobs_s"] = round(time.monotonic() - step, 2)
    target = settings.CARNET_CHECKPOINT_COPY
    if not target.startswith("s3://"):
        Path(target).mkdir(parents=True, exist_ok=True)
        for path in (source / "checkpoints").glob("checkpoint-*.json"):
            shutil.copy2(path, Path(target) / path.name)
    timings["total_s"] = round(time.monotonic() - began, 2)
    return {"restored": manifest["at"], "timings": timings}


def _restore_keys(keys_from: Path) -> None:
    for target in (settings.CARNET_KEK_FILE, settings.CARNET_SIGNING_KEY_FILE):
        found = keys_from / Path(target).name
        if not found.exists():
            continue
        if Path(target).exists() and Path(target).read_bytes() != found.read_bytes():
            raise BackupError(f"{target} exists and differs: restore the keys into a fresh key directory")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found, target)
        Path(target).chmod(0o600)


def _restore_database(source: Path, database: dict) -> None:
    db = connection.settings_dict
    if connection.introspection.table_names():
        raise BackupError("the database is not empty: restore into a fresh one")
    connection.close()
    if database["vendor"] == "postgresql":
        if "postgresql" not in db["ENGINE"]:
            raise BackupError("a PostgreSQL dump restores into PostgreSQL")
        args, env = _pg_args(db)
        dump = str(source / database["file"])
        _run([_pg_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "-d", db["NAME"], dump], env)
        return
    if "sqlite" not in db["ENGINE"]:
        raise BackupError("a SQLite copy restores into SQLite")
    shutil.copy2(source / database["file"], db["NAME"])


def verify(source: Path, sample: int = 20) -> dict:
    """Is the restored service whole? The keys fit, the journal verifies against the last checkpoint
    exported before the backup, the counts match, and ``sample`` documents decrypt to their SHA-256."""
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    problems = []
    if key_problem() is not None:
        problems.append(f"keys: {key_problem()}")
    checkpoints = [json.loads(p.read_text()) for p in (source / "checkpoints").glob("*.json")]
    last = max(checkpoints, key=lambda c: c["head_seq"]) if checkpoints else None
    journal = "no checkpoint"
    if last is not None:
        path = source / "checkpoints" / "last.json"
        path.write_text(json.dumps(last))
        try:
            journal = call_command_output("journal", "verify", from_checkpoint=str(path))
        except Exception as error:  # noqa: BLE001 - CommandError or a damaged database: reported
            problems.append(f"journal: {error}")
            journal = "NOT intact"
    documents = Document.objects.count()
    if documents < manifest["documents"]:
        problems.append(f"documents: {documents} restored, at least {manifest['documents']} saved")
    live_keys = DataKey.objects.filter(destroyed_at__isnull=True, wrapped__isnull=False).values("patient_id")
    readable = Document.objects.filter(patient_id__in=live_keys).exclude(blob_ref__startswith="raw:")
    rows = list(readable.order_by("pk").values_list("patient_id", "blob_ref", "sha256"))
    chosen = random.Random(0).sample(rows, min(sample, len(rows)))
    unreadable = 0
    for patient_id, ref, sha in chosen:
        try:
            read_document(patient_id, ref, expected_sha256=sha)
        except Exception:  # noqa: BLE001 - any failure to read back is what is counted
            unreadable += 1
    if unreadable:
        problems.append(f"documents: {unreadable} of the {len(chosen)} sampled cannot be read back")
    return {
        "ok": not problems,
        "problems": problems,
        "journal": journal,
        "checkpoint_head_seq": last["head_seq"] if last else None,
        "documents": documents,
        "sampled_documents_read": len(chosen) - unreadable,
        "sampled": len(chosen),
    }


def call_command_output(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue().strip()
