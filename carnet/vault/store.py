"""Where ciphertext lives: a filesystem tree (default) or S3-compatible object storage."""

import os
import tempfile
from pathlib import Path

from django.conf import settings

from carnet.vault.errors import VaultError


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


def blob_store():
    return S3Store() if settings.CARNET_BLOB_STORE == "s3" else FileStore()
