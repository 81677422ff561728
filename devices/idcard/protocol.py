"""The SAM frame protocol, sans-I/O: bytes in, frames out; frames in, bytes out.

Both ends use this module: the driver builds requests and parses responses, the simulator
parses requests and builds responses. Frame format per domain.md §1.2:

    AA AA AA 96 69 | Len1 Len2 | CMD Para | Data | CHK        (request)
    AA AA AA 96 69 | Len1 Len2 | SW1 SW2 SW3 | Data | CHK     (response)

No I/O, no clock, no threads. The only exception raised here is ``ProtocolError``.
"""
from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from functools import reduce
from typing import Generic, Literal, TypeVar

from devices.idcard.frames import (
    HEADER_LEN,
    MAX_LEN,
    MIN_REQUEST_LEN,
    MIN_RESPONSE_LEN,
    PREAMBLE,
    READ_FINGER_LENGTHS_LEN,
    READ_LENGTHS_LEN,
    SAM_ID_DATA_LEN,
    SAM_ID_FORMAT,
    SAM_ID_LAYOUT,
    Command,
    StatusInfo,
    Sw3,
    status_info,
)


class ProtocolError(ValueError):
    """A frame is malformed (bad length or checksum), or a frame cannot be built as asked."""


class _Sentinel(enum.Enum):
    NEED_DATA = "NEED_DATA"

    def __repr__(self) -> str:
        return self.value


#: Returned by ``FrameParser.next_event`` when more bytes are needed for the next frame.
NEED_DATA: Literal[_Sentinel.NEED_DATA] = _Sentinel.NEED_DATA


@dataclass(frozen=True)
class Request:
    """A host-to-SAM frame (§1.3)."""

    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        """The known command, or None for a (CMD, Para) pair outside §1.3."""
        return Command.lookup(self.cmd, self.para)

    def to_bytes(self) -> bytes:
        return build_request(self.cmd, self.para, self.data)


