"""``GuiWatchdog``: systemd's watchdog fed from the GUI thread's event loop, and only from there.

A ``QTimer`` owned by the GUI thread fires only while that thread's event loop turns; each
timeout sends ``WATCHDOG=1`` (``kiosk.sdnotify``). A window stuck in a slot, a deadlock or a
busy loop on the GUI thread therefore stops the pings, and systemd restarts the kiosk after
``WatchdogSec``. ``READY=1`` goes once the first frame of the start page has been swapped onto
the screen (``frameSwapped``): a ``Type=notify`` unit is "started" only when a person could
use it. ``STATUS=`` carries a short state (``status()``) whenever it changes.

What it does not do: decide anything about the kiosk, or ping from another thread (that would
keep a hung window alive).
"""
from __future__ import annotations

from collections.abc import Callable

from kiosk.sdnotify import Notifier
from ui.qt import QObject, QQuickWindow, QTimer

STATUS_EVERY_MS = 5000   # without a watchdog, STATUS= is still kept fresh


class GuiWatchdog(QObject):
    """Args: ``window``, whose first swapped frame means ready; ``notifier``; ``status``,
    a short state for ``STATUS=`` (read on the GUI thread); ``on_ready``, called once then."""

    def __init__(self, window: QQuickWindow, notifier: Notifier, status: Callable[[], str],
                 *, on_ready: Callable[[], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._notifier = notifier
        self._status = status
        self._on_ready = on_ready
        self.ready = False
        self._timer = QTimer(self)
        interval = notifier.ping_interval_s
        self._timer.setInterval(int(interval * 1000) if interval else STATUS_EVERY_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Wait for the first frame, then ping on every timer tick."""
        # frameSwapped is emitted by the render loop; queued, so the slot runs on this thread.
        self._window.frameSwapped.connect(self._first_frame)
        self._window.update()

    def _first_frame(self) -> None:
        if self.ready:
            return
        self.ready = True
        self._window.frameSwapped.disconnect(self._first_frame)
        self._notifier.ready(self._status())
        if self._on_ready is not None:
            self._on_ready()
        if self._notifier.enabled:
            self._timer.start()

    def _tick(self) -> None:
        if self._notifier.ping_interval_s:
            self._notifier.ping(self._status())
        else:
            self._notifier.status(self._status())

    def stop(self, status: str = "stopping") -> None:
        self._timer.stop()
        self._notifier.stopping(status)
