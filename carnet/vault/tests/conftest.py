"""A real S3 server process (moto_server) on a local port, for the S3-compatible store's tests."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest


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