@dataclass(frozen=True)
class Response:
    """A SAM-to-host frame (§1.2). The outcome is in ``sw3`` (§1.4)."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def status(self) -> Sw3 | None:
        """The SW3 code as a closed value, or None for a code outside §1.4."""
        try:
            return Sw3(self.sw3)
        except ValueError:
            return None

    @property
    def info(self) -> StatusInfo:
        """Meaning, citizen message and action for this SW3 (see frames.SW3_TABLE)."""
        return status_info(self.sw3)

    def to_bytes(self) -> bytes:
        return build_response(self.sw3, self.data, sw1=self.sw1, sw2=self.sw2)


def checksum(data: bytes | bytearray | memoryview) -> int:
    """XOR of ``data``: CHK is the XOR of Len1..last data byte (§1.2)."""
    return reduce(int.__xor__, data, 0)


def _byte(value: int, what: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= 0xFF:
        raise ProtocolError(f"{what} must be a byte (0..255), got {value!r}")
    return value


def _frame(head: bytes, data: bytes) -> bytes:
    n = len(head) + len(data) + 1  # + CHK
    if n > MAX_LEN:
        raise ProtocolError(f"frame length {n} exceeds {MAX_LEN}")
    body = bytes((n >> 8, n & 0xFF)) + head + bytes(data)
    return PREAMBLE + body + bytes((checksum(body),))


def build_request(cmd: int | Command, para: int | None = None, data: bytes = b"") -> bytes:
    """Build a request frame.

    Args:
        cmd: the CMD byte, or a ``Command`` (then ``para`` defaults to the command's own).
        para: the Para byte.
        data: data bytes after Para (e.g. the RF size for ``61 FF``).

    Returns:
        The whole frame, preamble to CHK; e.g. ``build_request(0x20, 0x01)`` is
        ``AA AA AA 96 69 00 03 20 01 22``.

    Raises:
        ProtocolError: a byte out of range, or a frame longer than ``MAX_LEN``.
    """
    if isinstance(cmd, Command):
        cmd, para = cmd.cmd, cmd.para if para is None else para
    if para is None:
        raise ProtocolError("para is required with a raw CMD byte")
    return _frame(bytes((_byte(cmd, "CMD"), _byte(para, "Para"))), data)


def build_response(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    """Build a response frame (the simulator's side).

    Raises:
        ProtocolError: a byte out of range, or a frame longer than ``MAX_LEN``.
    """
    return _frame(bytes((_byte(sw1, "SW1"), _byte(sw2, "SW2"), _byte(sw3, "SW3"))), data)


F = TypeVar("F", Request, Response)


class FrameParser(Generic[F]):
    """Turn a byte stream into frames, in the shape of h11's ``Connection``.

    ``FrameParser(Response)`` parses what a SAM sends; ``FrameParser(Request)`` what a host
    sends. Feed bytes with ``receive_data``; call ``next_event`` until it returns ``NEED_DATA``.

    Bytes before a preamble are noise and are dropped (counted in ``discarded``). A frame with
    a length outside its kind's range or a wrong checksum raises ``ProtocolError`` once; its
    preamble is dropped, so the next call resynchronises on whatever follows.
    """

    def __init__(self, kind: type[F]) -> None:
        if kind not in (Request, Response):
            raise ProtocolError("a parser reads either Request or Response frames")
        self._kind: type[F] = kind
        self._min_len = MIN_RESPONSE_LEN if kind is Response else MIN_REQUEST_LEN
        self._buf = bytearray()
        self.discarded = 0  #: noise bytes dropped before a preamble, over the parser's life

    def receive_data(self, data: bytes) -> None:
        """Append bytes read from the line."""
        self._buf += data

    def reset(self) -> None:
        """Forget buffered bytes (e.g. before a new request, after a timeout)."""
        self._buf.clear()

    @property
    def buffered(self) -> int:
        """How many bytes are held, noise not yet dropped included."""
        return len(self._buf)

    @property
    def in_frame(self) -> bool:
        """True once a whole preamble has been seen and its frame is not yet complete."""
        self._sync()
        return self._buf.startswith(PREAMBLE)

    def wanted(self) -> int:
        """How many more bytes at least are needed to make progress (≥ 1).

        Before a header is complete this is what is missing from the 7-byte header; after it,
        what is missing from the frame: the "header, then exactly Len bytes" rule of §1.6.
        """
        self._sync()
        if len(self._buf) >= HEADER_LEN:
            n = (self._buf[5] << 8) | self._buf[6]
            if self._min_len <= n <= MAX_LEN:
                return max(1, HEADER_LEN + n - len(self._buf))
            return 1  # next_event will reject this header
        return HEADER_LEN - len(self._buf)

    def next_event(self) -> F | Literal[_Sentinel.NEED_DATA]:
        """The next complete frame, or ``NEED_DATA``.

        Raises:
            ProtocolError: the frame at the head of the buffer has a length outside
                ``[min, MAX_LEN]`` or a checksum that does not match. It has been dropped.
        """
        self._sync()
        buf = self._buf
        if len(buf) < HEADER_LEN:
            return NEED_DATA
        n = (buf[5] << 8) | buf[6]
        if not self._min_len <= n <= MAX_LEN:
            del buf[: len(PREAMBLE)]
            raise ProtocolError(f"frame length {n} outside {self._min_len}..{MAX_LEN}")
        end = HEADER_LEN + n
        if len(buf) < end:
            return NEED_DATA
        if checksum(memoryview(buf)[len(PREAMBLE) : end]) != 0:
            del buf[: len(PREAMBLE)]
            raise ProtocolError("frame checksum does not match")
        body = bytes(buf[HEADER_LEN : end - 1])
        del buf[:end]
        if self._kind is Response:
            return Response(body[0], body[1], body[2], body[3:])  # type: ignore[return-value]
        return Request(body[0], body[1], body[2:])  # type: ignore[return-value]

    def _sync(self) -> None:
        """Drop noise so the buffer starts with a preamble or with a prefix of one."""
        buf = self._buf
        if buf.startswith(PREAMBLE):
            return
        i = buf.find(PREAMBLE)
        if i < 0:
            # Keep the longest tail that could still grow into a preamble.
            i = len(buf)
            for k in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1):
                if buf.endswith(PREAMBLE[:k]):
                    i = len(buf) - k
                    break
        if i:
            self.discarded += i
            del buf[:i]


# --- Payloads of particular answers (domain.md §1.5) ------------------------------------------


def decode_sam_id(data: bytes) -> str:
    """The SAM number from the 16 data bytes answered to ``12 FF``.

    Little-endian ``u16,u16,u32,u32,u32`` printed as ``%02d.%02d-%08u-%010u-%010u`` (§1.5);
    the §1.5 example decodes to ``05.01-20101129-0001228293-0296863149``.

    Raises:
        ProtocolError: not exactly 16 bytes.
    """
    if len(data) != SAM_ID_DATA_LEN:
        raise ProtocolError(f"SAM ID data must be {SAM_ID_DATA_LEN} bytes, got {len(data)}")
    return SAM_ID_FORMAT.format(*struct.unpack(SAM_ID_LAYOUT, data))


def encode_sam_id(sam_id: str) -> bytes:
    """The 16 data bytes for a SAM number in the form ``decode_sam_id`` prints (simulator side).

    Raises:
        ProtocolError: the text is not five dash/dot-separated numbers that fit their fields.
    """
    parts = sam_id.replace(".", "-").split("-")
    try:
        return struct.pack(SAM_ID_LAYOUT, *(int(p) for p in parts))
    except (ValueError, struct.error):
        raise ProtocolError(f"not a SAM number: {sam_id!r}") from None


def split_read_data(data: bytes, *, with_fingerprint: bool = False) -> tuple[bytes, bytes, bytes]:
    """Split the data of a read answer into (text, photo, fingerprint).

    ``30 01`` data is ``textLen photoLen | text | photo``; ``30 10`` adds a fingerprint length
    and the fingerprint after the photo (§1.5). Lengths are big-endian u16.

    Raises:
        ProtocolError: the lengths do not add up to the data received.
    """
    head = READ_FINGER_LENGTHS_LEN if with_fingerprint else READ_LENGTHS_LEN
    if len(data) < head:
        raise ProtocolError(f"read answer has {len(data)} data bytes, fewer than its header")
    lengths = [int.from_bytes(data[i : i + 2], "big") for i in range(0, head, 2)]
    if head + sum(lengths) != len(data):
        raise ProtocolError(f"read answer lengths {lengths} do not match {len(data)} data bytes")
    text_len, photo_len = lengths[0], lengths[1]
    text = data[head : head + text_len]
    photo = data[head + text_len : head + text_len + photo_len]
    finger = data[head + text_len + photo_len :]
    return text, photo, finger


def join_read_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    """The inverse of ``split_read_data`` (simulator side); a fingerprint makes it a ``30 10``."""
    parts = [text, photo] if fingerprint is None else [text, photo, fingerprint]
    if any(len(p) > 0xFFFF for p in parts):
        raise ProtocolError("a read answer part is longer than 65535 bytes")
    return b"".join(len(p).to_bytes(2, "big") for p in parts) + b"".join(parts)
