"""Where ciphertext lives: a filesystem tree (default) or S3-compatible object storage.

A store that is down, slow or full raises ``StoreUnavailable`` (a 503): nothing is half written (a file
is written aside and renamed; an S3 object appears whole or not at all)."""

import datetime
import errno
import functools
import os
import tempfile
from pathlib import Path

from django.conf import settings

from carnet.vault.errors import StoreUnavailable, VaultError


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
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except OSError as error:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
                raise StoreUnavailable(
                    f"blob directory: {errno.errorcode.get(error.errno, error.errno)}"
                ) from None
            raise

    def read(self, ref: str) -> bytes:
        try:
            return self._path(ref).read_bytes()
        except FileNotFoundError:
            raise VaultError("blob not found") from None

    def delete(self, ref: str) -> None:
        self._path(ref).unlink(missing_ok=True)

    def listing(self):
        """(reference, last modified) of every stored blob (orphan sweeps, backups)."""
        for path in self.root.glob("*/*/*"):
            if path.is_file() and path.name.isalnum():
                modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
                yield path.name, modified


@functools.cache
def _s3_client(endpoint: str, access: str, secret: str, region: str, timeout: int):
    """One client per configuration (boto3 clients are thread-safe; making one costs milliseconds)."""
    import boto3
    from botocore.config import Config

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
    """Turn the S3 client's connection, timeout and server errors into ``StoreUnavailable``."""

    def wrap(method):
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            from botocore.exceptions import BotoCoreError, ClientError

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

    def __init__(self, bucket: str | None = None):
        self.bucket = bucket or settings.CARNET_S3_BUCKET
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

    def listing(self):
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                yield item["Key"], item["LastModified"]


def blob_store():
    return S3Store() if settings.CARNET_BLOB_STORE == "s3" else FileStore()
