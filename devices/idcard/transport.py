"""The serial line to the SAM: send one request, receive one response, with timeouts.

The port comes from ``serial.serial_for_url``, so ``/dev/ttyUSB0``, a pty path or ``loop://``
all work. Reading follows domain.md §1.6: the 7-byte header, then exactly Len bytes, then the
XOR check (done by ``FrameParser``). No retries and no interpretation of status codes: that is
the reader's job. Not thread-safe: one owner at a time (the reader holds a lock around it).
"""
from __future__ import annotations

import time

import serial

try:
    from termios import error as _TermiosError
except ImportError:  # not POSIX
    _TermiosError = OSError

#: What a vanished port raises. pyserial passes termios.error through from tcflush() (as in
#: reset_input_buffer) once a pty's master or a USB adapter is gone; it is no OSError.
_PORT_ERRORS = (serial.SerialException, OSError, _TermiosError)

from devices.idcard.frames import DEFAULT_BAUDRATE, HEADER_LEN
from devices.idcard.protocol import NEED_DATA, FrameParser, Response

#: §1.6 [sdt]: 2 s to receive the 7-byte header, 5 s for the whole frame.
HEADER_TIMEOUT = 2.0
FRAME_TIMEOUT = 5.0


class TransportError(Exception):
    """The line did not carry an answer."""


class PortUnavailable(TransportError):
    """The port cannot be opened, vanished (unplugged) or failed with an I/O error."""


class ReplyTimeout(TransportError):
    """No complete answer in time.

    Attributes:
        received: how many bytes had arrived when the wait ended.
    """

    def __init__(self, message: str, received: int) -> None:
        super().__init__(message)
        self.received = received


class SerialTransport:
    """One serial port speaking SAM frames.

    Args:
        url: a device path, a pty path, or a pyserial URL such as ``loop://``.
        baudrate: line speed (§1.1: 115200 by default).
        header_timeout: seconds from sending a request to a complete 7-byte header.
        frame_timeout: seconds from sending a request to a complete frame.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        header_timeout: float = HEADER_TIMEOUT,
        frame_timeout: float = FRAME_TIMEOUT,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.header_timeout = header_timeout
        self.frame_timeout = frame_timeout
        self.bytes_written = 0  #: counters over the transport's life, for diagnostics and bench
        self.bytes_read = 0
        self.open_attempts = 0  #: how often open() tried the port (a reconnect loop shows here)
        self._port: serial.SerialBase | None = None
        self._parser = FrameParser(Response)

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        """Open the port (a no-op when open).

        Raises:
            PortUnavailable: the port does not exist or cannot be opened.
        """
        if self._port is not None:
            return
        self.open_attempts += 1
        try:
            self._port = serial.serial_for_url(
                self.url,
                baudrate=self.baudrate,
                timeout=self.header_timeout,
                write_timeout=self.header_timeout,
            )
        except (*_PORT_ERRORS, ValueError) as exc:
            raise PortUnavailable(f"cannot open {self.url}: {exc}") from exc

    def close(self) -> None:
        """Close the port; safe to call at any time, also after it vanished."""
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except _PORT_ERRORS:
                pass

    def exchange(
        self,
        request: bytes,
        *,
        header_timeout: float | None = None,
        frame_timeout: float | None = None,
    ) -> Response:
        """Send a request frame and return the response frame.

        Bytes left on the line from an earlier exchange are dropped first; noise before the
        answer's preamble is skipped by the parser.

        Raises:
            PortUnavailable: the port is closed, or failed during the exchange.
            ReplyTimeout: no complete answer within the timeouts.
            ProtocolError: the answer has a bad length or checksum.
        """
        port = self._port
        if port is None:
            raise PortUnavailable(f"{self.url} is not open")
        parser = self._parser
        parser.reset()
        start = time.monotonic()
        header_deadline = start + (self.header_timeout if header_timeout is None else header_timeout)
        frame_deadline = start + (self.frame_timeout if frame_timeout is None else frame_timeout)
        received = 0
        try:
            port.reset_input_buffer()
            port.write(request)
            self.bytes_written += len(request)
            while True:
                event = parser.next_event()
                if event is not NEED_DATA:
                    return event
                header_done = parser.in_frame and parser.buffered >= HEADER_LEN
                deadline = frame_deadline if header_done else min(header_deadline, frame_deadline)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    part = "frame" if header_done else "header"
                    raise ReplyTimeout(f"no complete {part} from {self.url} in time", received)
                port.timeout = remaining
                chunk = port.read(parser.wanted())
                received += len(chunk)
                self.bytes_read += len(chunk)
                parser.receive_data(chunk)
        except _PORT_ERRORS as exc:
            # pyserial reports a vanished device as SerialException ("read failed: EIO",
            # "device reports readiness to read but returned no data") or termios.error.
            raise PortUnavailable(f"{self.url}: {exc}") from exc
