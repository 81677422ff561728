"""systemd's notify protocol, spoken directly: ``READY=1``, ``WATCHDOG=1``, ``STATUS=...``.

The protocol (sd_notify(3)) is one datagram of newline-separated ``KEY=value`` lines to the
``AF_UNIX`` datagram socket named in ``$NOTIFY_SOCKET`` (a name starting with ``@`` is in the
abstract namespace). When the unit has ``WatchdogSec=``, systemd also sets ``$WATCHDOG_USEC``,
and a service that does not send ``WATCHDOG=1`` within that time is killed and, with
``Restart=always``, started again; sd_watchdog_enabled(3) advises pinging at half of it.

``$WATCHDOG_PID`` is deliberately not checked: under ``cage`` the unit's main process is the
compositor and the kiosk its child, so the PID systemd names is cage's; the unit sets
``NotifyAccess=all`` so that the kiosk's own pings count (deploy/systemd/kiosk.service).

What it does not do: decide when to ping. ``ui/watchdog.py`` pings from the GUI thread's event
loop, so that a hung window stops the pings; nothing here knows about Qt. Sending never raises:
a notification that cannot be sent is logged once and the kiosk carries on.
"""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)

MAX_STATUS = 120   # systemctl status shows one short line


def _clean(text: str) -> str:
    # One line, printable: a STATUS value with a newline would start a field of its own.
    line = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return line[:MAX_STATUS]


class Notifier:
    """Sends notifications to one socket address (None: not under systemd, sends nothing).

    Args:
        address: the socket path or ``@abstract`` name from ``$NOTIFY_SOCKET``.
        watchdog_usec: ``$WATCHDOG_USEC``, the unit's watchdog timeout; None: no watchdog.
    """

    def __init__(self, address: str | None, watchdog_usec: int | None = None) -> None:
        self.address = address or None
        self.watchdog_usec = watchdog_usec if watchdog_usec and watchdog_usec > 0 else None
        self._sock: socket.socket | None = None
        self._failed = False
        self.last_status: str | None = None

    @classmethod
    def from_environ(cls, env: Mapping[str, str] = os.environ) -> Notifier:
        usec = env.get("WATCHDOG_USEC", "")
        return cls(env.get("NOTIFY_SOCKET") or None,
                   int(usec) if usec.isdigit() else None)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def ping_interval_s(self) -> float | None:
        """How often to send ``WATCHDOG=1``: half the watchdog timeout; None: no watchdog."""
        return self.watchdog_usec / 2e6 if self.enabled and self.watchdog_usec else None

    def _target(self) -> str | bytes:
        assert self.address is not None
        if self.address.startswith("@"):
            return b"\0" + self.address[1:].encode()
        return self.address

    def send(self, *lines: str) -> bool:
        """Send ``KEY=value`` lines as one datagram. Returns whether it was sent."""
        if not self.enabled or not lines:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto("\n".join(lines).encode("utf-8"), self._target())
        except OSError as exc:
            if not self._failed:
                log.warning("sd-notify-failed error=%s", exc.strerror or exc)
                self._failed = True
            return False
        self._failed = False
        return True

    def ready(self, status: str = "") -> bool:
        """The service is up: ``READY=1`` (``Type=notify`` units count as started now)."""
        lines = ["READY=1"]
        if status:
            self.last_status = _clean(status)
            lines.append(f"STATUS={self.last_status}")
        return self.send(*lines)

    def ping(self, status: str | None = None) -> bool:
        """``WATCHDOG=1``, with ``STATUS=`` when the status changed since it was last sent."""
        lines = ["WATCHDOG=1"]
        if status is not None and _clean(status) != self.last_status:
            self.last_status = _clean(status)
            lines.append(f"STATUS={self.last_status}")
        return self.send(*lines)

    def status(self, text: str) -> bool:
        """``STATUS=`` alone (no watchdog), when it changed."""
        if _clean(text) == self.last_status:
            return False
        self.last_status = _clean(text)
        return self.send(f"STATUS={self.last_status}")

    def stopping(self, status: str = "stopping") -> bool:
        return self.send("STOPPING=1", f"STATUS={_clean(status)}")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
