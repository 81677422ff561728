"""The diagnostics bridge without a kiosk behind it (previews, the shared test window): the
gesture does nothing and nothing opens; with a mode, it only forwards and reports state."""
from __future__ import annotations

from kiosk.diagnostics.mode import DiagnosticsMode
from kiosk.pin import PinGate
from tests.clock import Clock
from tests.kiosk.conftest import CHEAP, PIN
from tests.ui.conftest import UiKit
from ui.bridges.diagnostics_bridge import DiagnosticsBridge
from ui.robot import Robot


def test_without_a_kiosk_the_corner_opens_nothing(fresh_ui: UiKit) -> None:
    robot = Robot(fresh_ui.ui)
    for _ in range(6):
        robot.tap("diagnosticsCorner")
    assert fresh_ui.ui.diagnostics.state == "closed"
    assert robot.find("diagnosticsOverlay") is None
    assert fresh_ui.bridge.screen == "AttractScreen"


def test_the_bridge_forwards_to_the_mode_and_says_its_state(qapp) -> None:
    clock = Clock()
    mode = DiagnosticsMode(PinGate(CHEAP.hash(PIN), clock=clock), is_idle=lambda: True,
                           clock=clock, timeout_s=60)
    bridge = DiagnosticsBridge(None, mode, tick=False)
    closed: list[bool] = []
    bridge.closed.connect(lambda: closed.append(True))
    for _ in range(5):
        bridge.cornerTapped()
    assert bridge.state == "pin" and bridge.pinConfigured and bridge.pinMessage == ""
    for _ in range(5):
        bridge.submitPin("0000")
    assert bridge.state == "pin" and bridge.lockedSeconds == 15 and "请15秒后再试" in bridge.pinMessage
    clock.advance(15)
    bridge.submitPin(PIN)
    assert bridge.state == "open" and bridge.page == "report"
    bridge.show("no-such-page")
    assert bridge.page == "report"
    bridge.show("queue")
    assert bridge.page == "queue"
    clock.advance(60)
    bridge.tick()
    assert bridge.state == "closed" and closed == [True]
    bridge.shutdown()
