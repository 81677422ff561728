"""The touch diagnostics mode: how it opens (a hidden gesture, then the PIN) and closes.

States::

    CLOSED ──5 taps on the header's corner within 3 s (only between visits)──▶ PIN
    PIN ──right PIN──▶ OPEN          PIN ──cancel / 60 s untouched──▶ CLOSED
    OPEN ──leave / timeout_s untouched──▶ CLOSED

The mode never opens over a person's visit (``is_idle`` asks the session), and while it is not
CLOSED the session starts no visit (``why_not_start`` is part of the session's admission,
wired in the composition root). Entering, leaving and refusals go to the audit log; the PIN's
own attempts are recorded by ``PinGate``. The clock is injected and ``tick`` is called by
whoever owns the clock (the UI's one-second timer), so tests move time instead of waiting.
It decides; it draws nothing.
"""
from __future__ import annotations

import enum
import time
from collections.abc import Callable

from kiosk.audit import Audit, NullAudit
from kiosk.pin import PinGate, PinResult

TAPS = 5
TAP_WINDOW_S = 3.0
PIN_TIMEOUT_S = 60.0
MAINTENANCE = "本机正在由技术人员维护，请稍候，或到其他自助机、人工窗口办理"
VISIT_UNDER_WAY = "正在为群众办理业务，维护模式只能在回到首页后进入"


class ModeState(enum.Enum):
    CLOSED = "closed"
    PIN = "pin"          # the numeric pad asks for the PIN
    OPEN = "open"        # the diagnostics pages are shown


class DiagnosticsMode:
    """Args: ``gate``, the PIN check; ``is_idle``, whether no visit is under way; ``audit``;
    ``clock``, monotonic seconds; ``timeout_s``, how long the open mode waits untouched;
    ``on_change``, told (with no argument) whenever the state changes."""

    def __init__(self, gate: PinGate, *, is_idle: Callable[[], bool],
                 audit: Audit | None = None, clock: Callable[[], float] = time.monotonic,
                 timeout_s: float = 300.0, on_change: Callable[[], None] | None = None) -> None:
        self.gate = gate
        self._is_idle = is_idle
        self._audit = audit or NullAudit()
        self._clock = clock
        self.timeout_s = timeout_s
        self._listeners: list[Callable[[], None]] = [on_change] if on_change else []
        self.state = ModeState.CLOSED
        self.last_result: PinResult | None = None
        self._taps: list[float] = []
        self._last_activity = clock()

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _set(self, state: ModeState) -> None:
        self.state = state
        self._last_activity = self._clock()
        for listener in self._listeners:
            listener()

    # ----- opening ----------------------------------------------------------------------------
    def corner_tapped(self) -> str:
        """A tap on the header's corner. Returns "" or why the PIN pad did not open (after the
        fifth tap over a visit); taps before the fifth answer ""."""
        now = self._clock()
        self._taps = [t for t in self._taps if now - t < TAP_WINDOW_S] + [now]
        if len(self._taps) < TAPS or self.state is not ModeState.CLOSED:
            return ""
        self._taps = []
        return self.request()

    def request(self, surface: str = "touch") -> str:
        """Show the PIN pad, unless a visit is under way. Returns "" or the refusal."""
        if self.state is not ModeState.CLOSED:
            return ""
        if not self._is_idle():
            self._audit.record("diagnostics-refused", surface=surface, phase="visit")
            return VISIT_UNDER_WAY
        self.last_result = None
        self._set(ModeState.PIN)
        return ""

    def enter_pin(self, text: object) -> PinResult:
        """The PIN pad's 确认. Opens the mode when the PIN is right."""
        if self.state is not ModeState.PIN:
            return PinResult(False)
        self._last_activity = self._clock()
        result = self.last_result = self.gate.attempt(text)
        if result.ok:
            if not self._is_idle():          # a visit began meanwhile: never over a person
                self._audit.record("diagnostics-refused", surface="touch", phase="visit")
                self._set(ModeState.CLOSED)
                return result
            self._audit.record("diagnostics-entered", surface="touch")
            self._set(ModeState.OPEN)
        else:
            for listener in self._listeners:
                listener()
        return result

    # ----- closing ----------------------------------------------------------------------------
    def cancel(self) -> None:
        """取消 on the PIN pad."""
        if self.state is ModeState.PIN:
            self._set(ModeState.CLOSED)

    def leave(self, reason: str = "left") -> None:
        """退出维护: back to a clean start page."""
        if self.state is ModeState.OPEN:
            self._audit.record("diagnostics-left", surface="touch", reason=reason)
            self._set(ModeState.CLOSED)
        elif self.state is ModeState.PIN:
            self._set(ModeState.CLOSED)

    def touch(self) -> None:
        """The technician did something: the timeout starts again."""
        self._last_activity = self._clock()

    def tick(self) -> None:
        """Close a mode left untouched too long."""
        idle = self._clock() - self._last_activity
        if self.state is ModeState.OPEN and idle >= self.timeout_s:
            self.leave("timeout")
        elif self.state is ModeState.PIN and idle >= PIN_TIMEOUT_S:
            self._set(ModeState.CLOSED)

    # ----- what the session asks ----------------------------------------------------------------
    def why_not_start(self) -> str:
        """Why no visit may start now ("" when one may): the mode is open or opening."""
        return "" if self.state is ModeState.CLOSED else MAINTENANCE

    @property
    def seconds_left(self) -> float:
        limit = self.timeout_s if self.state is ModeState.OPEN else PIN_TIMEOUT_S
        return max(0.0, limit - (self._clock() - self._last_activity))
