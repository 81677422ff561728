"""Byte pipe to the receipt printer, chosen by a URI; the only module that calls escpos's ``_raw()``.

Schemes (python-escpos class in brackets):

* ``tcp://127.0.0.1:9100?timeout=3`` [``Network``]: raw TCP, the usual port 9100.
* ``serial:///dev/ttyS0?baud=9600&timeout=1`` [``Serial``]: also a pty path.
* ``usb://0x0416:0x5011?in_ep=0x81&out_ep=0x03`` [``Usb``]: needs ``pyusb`` (not installed by default).
* ``file:///tmp/out.bin`` [``File``]: write-only; has no status channel.

It opens, writes, sends one ``DLE EOT n`` and reads its one-byte reply, and closes. It does not
parse status (``status.py``) or retry (``printer.py``). Every failure is a ``TransportError``.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from devices.printers.receipt import escpos_cache  # noqa: F401 - before escpos
from escpos import printer as escpos_printer
from escpos.escpos import Escpos

from devices.printers.receipt.status import query


class TransportError(OSError):
    """The printer cannot be reached, or did not answer in time."""


class StatusUnsupported(TransportError):
    """This transport has no way back from the printer (``file://``)."""


@dataclass(frozen=True)
class PrinterUri:
    """A parsed printer URI."""

    scheme: str
    target: str  # host, device path, "vid:pid" or file path
    port: int = 0
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, uri: str) -> PrinterUri:
        """Parse a printer URI.

        Raises:
            ValueError: unknown scheme or a missing/invalid part.
        """
        parts = urlsplit(uri)
        opts = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.scheme == "tcp":
            if not parts.hostname:
                raise ValueError(f"{uri!r}: tcp:// needs a host")
            return cls("tcp", parts.hostname, parts.port or 9100, opts)
        if parts.scheme == "serial":
            if not parts.path:
                raise ValueError(f"{uri!r}: serial:// needs a device path")
            return cls("serial", parts.path, 0, opts)
        if parts.scheme == "usb":
            vid, _, pid = parts.netloc.partition(":")
            try:
                int(vid, 16), int(pid, 16)
            except ValueError:
                raise ValueError(f"{uri!r}: usb:// needs vendor:product ids, e.g. usb://0x0416:0x5011") from None
            return cls("usb", parts.netloc, 0, opts)
        if parts.scheme == "file":
            if not parts.path:
                raise ValueError(f"{uri!r}: file:// needs a path")
            return cls("file", parts.path, 0, opts)
        raise ValueError(f"{uri!r}: unknown printer scheme (use tcp, serial, usb or file)")


class EscposTransport:
    """One connection to one printer through a python-escpos printer object."""

    def __init__(self, uri: str, timeout: float = 3.0) -> None:
        self.uri = PrinterUri.parse(uri)
        self.timeout = float(self.uri.options.get("timeout", timeout))
        self._dev: Escpos | None = None

    @property
    def supports_status(self) -> bool:
        return self.uri.scheme != "file"

    def _make(self) -> Escpos:
        u = self.uri
        if u.scheme == "tcp":
            return escpos_printer.Network(u.target, u.port, timeout=self.timeout)
        if u.scheme == "serial":
            return escpos_printer.Serial(u.target, baudrate=int(u.options.get("baud", 9600)),
                                         timeout=self.timeout, dsrdtr=u.options.get("dsrdtr") == "1")
        if u.scheme == "usb":
            if not escpos_printer.Usb.is_usable():
                raise TransportError("usb:// printers need pyusb (pip install pyusb)")
            vid, _, pid = u.target.partition(":")
            kwargs = {k: int(v, 16) for k, v in u.options.items() if k in ("in_ep", "out_ep")}
            return escpos_printer.Usb(int(vid, 16), int(pid, 16), timeout=int(self.timeout * 1000), **kwargs)
        return escpos_printer.File(u.target)

    def open(self) -> None:
        """Connect (idempotent).

        Raises:
            TransportError: the device is missing, refused or unreachable.
        """
        if self._dev is not None:
            return
        dev = self._make()
        try:
            dev.open()
        except Exception as exc:  # escpos raises DeviceNotFoundError, USBNotFoundError, OSError...
            dev.device = False  # escpos would otherwise retry open() lazily on close/__del__
            raise TransportError(f"cannot open printer {self._safe_uri()}: {exc}") from exc
        if not dev.device:
            raise TransportError(f"cannot open printer {self._safe_uri()}")
        self._dev = dev

    def close(self) -> None:
        dev, self._dev = self._dev, None
        if dev is not None:
            try:
                dev.close()
            except Exception:  # noqa: BLE001 - closing a broken link must not raise
                pass

    def write(self, data: bytes) -> None:
        """Send bytes to the printer.

        Raises:
            TransportError: the link broke; the printer may have received part of ``data``.
        """
        self.open()
        assert self._dev is not None
        try:
            self._dev._raw(data)  # noqa: SLF001 - the one sanctioned call of escpos's byte entry
            if self.uri.scheme == "file":
                self._dev.flush()  # type: ignore[attr-defined]
        except Exception as exc:
            self.close()
            raise TransportError(f"write to printer failed: {exc}") from exc

    def query_status(self, n: int) -> bytes:
        """Send ``DLE EOT n`` and return the reply (normally one byte; parse with ``status.py``).

        Raises:
            StatusUnsupported: the transport is write-only.
            TransportError: no reply within the timeout, or the link broke.
        """
        if not self.supports_status:
            raise StatusUnsupported(f"{self.uri.scheme}:// has no status channel")
        self.open()
        assert self._dev is not None
        try:
            self._dev._raw(query(n))  # noqa: SLF001
            if self.uri.scheme == "serial":
                # escpos's Serial._read asks for 16 bytes and so always sits out the whole timeout;
                # a status reply is exactly one byte.
                reply = self._dev.device.read(1)  # type: ignore[union-attr]
            else:
                reply = self._dev._read()  # noqa: SLF001
        except (socket.timeout, TimeoutError) as exc:
            self.close()
            raise TransportError(f"no reply to DLE EOT {n} within {self.timeout:g} s") from exc
        except Exception as exc:
            self.close()
            raise TransportError(f"status query failed: {exc}") from exc
        if not reply:
            self.close()
            raise TransportError(f"no reply to DLE EOT {n} (link closed or timed out)")
        return bytes(reply)

    def _safe_uri(self) -> str:
        u = self.uri
        return f"{u.scheme}://{u.target}" + (f":{u.port}" if u.port else "")

    def __enter__(self) -> EscposTransport:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
