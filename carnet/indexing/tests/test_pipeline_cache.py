"""The built pipeline is cached as a pickle, and a pickle runs code when loaded: only a file and folder of
this account that nobody else may write are read back."""

import os

from carnet.indexing import pipeline


def test_a_private_cache_file_is_read_and_one_others_may_write_is_not(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    cached = folder / "pipeline.pickle"
    cached.write_bytes(b"")
    cached.chmod(0o600)
    assert pipeline._ours(cached)
    cached.chmod(0o620)
    assert not pipeline._ours(cached)
    cached.chmod(0o600)
    folder.chmod(0o777)
    assert not pipeline._ours(cached)
    folder.chmod(0o700)
    assert os.stat(cached).st_uid == os.getuid()
