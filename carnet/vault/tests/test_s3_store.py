"""The S3-compatible store, against a real S3 server process (moto_server) on a local port."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from carnet.vault import actions, queries
from carnet.vault.errors import IntegrityError


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_server):

    settings.CARNET_BLOB_STORE = "s3"
    settings.CARNET_S3_ENDPOINT = s3_server
    settings.CARNET_S3_ACCESS_KEY = "test"
    settings.CARNET_S3_SECRET_KEY = "test"
    settings.CARNET_S3_BUCKET = "carnet-test"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="carnet-test")
    return client


@pytest.mark.django_db
def test_round_trip_through_s3(alice, s3):
    ref = actions.put(alice, b"%PDF-1.4 imaging report")
    stored = s3.get_object(Bucket="carnet-test", Key=ref)["Body"].read()
    assert b"imaging report" not in stored
    assert queries.get(alice, ref) == b"%PDF-1.4 imaging report"


@pytest.mark.django_db
def test_tampering_in_s3_is_detected(alice, s3):
    ref = actions.put(alice, b"report")
    s3.put_object(Bucket="carnet-test", Key=ref, Body=b"\x01" + b"0" * 40)
    with pytest.raises(IntegrityError):
        queries.get(alice, ref)
