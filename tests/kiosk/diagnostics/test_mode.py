"""The touch mode: five taps on the corner within 3 s open the PIN pad, only between visits;
while open, no visit starts; leaving and a timeout close it. An injected clock moves time."""
from __future__ import annotations

from kiosk.diagnostics.mode import (MAINTENANCE, PIN_TIMEOUT_S, TAP_WINDOW_S, VISIT_UNDER_WAY,
                                    DiagnosticsMode, ModeState)
from kiosk.pin import PinGate
from tests.clock import Clock
from tests.kiosk.conftest import PIN, Recorded


def make(pin_hash: str, audit: Recorded, clock: Clock, idle: list[bool]) -> DiagnosticsMode:
    return DiagnosticsMode(PinGate(pin_hash, audit=audit, clock=clock), audit=audit,
                           is_idle=lambda: idle[0], clock=clock, timeout_s=300)


def taps(mode: DiagnosticsMode, clock: Clock, n: int, gap: float) -> str:
    said = ""
    for _ in range(n):
        said = mode.corner_tapped() or said
        clock.advance(gap)
    return said


def test_five_taps_within_three_seconds_show_the_pin_pad(pin_hash: str, audit: Recorded) -> None:
    clock, idle = Clock(), [True]
    mode = make(pin_hash, audit, clock, idle)
    taps(mode, clock, 4, 0.5)
    assert mode.state is ModeState.CLOSED and mode.why_not_start() == ""
    taps(mode, clock, 1, 0.5)
    assert mode.state is ModeState.PIN and mode.why_not_start() == MAINTENANCE


def test_slow_taps_do_not_count(pin_hash: str, audit: Recorded) -> None:
    clock, idle = Clock(), [True]
    mode = make(pin_hash, audit, clock, idle)
    taps(mode, clock, 12, TAP_WINDOW_S / 4 + 0.01)      # five taps always span more than 3 s
    assert mode.state is ModeState.CLOSED


def test_the_pin_opens_the_mode_and_leaving_returns_to_visits(pin_hash: str,
                                                              audit: Recorded) -> None:
    clock, idle = Clock(), [True]
    mode = make(pin_hash, audit, clock, idle)
    assert mode.request() == ""
    assert not mode.enter_pin("999999").ok and mode.state is ModeState.PIN
    assert mode.enter_pin(PIN).ok and mode.state is ModeState.OPEN
    assert mode.why_not_start() == MAINTENANCE
    mode.leave()
    assert mode.state is ModeState.CLOSED and mode.why_not_start() == ""
    assert audit.events() == ["diagnostics-pin-refused", "diagnostics-pin-accepted",
                              "diagnostics-entered", "diagnostics-left"]
    assert audit.entries[-1][1] == {"surface": "touch", "reason": "left"}


def test_never_over_a_visit(pin_hash: str, audit: Recorded) -> None:
    clock, idle = Clock(), [False]
    mode = make(pin_hash, audit, clock, idle)
    assert taps(mode, clock, 5, 0.1) == VISIT_UNDER_WAY
    assert mode.state is ModeState.CLOSED
    assert audit.entries == [("diagnostics-refused", {"surface": "touch", "phase": "visit"})]
    # A visit that began while the pad showed (it covers the screen, but say it did): refused.
    idle[0] = True
    mode.request()
    idle[0] = False
    assert mode.enter_pin(PIN).ok and mode.state is ModeState.CLOSED
    assert "diagnostics-entered" not in audit.events()


def test_untouched_the_mode_times_out_and_a_touch_keeps_it(pin_hash: str,
                                                           audit: Recorded) -> None:
    clock, idle = Clock(), [True]
    mode = make(pin_hash, audit, clock, idle)
    mode.request()
    mode.enter_pin(PIN)
    clock.advance(299)
    mode.touch()
    clock.advance(299)
    mode.tick()
    assert mode.state is ModeState.OPEN and 0 < mode.seconds_left <= 1
    clock.advance(1)
    mode.tick()
    assert mode.state is ModeState.CLOSED
    assert audit.entries[-1] == ("diagnostics-left", {"surface": "touch", "reason": "timeout"})


def test_a_pin_pad_left_alone_closes_and_cancel_closes(pin_hash: str, audit: Recorded) -> None:
    clock, idle = Clock(), [True]
    mode = make(pin_hash, audit, clock, idle)
    mode.request()
    clock.advance(PIN_TIMEOUT_S)
    mode.tick()
    assert mode.state is ModeState.CLOSED
    mode.request()
    mode.cancel()
    assert mode.state is ModeState.CLOSED and "diagnostics-left" not in audit.events()
    assert not mode.enter_pin(PIN).ok          # no pad: a PIN is not even looked at


def test_the_session_refuses_a_visit_while_the_mode_is_open(pin_hash: str, audit: Recorded,
                                                            tmp_path) -> None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from kiosk.app import _admission
    from kiosk.flow.session import Phase, Session
    from offline_queue.outbox import Outbox
    outbox = Outbox(tmp_path / "outbox.db", X25519PrivateKey.generate().public_key())
    clock = Clock()
    holder: list[Session] = []
    mode = DiagnosticsMode(PinGate(pin_hash, audit=audit, clock=clock), audit=audit, clock=clock,
                           is_idle=lambda: holder[0].phase is Phase.IDLE)
    session = Session(outbox, tmp_path / "sessions", admission=lambda: _admission(outbox, mode))
    holder.append(session)
    mode.request()
    refused = session.begin()
    assert not refused.ok and refused.message == MAINTENANCE and session.phase is Phase.IDLE
    mode.cancel()
    assert session.begin().ok
    assert mode.request() == VISIT_UNDER_WAY          # and the mode refuses over the visit
    session.cancel()
    outbox.close()
