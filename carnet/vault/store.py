"""Where ciphertext lives: a filesystem tree (default) or S3-compatible object storage.

Both list their blobs in the order of their references (bytewise), with when each was written: the orphan
sweep (``carnet.vault.sweep``) walks that list beside the referencing rows in the same order."""

import datetime
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from carnet.vault.errors import VaultError

REF = re.compile(r"[0-9a-f]{64}")  # a blob's reference: the SHA-256 of its envelope
TEMPORARY = "tmp"  # prefix of a file being written (``mkstemp``); one a crash left behind stays so


def _modified(path: Path) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)


class FileStore:
    def __init__(self, root: Path | None = None):
        self.root = Path(root or settings.CARNET_BLOB_DIR)

    def _path(self, ref: str) -> Path:
        if not ref.isalnum():
            raise VaultError("malformed blob reference")
        return self.root / ref[:2] / ref[2:4] / ref

    def write(self, ref: str, data: bytes) -> None:
        path = self._path(ref)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)

    def read(self, ref: str) -> bytes:
        try:
            return self._path(ref).read_bytes()
        except FileNotFoundError:
            raise VaultError("blob not found") from None

    def delete(self, ref: str) -> None:
        self._path(ref).unlink(missing_ok=True)

    def listing(self) -> Iterator[tuple[str, datetime.datetime]]:
        """Every blob as (reference, written at), in the order of the references."""
        for path in self._files(lambda name: REF.fullmatch(name) is not None):
            yield path.name, _modified(path)

    def leftovers(self) -> Iterator[tuple[Path, datetime.datetime]]:
        """Files a crash left half-written (never renamed to their reference)."""
        for path in self._files(lambda name: name.startswith(TEMPORARY)):
            yield path, _modified(path)

    def _files(self, keep) -> Iterator[Path]:
        """The tree is ``ab/cd/abcd...``: walking each level in order lists the references in order."""
        if not self.root.is_dir():
            return
        for first in sorted(self.root.iterdir()):
            for second in sorted(first.iterdir()) if first.is_dir() else ():
                for path in sorted(second.iterdir()) if second.is_dir() else ():
                    if path.is_file() and keep(path.name):
                        yield path


class S3Store:
    """Any S3-compatible server (MinIO, Ceph, Garage, cloud object storage)."""

    def __init__(self):
        import boto3  # noqa: PLC0415 - optional backend: its slow import only where S3 is configured

        self.bucket = settings.CARNET_S3_BUCKET
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.CARNET_S3_ENDPOINT or None,
            aws_access_key_id=settings.CARNET_S3_ACCESS_KEY or None,
            aws_secret_access_key=settings.CARNET_S3_SECRET_KEY or None,
            region_name=getattr(settings, "CARNET_S3_REGION", "us-east-1"),
        )

    def write(self, ref: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=ref, Body=data)

    def read(self, ref: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=ref)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise VaultError("blob not found") from None

    def delete(self, ref: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=ref)

    def listing(self) -> Iterator[tuple[str, datetime.datetime]]:
        """Every blob as (reference, written at): S3 lists keys in UTF-8 byte order, page by page."""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", ()):
                if REF.fullmatch(item["Key"]):
                    yield item["Key"], item["LastModified"]

    def leftovers(self) -> Iterator[tuple[str, datetime.datetime]]:
        return iter(())  # an object is written whole or not at all


def blob_store():
    return S3Store() if settings.CARNET_BLOB_STORE == "s3" else FileStore()
