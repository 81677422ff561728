"""SIGTERM and SIGINT end the kiosk's event loop, so that it stops as it does on quit.

systemd stops the kiosk with SIGTERM (at shutdown, on ``systemctl restart``); Python's default
for it ends the process at once, so nothing in a ``finally`` runs: a visit's files would stay
on disk until the next start, ``STOPPING=1`` and the last heartbeat would never be sent.

Python runs a signal's handler only between bytecodes, and Qt's event loop waits in C++, so the
handler alone would run at the next timer, seconds later. The interpreter's C handler therefore
also writes the signal's number to a socket (``signal.set_wakeup_fd``) that a QSocketNotifier
watches: the loop wakes at once and quits.
"""
from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Iterable
from types import FrameType, TracebackType

from ui.qt import QCoreApplication, QObject, QSocketNotifier, QTimer

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class QuitOnSignals(QObject):
    """While entered, the given signals make ``app`` quit its event loop (exit code 0), also
    when one arrives before the loop runs. ``received`` is the last such signal, or None.
    Must be entered on the main thread (Python's rule for signal handlers)."""

    def __init__(self, app: QCoreApplication, signals: Iterable[int] = STOP_SIGNALS) -> None:
        super().__init__()
        self._app = app
        self._signals = tuple(signals)
        self.received: int | None = None
        self._previous: dict[int, object] = {}
        self._previous_fd = -1
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._notifier: QSocketNotifier | None = None

    def __enter__(self) -> QuitOnSignals:
        read, write = socket.socketpair()
        for end in (read, write):
            end.setblocking(False)
        self._wake = (read, write)
        self._previous_fd = signal.set_wakeup_fd(write.fileno(), warn_on_full_buffer=False)
        self._notifier = QSocketNotifier(read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)
        for number in self._signals:
            self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        self._previous.clear()
        signal.set_wakeup_fd(self._previous_fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._wake is not None:
            for end in self._wake:
                end.close()
            self._wake = None

    def _handle(self, number: int, frame: FrameType | None) -> None:
        self.received = number
        log.info("stopping on %s", signal.Signals(number).name)
        # Queued: quit() before the loop runs would be lost; this runs once it turns.
        QTimer.singleShot(0, self, self._app.quit)

    def _woken(self) -> None:
        # The bytes are only the wake-up: the Python handler above has run by the time this
        # slot's Python code does. Drain them so the notifier does not fire again.
        if self._wake is None:
            return
        try:
            while self._wake[0].recv(512):
                pass
        except BlockingIOError:
            pass
