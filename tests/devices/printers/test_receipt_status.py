"""DLE EOT replies -> PrinterStatus, and garbage replies -> StatusParseError."""
from __future__ import annotations

import pytest
from escpos.printer import Dummy
from hypothesis import given
from hypothesis import strategies as st

from devices.printers.receipt import status as s
from devices.printers.receipt.status import PrinterStatus, StatusParseError, parse_status, replies_for


def test_queries_match_escpos_constants() -> None:
    assert s.query(1) == b"\x10\x04\x01"
    assert s.query(4) == b"\x10\x04\x04"
    with pytest.raises(ValueError):
        s.query(5)


@pytest.mark.parametrize(("bytes4", "expected"), [
    ((0x12, 0x12, 0x12, 0x12), PrinterStatus.READY),
    ((0x12, 0x12, 0x12, 0x1E), PrinterStatus.PAPER_NEAR_END),
    ((0x1A, 0x32, 0x12, 0x7E), PrinterStatus.PAPER_OUT),  # Epson's paper-end example bytes
    ((0x1A, 0x16, 0x12, 0x12), PrinterStatus.COVER_OPEN),
    ((0x1A, 0x12, 0x12, 0x12), PrinterStatus.OFFLINE),
    ((0x1A, 0x52, 0x1A, 0x12), PrinterStatus.ERROR),
    ((0x12, 0x12, 0x32, 0x12), PrinterStatus.ERROR),  # unrecoverable error bit alone
    ((0x1A, 0x36, 0x12, 0x7E), PrinterStatus.PAPER_OUT),  # cover open to load paper: paper out wins
    ((0x16, 0x12, 0x12, 0x12), PrinterStatus.READY),  # drawer pin 3 high is not a fault
])
def test_known_replies(bytes4: tuple[int, int, int, int], expected: PrinterStatus) -> None:
    assert parse_status(*bytes4) is expected


@pytest.mark.parametrize("status", [x for x in PrinterStatus if x is not PrinterStatus.DISCONNECTED])
def test_simulator_bytes_round_trip(status: PrinterStatus) -> None:
    b = replies_for(status)
    assert parse_status(b.printer, b.offline_cause, b.error_cause, b.roll_paper) is status


def test_disconnected_has_no_reply() -> None:
    with pytest.raises(ValueError):
        replies_for(PrinterStatus.DISCONNECTED)


@pytest.mark.parametrize("reply", [b"", b"\x12\x12", b"\x00", b"\xff", b"\x13", "x"])
def test_check_reply_rejects_garbage(reply: bytes) -> None:
    with pytest.raises(StatusParseError):
        s.check_reply(1, reply)  # type: ignore[arg-type]


@given(st.tuples(*[st.integers(-5, 300)] * 4))
def test_parse_raises_only_its_error(values: tuple[int, int, int, int]) -> None:
    valid = all(0 <= v <= 255 and v & s.FIXED_MASK == s.FIXED_VALUE for v in values)
    if valid:
        assert isinstance(parse_status(*values), PrinterStatus)
    else:
        with pytest.raises(StatusParseError):
            parse_status(*values)


@given(st.integers(0, 255))
def test_paper_bits_agree_with_python_escpos(value: int) -> None:
    """Where escpos's paper_status() is right (a valid byte), our reading of n=4 agrees with it."""
    class OneByte(Dummy):
        def _read(self) -> bytes:
            return bytes((value,))
    if value & s.FIXED_MASK != s.FIXED_VALUE:
        return
    theirs = OneByte().paper_status()
    ours = parse_status(0x12, 0x12, 0x12, value)
    if theirs == 0:
        assert ours is PrinterStatus.PAPER_OUT
    elif ours is PrinterStatus.PAPER_OUT:
        # escpos needs both paper-end bits; one set bit already means "no paper" on our side
        assert value & s.PAPER_END_BITS != s.PAPER_END_BITS
    elif theirs == 1:
        assert ours is PrinterStatus.PAPER_NEAR_END
    else:
        assert ours in (PrinterStatus.READY, PrinterStatus.PAPER_NEAR_END)
