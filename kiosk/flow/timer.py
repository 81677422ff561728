"""The visit's clock work (ux.md "Time"): idle since when, the warning, extensions, the done page.

``VisitTimer`` keeps the moments that matter and answers ``due(...)``: what the session should
do now (warn, end for inactivity, close the done page). It reads an injected monotonic clock
and decides nothing about pages; the session tells it the phase and whether the person is
waiting for a device (the idle timer stops while the card is read, the camera works or paper
prints). No I/O.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kiosk.flow.timeouts import Timeouts


class Due(enum.Enum):
    NOTHING = "nothing"
    WARN = "warn"                 # show the idle warning (继续办理)
    TIME_OUT = "time_out"         # no answer to the warning: end and wipe
    CLOSE_DONE = "close_done"     # the done page has been read long enough


class VisitTimer:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        self.extensions_used = 0
        self._last_activity = self._clock()
        self._warning_since = 0.0
        self._done_since = self._done_first = 0.0
        self._paused = 0

    @property
    def paused_now(self) -> bool:
        return self._paused > 0

    def touch(self) -> None:
        """The person did something."""
        self._last_activity = self._clock()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The idle timer stops while a device works for the person."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1
            self._last_activity = self._clock()

    def warned(self) -> None:
        self._warning_since = self._clock()

    def extended(self) -> None:
        self.extensions_used += 1
        self._last_activity = self._clock()

    def done_opened(self) -> None:
        """The done page appeared."""
        self._done_first = self._done_since = self._clock()

    def done_shown(self) -> None:
        """The done page shows something new (the outcome, paper): give it its full time."""
        self._done_since = self._clock()

    def extensions_left(self, timeouts: Timeouts) -> int:
        return max(0, timeouts.max_extensions - self.extensions_used)

    def due(self, timeouts: Timeouts, *, active: bool, warning: bool, done: bool,
            waiting_for_card: bool, done_held: bool = False) -> Due:
        """What is due now.

        Args:
            timeouts: the timeouts in force (elderly mode doubles them).
            active / warning / done: the session's phase.
            waiting_for_card: on the card page, which waits longer before warning.
            done_held: the done page should stay (the outcome or paper is still coming);
                it stays at most ``paper_wait_s`` past its own time, so a coordinator that
                never answers cannot leave a person's data on the screen.
        """
        now = self._clock()
        if active and not self._paused:
            limit = timeouts.card_wait_s if waiting_for_card else timeouts.idle_warning_s
            if now - self._last_activity >= limit:
                return Due.WARN
        elif warning and now - self._warning_since >= timeouts.warning_s:
            return Due.TIME_OUT
        elif done and now - self._done_since >= timeouts.done_page_s and (
                not done_held or now - self._done_first >= timeouts.done_page_s + timeouts.paper_wait_s):
            return Due.CLOSE_DONE
        return Due.NOTHING
