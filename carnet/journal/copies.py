"""A copy of each signed checkpoint held outside the database: deleting the newest journal entries is only
detectable against a checkpoint kept elsewhere (architecture.md, "Journal")."""

import json
from pathlib import Path

import boto3
from django.conf import settings

from carnet.journal.verification import checkpoint_dict


def _s3_client():
    return boto3.client(
        "s3",
        endpoint_url=settings.CARNET_S3_ENDPOINT or None,
        aws_access_key_id=settings.CARNET_S3_ACCESS_KEY or None,
        aws_secret_access_key=settings.CARNET_S3_SECRET_KEY or None,
        region_name=getattr(settings, "CARNET_S3_REGION", "us-east-1"),
    )


def copy_checkpoint(checkpoint) -> str:
    """Write the checkpoint (JSON, as ``carnet journal checkpoint`` prints it) to CARNET_CHECKPOINT_COPY:
    a directory, or ``s3://bucket/prefix``. Returns where it went."""
    data = json.dumps(checkpoint_dict(checkpoint), indent=1).encode()
    name = f"checkpoint-{checkpoint.head_seq:012d}-{checkpoint.at:%Y%m%dT%H%M%S}.json"
    target = settings.CARNET_CHECKPOINT_COPY
    if target.startswith("s3://"):
        bucket, _, prefix = target[5:].partition("/")
        key = f"{prefix.rstrip('/')}/{name}" if prefix else name
        _s3_client().put_object(Bucket=bucket, Key=key, Body=data)
        return f"s3://{bucket}/{key}"
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return str(folder / name)
