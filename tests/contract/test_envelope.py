"""The envelope's sealing (contract/envelope.py): what the outbox seals, the platform opens."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from contract import envelope

PLATFORM = X25519PrivateKey.generate()


@given(parts=st.lists(st.binary(max_size=3000), min_size=1, max_size=4))
def test_parts_sealed_end_to_end_into_one_buffer_each_open_on_the_platform(parts):
    sealer = envelope.Sealer(PLATFORM.public_key(), "S-0001")
    sizes = [envelope.sealed_size(len(p)) for p in parts]
    body = memoryview(bytearray(sum(sizes)))
    start = 0
    for i, (plain, n) in enumerate(zip(parts, sizes)):
        sealer.part_into(f"attachment:p{i}", plain, body[start:start + n])
        start += n
    start = 0
    for i, (plain, n) in enumerate(zip(parts, sizes)):
        blob = bytes(body[start:start + n])
        assert envelope.open_attachment(PLATFORM, sealer.header, f"p{i}", blob) == plain
        if len(parts) > 1:   # a part is bound to its name: it does not open as another one
            with pytest.raises(envelope.EnvelopeError):
                envelope.open_attachment(PLATFORM, sealer.header, f"p{i + 1}", blob)
        start += n


def test_seal_and_the_sealer_give_the_same_envelope():
    sealed = envelope.seal(PLATFORM.public_key(), "S-0002", b'{"a":1}', {"face": b"\x00" * 99})
    assert envelope.open_record(PLATFORM, sealed.header, sealed.record) == b'{"a":1}'
    assert envelope.open_attachment(PLATFORM, sealed.header, "face",
                                    sealed.attachments["face"]) == b"\x00" * 99
    assert len(sealed.attachments["face"]) == envelope.sealed_size(99)


@pytest.mark.parametrize("delta", [-1, 1])
def test_a_buffer_of_the_wrong_size_is_refused(delta):
    sealer = envelope.Sealer(PLATFORM.public_key(), "S-0003")
    with pytest.raises(ValueError):
        sealer.part_into("attachment:face", b"x" * 10,
                         memoryview(bytearray(envelope.sealed_size(10) + delta)))
