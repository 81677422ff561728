"""A simulator's control channel: one text command per line over TCP on 127.0.0.1.

A simulator that runs behind a kiosk (the card reader on its pty, the receipt printer on its
port, the person in front of the camera) is driven the way a technician's dev dock or a
scripted visit drives it: through this channel, never by reaching into the simulator object.
``ControlServer(handle)`` answers each line with ``handle(line)``; ``send(url, line)`` is the
client. Commands and replies are the simulator's own (its ``help`` lists them). Loopback only;
for development and tests, never a production kiosk.
"""
from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MAX_LINE = 4096


class ControlError(RuntimeError):
    """The control channel could not be reached, or it answered with an error."""


class ControlServer:
    """Serve ``handle(line) -> reply`` on ``tcp://127.0.0.1:port`` (0 picks a free port)."""

    def __init__(self, handle: Callable[[str], str], port: int = 0, name: str = "sim") -> None:
        self._handle = handle
        self._sock = socket.create_server((HOST, port))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name=f"{name}-control", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://{HOST}:{self.port}"

    def close(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._thread.join(timeout=2)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return   # closed
            with conn, conn.makefile("rw", encoding="utf-8", errors="replace", newline="\n") as f:
                try:
                    for line in iter(lambda: f.readline(MAX_LINE), ""):
                        f.write(self._reply(line.strip()) + "\n")
                        f.flush()
                except OSError:
                    continue

    def _reply(self, line: str) -> str:
        try:
            return self._handle(line).replace("\n", " | ")
        except Exception as exc:  # noqa: BLE001 - a bad command must not end the channel
            log.warning("simulator control command failed: %s", type(exc).__name__)
            return f"error {type(exc).__name__}: {exc}"


def send(url: str, line: str, timeout: float = 5.0) -> str:
    """Send one command to a control channel and return its reply line.

    Raises:
        ControlError: nothing listens there, it timed out, or the reply starts with "error".
    """
    parts = urlsplit(url)
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        raise ControlError(f"not a control channel URL: {url!r}")
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock, \
                sock.makefile("rw", encoding="utf-8", newline="\n") as f:
            f.write(line.replace("\n", " ") + "\n")
            f.flush()
            reply = f.readline(MAX_LINE).strip()
    except OSError as exc:
        raise ControlError(f"{url}: {exc}") from None
    if not reply or reply.startswith("error"):
        raise ControlError(f"{url} {line!r}: {reply or 'no reply'}")
    return reply
