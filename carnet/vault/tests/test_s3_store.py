"""The S3-compatible store, against a real S3 server process (moto_server, conftest.py) on a local port."""

import pytest

from carnet.vault import actions, queries
from carnet.vault.errors import IntegrityError


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
