"""``AppBridge``: facts about this kiosk's UI that are not the person's session, as ``Kiosk.App``.

Whether the on-screen keyboard is installed, whether the UI runs as a demo, how the idle start
page guards the panel against burn-in (``[screen]``), and whether the window's first frame is
on screen yet (``shown``, for what can wait until then). Constants for the life of the process
but ``shown``; it holds no session data and no rules.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from ui.qt import Property, QObject, QTimer, Signal, Slot


class BurnIn(NamedTuple):
    """``[screen]``'s burn-in drift as BurnIn.qml counts it: ``shift_px`` at most (0: off),
    one step every ``step_ms``, the first after ``idle_steps`` steps of an idle start page.
    Its defaults are ``ScreenSettings``' alone (kiosk.config.schema)."""

    shift_px: int
    idle_steps: int
    step_ms: int

    @classmethod
    def of(cls, shift_px: int, after_min: int, every_s: float) -> BurnIn:
        step_ms = max(1, round(every_s * 1000))
        return cls(shift_px, max(1, math.ceil(after_min * 60_000 / step_ms)), step_ms)


NO_DRIFT = BurnIn(0, 1, 60_000)    # a window built without [screen] (tests, benchmarks)


class AppBridge(QObject):
    changed = Signal()  # constants: declared so QML bindings do not warn
    shownChanged = Signal()

    def __init__(self, *, keyboard: bool, demo: bool = False, burn_in: BurnIn = NO_DRIFT,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keyboard = keyboard
        self._demo = demo
        self._burn_in = burn_in
        self._shown = False

    @Property(bool, notify=changed)
    def keyboard(self) -> bool:
        return self._keyboard

    @Property(bool, notify=changed)
    def demo(self) -> bool:
        return self._demo

    @Property(bool, notify=shownChanged)
    def shown(self) -> bool:
        """The window's first frame is on screen (the start page, painted)."""
        return self._shown

    @Slot()
    def first_frame(self) -> None:
        """Connected to the window's ``frameSwapped``: queued, so it runs on this thread. What
        waits for ``shown`` is made on the loop's next turn, after the others that heard of
        the frame (systemd's READY=1 among them)."""
        QTimer.singleShot(0, self, self._now_shown)

    def _now_shown(self) -> None:
        if not self._shown:
            self._shown = True
            self.shownChanged.emit()

    @Property(int, notify=changed)
    def burnInShift(self) -> int:
        return self._burn_in.shift_px

    @Property(int, notify=changed)
    def burnInIdleSteps(self) -> int:
        return self._burn_in.idle_steps

    @Property(int, notify=changed)
    def burnInStepMs(self) -> int:
        return self._burn_in.step_ms
