"""The kiosk-local key that seals the platform's verdict: created whole, refuses bad blobs."""
from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offline_queue.localseal import LocalSealer
from offline_queue.model import SchemaError


@pytest.fixture(scope="module")
def sealer(tmp_path_factory):
    return LocalSealer(tmp_path_factory.mktemp("seal") / "h.key")


def test_key_file_is_private_and_reused(tmp_path):
    path = tmp_path / "outbox.db.key"
    first = LocalSealer(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and path.stat().st_size == 32
    blob = first.seal("SUB-1", "营业执照".encode())
    assert LocalSealer(path).open("SUB-1", blob) == "营业执照".encode()
    assert list(tmp_path.iterdir()) == [path]          # no temporary file left behind


def test_blob_is_bound_to_its_submission_and_key(tmp_path):
    sealer = LocalSealer(tmp_path / "a.key")
    blob = sealer.seal("SUB-1", b"licence")
    assert sealer.open("SUB-2", blob) is None
    assert LocalSealer(tmp_path / "b.key").open("SUB-1", blob) is None
    assert sealer.open("SUB-1", blob[:-1] + bytes([blob[-1] ^ 1])) is None


@given(blob=st.binary(max_size=80))
def test_garbage_blobs_open_to_none(sealer, blob):
    assert sealer.open("SUB-1", blob) is None


def test_truncated_key_file_is_refused(tmp_path):
    (tmp_path / "x.key").write_bytes(b"\x00" * 31)
    with pytest.raises(SchemaError):
        LocalSealer(tmp_path / "x.key")
