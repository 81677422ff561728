"""Issue 8's smaller fixes, in the real window: the name's 行政区划 and the address picker start
from the hall's county (from settings) and can go up a level; every field carries its one name;
the shareholder page masks the ID number as the review page does; a tap is no signature, and the
ink is on the review page. (Each problem once next to its field, 返回首页 with its confirmation
and the 字号 hint are tested in test_services_ui.py and tests/kiosk/domain.)"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.domain.identifiers import mask_id_number
from tests.ui.conftest import ID_NUMBER, UiKit, walk_every_page
from tests.ui.test_qml import _walk
from ui.qt import QQuickItem
from ui.robot import Robot
from ui.scripted_visit import SIGNATURE


@pytest.fixture()
def in_the_hall(fresh_ui: UiKit) -> Iterator[UiKit]:
    """The shared window as a kiosk whose settings put it in 杭州市西湖区 (330106)."""
    session = fresh_ui.bridge.session
    session.hall_region = "330106"
    fresh_ui.ui.services.refresh()
    try:
        yield fresh_ui
    finally:
        session.hall_region = ""
        fresh_ui.ui.services.refresh()


def test_the_name_s_region_is_picked_from_the_hall_s_county_up(in_the_hall: UiKit) -> None:
    _walk(in_the_hall, "individual_business", "name")
    robot = Robot(in_the_hall.ui)
    regions = [robot.find(f"nameRegion{i}").property("text") for i in range(4)]
    assert regions == ["杭州市西湖区", "杭州市", "杭州", "浙江省"]
    assert robot.find("nameRegion0").property("selected") is True      # the county first
    robot.tap("nameRegion1")                                            # a level up
    assert robot.find("nameRegion1").property("selected") is True
    assert "杭州市" in robot.find("namePreviewName").property("text")


def test_the_address_picker_starts_from_the_hall_s_county_and_goes_up(in_the_hall: UiKit) -> None:
    _walk(in_the_hall, "individual_business", "premises")
    robot = Robot(in_the_hall.ui)

    def chosen() -> str:
        return next(t for t in _texts(robot) if t.startswith("已选："))

    assert chosen() == "已选：浙江省杭州市西湖区"
    robot.tap("regionUp")
    assert chosen() == "已选：浙江省杭州市"


def _texts(robot: Robot) -> list[str]:
    found, stack = [], [robot.window.contentItem()]
    while stack:
        item = stack.pop()
        if item.isVisible():
            if _is_text(item) and item.property("text"):
                found.append(item.property("text"))
            stack.extend(item.childItems())
    return found


def _is_text(item: QQuickItem) -> bool:
    """A piece of text on the screen (Text and our KText), not a text field."""
    name = item.metaObject().className()
    return name.startswith(("QQuickText", "KText")) and not name.startswith(
        ("QQuickTextInput", "QQuickTextField", "KTextField"))


def _fields(root: QQuickItem) -> list[QQuickItem]:
    """Every visible KTextField on the window."""
    found, stack = [], [root]
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        if item.metaObject().className().startswith("KTextField"):
            found.append(item)
        stack.extend(item.childItems())
    return found


def test_every_field_carries_one_name(fresh_ui: UiKit, tmp_path: Path) -> None:
    seen: dict[str, list[str]] = {}

    def check(robot: Robot, path: Path) -> None:
        for field in _fields(robot.window.contentItem()):
            label = field.property("label")
            texts = [t for t in _texts_under(field) if t]
            assert label and texts.count(label) == 1, (path.name, label, texts)
            assert field.property("hint") != label          # the hint says more than the name
            seen.setdefault(path.name, []).append(label)

    for subject in ("natural_person_llc", "branch"):
        walk_every_page(fresh_ui, subject, tmp_path / subject, on_shown=check)
    assert sum(len(v) for v in seen.values()) > 10          # the walk met the fields


def _texts_under(item: QQuickItem) -> list[str]:
    found, stack = [], [item]
    while stack:
        current = stack.pop()
        if current.isVisible():
            if _is_text(current):
                found.append(current.property("text") or "")
            stack.extend(current.childItems())
    return found


def test_the_shareholder_page_masks_the_number_as_the_review_page(fresh_ui: UiKit) -> None:
    _walk(fresh_ui, "natural_person_llc", "shareholders")
    robot = Robot(fresh_ui.ui)
    robot.look()
    masked = robot.find("idNumber0Masked")
    assert masked is not None and masked.isVisible()
    assert masked.property("text") == mask_id_number(ID_NUMBER) != ID_NUMBER
    assert ID_NUMBER not in _texts(robot)                  # nowhere on the page in clear


def test_a_tap_is_no_signature_and_the_ink_is_on_the_review(fresh_ui: UiKit) -> None:
    _walk(fresh_ui, "natural_person_llc", "signature")
    robot = Robot(fresh_ui.ui)
    robot.stroke("signaturePad", [((0.5, 0.5),)])           # a tap
    robot.tap("continueButton")
    assert fresh_ui.bridge.step == "signature" and fresh_ui.bridge.errors
    robot.tap("clearSignature")
    robot.stroke("signaturePad", SIGNATURE)
    robot.tap("continueButton")
    assert fresh_ui.bridge.step == "review"
    robot.look()
    shown = robot.find("reviewSignature")
    assert shown is not None and shown.isVisible()
    assert fresh_ui.bridge.signatureImage.startswith("data:image/png;base64,")
