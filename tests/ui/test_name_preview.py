"""The name page's preview in the real window: nothing until a pause in typing (the debounce
timer is fired, not waited for), then the full name, the rules it does not meet yet as hints
(not errors), and the platform's name check from the real platform on loopback, off the GUI
thread; offline it says the check is made on upload; errors still come on continue."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import running_platform
from kiosk.platform.client import PlatformClient
from kiosk.services.name_check import LATER_TEXT, NameChecker
from tests.ui.conftest import UiKit
from tests.ui.test_qml import _walk
from ui.bridges.name_preview import DEBOUNCE_MS
from ui.main import GuiPost
from ui.robot import Robot

NAME = {"region": "杭州市西湖区", "trade_name": "青", "industry": "百货", "form": "店"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("central")) as platform:
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk("kiosk-names-ui", key.public_key())
        made = PlatformClient(platform.base_url, "kiosk-names-ui", key, timeout=(1, 5),
                              decision_key=platform.decision_public_key)
        yield made
        made.close()


def _on_name_page(kit: UiKit, value: dict) -> Robot:
    _walk(kit, "individual_business", "name")
    robot = Robot(kit.ui)
    robot.fill(value)
    return robot


def test_after_a_pause_the_name_is_previewed_with_hints_not_errors(fresh_ui: UiKit) -> None:
    names = fresh_ui.ui.names
    robot = _on_name_page(fresh_ui, NAME)
    assert names.debounce.isActive() and names.debounce.interval() == DEBOUNCE_MS
    assert names.hints == []                              # still typing: nothing yet
    names.debounce.timeout.emit()                         # the pause
    robot.settle()
    assert names.name == "杭州市西湖区青百货店"
    assert "字号至少应有2个汉字" in names.hints
    assert fresh_ui.bridge.errors == []                   # a preview, not an error
    assert names.checkText == LATER_TEXT                  # no platform here: checked on upload
    assert LATER_TEXT in robot.find("nameCheckText").property("text")
    robot.tap("continueButton")                           # errors still come on continue
    assert "字号至少应有2个汉字" in fresh_ui.bridge.errors
    fresh_ui.bridge.cancel()
    robot.settle()
    assert names.name == "" and names.hints == []          # the page went: the preview too


def test_online_the_platform_checks_the_name_off_the_gui_thread(fresh_ui: UiKit, client) -> None:
    names = fresh_ui.ui.names
    names.use(NameChecker(client.check_name, online=lambda: True, post=GuiPost()))
    try:
        robot = _on_name_page(fresh_ui, {**NAME, "trade_name": "青禾"})
        names.debounce.timeout.emit()
        robot.settle()
        assert names.checkState in ("checking", "available")   # the GUI thread did not wait
        robot.wait(lambda: names.checkState == "available", "the platform's answer")
        assert "暂未发现" in robot.find("nameCheckText").property("text")
        assert names.hints == []
        robot.fill({**NAME, "trade_name": "青禾禾"})         # typed again: the old answer goes
        assert names.checkText == "" and names.debounce.isActive()
        names.debounce.timeout.emit()
        robot.wait(lambda: names.checkState == "available", "the answer for the new name")
        assert names.name == "杭州市西湖区青禾禾百货店"
    finally:
        names.use(None)


def test_in_landscape_the_preview_stands_beside_the_question_once(fresh_ui: UiKit) -> None:
    window = fresh_ui.ui.window
    window.setWidth(1920)
    window.setHeight(1080)
    try:
        robot = _on_name_page(fresh_ui, NAME)
        fresh_ui.ui.names.debounce.timeout.emit()
        robot.look()
        shown = [i for i in _all(robot.window.contentItem()) if i.objectName() == "namePreview"]
        assert len(shown) == 1
        panel = robot.find("sidePanel")
        parent = shown[0].parentItem()
        while parent is not None and parent != panel:
            parent = parent.parentItem()
        assert parent == panel                                # in the side panel
        assert "字号至少应有2个汉字" in " ".join(
            i.property("text") or "" for i in _all(shown[0]) if i.property("text"))
    finally:
        window.setWidth(1080)
        window.setHeight(1920)


def _all(item):
    """Every visible item under ``item``."""
    out, stack = [], [item]
    while stack:
        current = stack.pop()
        if current.isVisible():
            out.append(current)
            stack.extend(current.childItems())
    return out
