"""Where ciphertext lives: a filesystem tree (default) or S3-compatible object storage.

Both list their blobs in the order of their references (bytewise), with when each was written: the orphan
sweep (``carnet.vault.sweep``) walks that list beside the referencing rows in the same order.

A store that is down, slow or full raises ``StoreUnavailable`` (a 503): nothing is half written (a file is
written aside and renamed, removed if the disk is full; an S3 object appears whole or not at all)."""

import datetime
import errno
import functools
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from carnet.vault.errors import StoreUnavailable, VaultError

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
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except OSError as error:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
                raise StoreUnavailable(f"blob directory: {errno.errorcode.get(error.errno)}") from None
            raise

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


@functools.cache
def _s3_client(endpoint: str, access: str, secret: str, region: str, timeout: int):
    """One client per configuration (boto3 clients are thread-safe; making one costs milliseconds); a store
    that does not answer in ``timeout`` seconds, twice, is unavailable."""
    import boto3  # noqa: PLC0415 - optional backend: its slow import only where S3 is configured
    from botocore.config import Config  # noqa: PLC0415 - same

    config = Config(
        connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 2, "mode": "standard"}
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint or None,
        aws_access_key_id=access or None,
        aws_secret_access_key=secret or None,
        region_name=region,
        config=config,
    )


def _unavailable(operation: str):
    """The S3 client's connection, timeout and server errors become ``StoreUnavailable``."""

    def wrap(method):
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - optional backend

            try:
                return method(self, *args, **kwargs)
            except ClientError as error:
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                if status >= 500 or status in (0, 429):
                    raise StoreUnavailable(f"S3 {operation}: {status}") from None
                raise
            except BotoCoreError as error:
                raise StoreUnavailable(f"S3 {operation}: {error.__class__.__name__}") from None

        return inner

    return wrap


class S3Store:
    """Any S3-compatible server (MinIO, Ceph, Garage, cloud object storage)."""

    def __init__(self):
        self.bucket = settings.CARNET_S3_BUCKET
        self.client = _s3_client(
            settings.CARNET_S3_ENDPOINT or "",
            settings.CARNET_S3_ACCESS_KEY or "",
            settings.CARNET_S3_SECRET_KEY or "",
            getattr(settings, "CARNET_S3_REGION", "us-east-1"),
            getattr(settings, "CARNET_S3_TIMEOUT_SECONDS", 5),
        )

    @_unavailable("write")
    def write(self, ref: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=ref, Body=data)

    @_unavailable("read")
    def read(self, ref: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=ref)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise VaultError("blob not found") from None

    @_unavailable("delete")
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
