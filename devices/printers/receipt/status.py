"""ESC/POS real-time status: the DLE EOT queries and a parser for their one-byte replies.

Pure: builds the four query commands and turns four reply bytes into a closed ``PrinterStatus``.
It does no I/O (``transport.py`` sends the queries) and does not decide what to do with a status
(``printer.py`` does).

Bit meanings, from Epson's *ESC/POS Command Reference*, "DLE EOT: Transmit real-time status"
(https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/dle_eot.html); every reply byte has
the fixed pattern bit0=0, bit1=1, bit4=1, bit7=0, which is how garbage is told from a status:

* n=1 printer status: bit3 1=offline; bit5 1=waiting for online recovery; bit2 drawer pin 3; bit6 feed button.
* n=2 offline cause: bit2 1=cover open; bit3 1=paper being fed by the feed button;
  bit5 1=printing stopped by paper end; bit6 1=an error occurred.
* n=3 error cause: bit2 model-specific (mechanical/recoverable error on many Chinese models);
  bit3 1=auto-cutter error; bit5 1=unrecoverable error; bit6 1=auto-recoverable error
  (e.g. head overheated).
* n=4 roll paper sensor: bits 2-3 = 11 near end; bits 5-6 = 11 paper end (no paper).

python-escpos's ``is_online()`` reads DLE EOT 1 bit 3 correctly and its ``paper_status()`` uses the
same n=4 masks as here (``RT_MASK_LOWPAPER``/``RT_MASK_NOPAPER``), but ``paper_status()`` answers
"paper adequate" (2) when the printer sends nothing, and neither checks the fixed bits, so a
disconnected printer or line noise would read as healthy. We therefore parse the bits here and
reuse only escpos's byte constants.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.printers.receipt import escpos_cache  # noqa: F401 - before escpos
from escpos.constants import RT_MASK_LOWPAPER, RT_MASK_NOPAPER, RT_STATUS

QUERY_PRINTER = 1
QUERY_OFFLINE_CAUSE = 2
QUERY_ERROR_CAUSE = 3
QUERY_ROLL_PAPER = 4
QUERIES: tuple[int, ...] = (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_ERROR_CAUSE, QUERY_ROLL_PAPER)

FIXED_MASK = 0b1001_0011  # bits 7, 4, 1, 0
FIXED_VALUE = 0b0001_0010  # bit4=1, bit1=1, bits 7 and 0 = 0

OFFLINE = 1 << 3
COVER_OPEN = 1 << 2
PAPER_END_STOP = 1 << 5
ERROR_OCCURRED = 1 << 6
ERROR_BITS = (1 << 2) | (1 << 3) | (1 << 5) | (1 << 6)
NEAR_END_BITS = RT_MASK_LOWPAPER & ~FIXED_VALUE  # 0b0000_1100
PAPER_END_BITS = RT_MASK_NOPAPER & ~FIXED_VALUE  # 0b0110_0000


class PrinterStatus(enum.Enum):
    """What the receipt printer can do now. Closed: code decides on these values only."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    DISCONNECTED = "disconnected"

    @property
    def can_print(self) -> bool:
        return self in (PrinterStatus.READY, PrinterStatus.PAPER_NEAR_END)


class StatusParseError(ValueError):
    """A reply byte is not a DLE EOT status (wrong length or fixed bits)."""


@dataclass(frozen=True)
class StatusBytes:
    """The four raw replies, kept for diagnostics (a technician's screen shows them in hex)."""

    printer: int
    offline_cause: int
    error_cause: int
    roll_paper: int

    def hex(self) -> str:
        return " ".join(f"{b:02X}" for b in (self.printer, self.offline_cause, self.error_cause, self.roll_paper))


def query(n: int) -> bytes:
    """The real-time status request ``DLE EOT n``.

    Raises:
        ValueError: ``n`` is not 1..4.
    """
    if n not in QUERIES:
        raise ValueError(f"DLE EOT n must be 1..4, got {n!r}")
    return RT_STATUS + bytes((n,))


def check_reply(n: int, reply: bytes) -> int:
    """Validate one reply to ``DLE EOT n`` and return its byte.

    Raises:
        StatusParseError: not exactly one byte, or the fixed bits are wrong.
    """
    if not isinstance(reply, (bytes, bytearray)) or len(reply) != 1:
        raise StatusParseError(f"DLE EOT {n}: expected 1 status byte, got {reply!r}"[:120])
    value = reply[0]
    if value & FIXED_MASK != FIXED_VALUE:
        raise StatusParseError(f"DLE EOT {n}: 0x{value:02X} is not a status byte (fixed bits wrong)")
    return value


def parse_status(printer: int, offline_cause: int, error_cause: int, roll_paper: int) -> PrinterStatus:
    """Turn the four replies into one status, most severe cause first.

    Paper out wins over cover open (a technician must reload paper anyway, and many printers set
    both when the cover is opened to load paper), then cover open, then a reported error, then a
    bare offline bit, then paper near end.

    Raises:
        StatusParseError: any byte fails the fixed-bit check.
    """
    values = (printer, offline_cause, error_cause, roll_paper)
    for n, value in zip(QUERIES, values):
        if not isinstance(value, int) or not 0 <= value <= 0xFF:
            raise StatusParseError(f"DLE EOT {n}: {value!r} is not a byte")
        check_reply(n, bytes((value,)))
    if roll_paper & PAPER_END_BITS or offline_cause & PAPER_END_STOP:
        return PrinterStatus.PAPER_OUT
    if offline_cause & COVER_OPEN:
        return PrinterStatus.COVER_OPEN
    if offline_cause & ERROR_OCCURRED or error_cause & ERROR_BITS:
        return PrinterStatus.ERROR
    if printer & OFFLINE:
        return PrinterStatus.OFFLINE
    if roll_paper & NEAR_END_BITS:
        return PrinterStatus.PAPER_NEAR_END
    return PrinterStatus.READY


def replies_for(status: PrinterStatus) -> StatusBytes:
    """The four reply bytes a printer in ``status`` sends (used by the simulator and tests).

    Raises:
        ValueError: ``DISCONNECTED`` has no reply: the printer says nothing.
    """
    base = FIXED_VALUE
    p, o, e, r = base, base, base, base
    if status is PrinterStatus.PAPER_NEAR_END:
        r |= NEAR_END_BITS
    elif status is PrinterStatus.PAPER_OUT:
        p |= OFFLINE
        o |= PAPER_END_STOP
        r |= NEAR_END_BITS | PAPER_END_BITS
    elif status is PrinterStatus.COVER_OPEN:
        p |= OFFLINE
        o |= COVER_OPEN
    elif status is PrinterStatus.OFFLINE:
        p |= OFFLINE
    elif status is PrinterStatus.ERROR:
        p |= OFFLINE
        o |= ERROR_OCCURRED
        e |= 1 << 3  # auto-cutter error: the common one on receipt printers
    elif status is PrinterStatus.DISCONNECTED:
        raise ValueError("a disconnected printer sends no status bytes")
    return StatusBytes(p, o, e, r)
