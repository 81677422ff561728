"""The citizen services in the real window: every page reachable, every page with 返回首页 that
asks once and then wipes, 帮办 and the staff pad, the home screen's honesty, and pictures of
the new screens (portrait and landscape, standard and 长辈版) that the tests look at."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from contract.citizen import ApplicationSummary, Progress
from contract.wire import DecisionStatus
from devices.health import DeviceState, Health
from kiosk.flow.help import HelpStatus, StaffCheck
from kiosk.flow.services import LookupState, PrintJob, PrintState, Service
from kiosk.flow.session import Session
from tests.ui.conftest import UiKit, person, walk_every_page
from ui.app import QmlMessages
from ui.qt import QImage
from ui.robot import Robot

NUMBER = "20261121-7KQ4M2XP"


def summary(status: DecisionStatus, reasons: tuple[str, ...] = (), prints: int = 0,
            sid: str = NUMBER) -> ApplicationSummary:
    return ApplicationSummary(
        application_id=sid, subject_type="individual_business",
        business_name="杭州市西湖区青禾百货店", status=status, reasons=list(reasons),
        received_at="2026-11-21T10:00:00+08:00", updated_at="2026-11-21T10:00:00+08:00",
        credit_code="92330106MA0000015G" if status is DecisionStatus.APPROVED else "",
        prints=prints)


def identified(s: Session, service: Service) -> None:
    s.begin(service)
    if service is Service.STATUS:
        s.status_by("card")
    s.card_read(person())
    s.confirm_identity()
    s.face_checked(True, b"\xff\xd8")


def _answered(s: Session, items: tuple) -> None:
    s.lookup_known(s.lookup.query_id, LookupState.READY, items)


# Each service page, reached through the session's own verbs and the desk's answers.
PAGES: dict[str, Callable[[Session], None]] = {
    "confirm_identity": lambda s: (s.begin(Service.REGISTER, "natural_person_llc"),
                                   s.card_read(person())),
    "face": lambda s: (s.begin(Service.LICENCE), s.card_read(person()), s.confirm_identity()),
    "status_start": lambda s: s.begin(Service.STATUS),
    "status_number": lambda s: (s.begin(Service.STATUS), s.status_by("number")),
    "status_scan": lambda s: (s.begin(Service.STATUS), s.status_by("scan")),
    "status_list": lambda s: (identified(s, Service.STATUS), _answered(s, (
        summary(DecisionStatus.NEEDS_CORRECTION, ("名称中的字号与已登记的企业相同，请换一个字号",),
                sid="20261120-AAAAAAAA"),
        summary(DecisionStatus.APPROVED, prints=1)))),
    "status_result": lambda s: (s.begin(Service.STATUS), s.status_by("number"),
                                s.enter_number(NUMBER), _answered(s, (Progress(
                                    application_id=NUMBER, subject_type="branch",
                                    status=DecisionStatus.RECEIVED,
                                    received_at="2026-11-21T10:00:00+08:00",
                                    updated_at="2026-11-21T10:00:00+08:00"),))),
    "licence_list": lambda s: (identified(s, Service.LICENCE),
                               _answered(s, (summary(DecisionStatus.APPROVED, prints=1),))),
    "licence_print": lambda s: (identified(s, Service.LICENCE),
                                _answered(s, (summary(DecisionStatus.APPROVED, prints=1),)),
                                s.choose_licence(NUMBER),
                                s.print_known(PrintJob(s.job.job_id, "licence", NUMBER,
                                                       PrintState.PRINTED, 2))),
    "guide": lambda s: (s.begin(Service.GUIDE), s.choose_guide("branch")),
    "rating": lambda s: (s.begin(Service.GUIDE), s.start_rating(2)),   # a face tapped: 不满意
}


def reach(kit: UiKit, page: str) -> Robot:
    PAGES[page](kit.bridge.session)
    kit.bridge.refresh()
    kit.ui.services.refresh()
    kit.settle()
    return Robot(kit.ui)


def go_home(robot: Robot, kit: UiKit) -> None:
    robot.tap("homeButton")
    assert robot.showing("homeConfirm")
    robot.tap("confirmHome")
    assert kit.bridge.screen == "AttractScreen" and not robot.showing("homeConfirm")
    assert "已返回首页" in kit.bridge.endedMessage
    assert kit.bridge.session.applicant is None and kit.bridge.session.lookup.items == ()


@pytest.mark.parametrize("page", list(PAGES))
def test_every_service_page_is_reachable_and_has_a_way_home(fresh_ui: UiKit, tmp_path: Path,
                                                            page: str) -> None:
    with QmlMessages() as messages:
        robot = reach(fresh_ui, page)
        assert fresh_ui.bridge.step == page.replace("status_result", "status_list")
        robot.grab(tmp_path / f"{page}.png")
        robot.tap("homeButton")
        robot.tap("keepGoing")                               # asked once: 继续办理 keeps it
        assert fresh_ui.bridge.step == page.replace("status_result", "status_list")
        go_home(robot, fresh_ui)
    assert messages.messages == [] and fresh_ui.ui.warnings == []


@pytest.mark.parametrize("subject", ["individual_business", "branch"])
def test_every_filing_page_offers_the_way_home(fresh_ui: UiKit, tmp_path: Path,
                                               subject: str) -> None:
    seen: list[str] = []

    def way_home(robot: Robot, step: str) -> None:
        seen.append(step)
        robot.tap("homeButton")
        assert robot.showing("confirmHome")
        robot.tap("keepGoing")

    walk_every_page(fresh_ui, subject, tmp_path, on_page=way_home)
    assert seen[:3] == ["id_card", "confirm_identity", "face"] and seen[-1] == "done"
    assert "subject_type" not in seen                        # chosen on the home screen
    robot = reach(fresh_ui, "guide")
    go_home(robot, fresh_ui)


def test_the_home_screen_offers_only_what_can_be_finished(fresh_ui: UiKit) -> None:
    s, robot = fresh_ui.bridge.session, Robot(fresh_ui.ui)
    try:
        s.device_changed(Health("receipt_printer", DeviceState.UNAVAILABLE, "paper_out", "缺纸"))
        s.device_changed(Health("platform", DeviceState.DISCONNECTED, "offline", "离线"))
        fresh_ui.settle()
        assert any("回执打印机缺纸：回执将由工作人员补打" in n for n in fresh_ui.ui.services.notices)
        assert robot.showing("notices") and robot.showing("start_branch")
        assert not robot.showing("service_status") and not robot.showing("service_licence")
        assert robot.showing("service_guide") and robot.showing("service_rating")
        assert "暂不可用：网络暂时中断" in robot.find("service_status").property("text")
    finally:
        s.device_changed(Health("receipt_printer", DeviceState.READY, "ready", "正常"))
        s.device_changed(Health("platform", DeviceState.READY, "online", "正常"))
        fresh_ui.settle()


class Gate:
    def __init__(self) -> None:
        self.pins: list[str] = []

    def check(self, pin, done) -> None:
        self.pins.append(pin)
        done(StaffCheck(pin == "246810", "" if pin == "246810" else "工作人员密码不正确，还可以再试4次"))


def test_help_is_called_from_the_header_and_staff_open_their_actions_on_the_pad(
        fresh_ui: UiKit) -> None:
    s, robot = fresh_ui.bridge.session, Robot(fresh_ui.ui)
    gate, s._staff_gate = Gate(), None
    s._staff_gate = gate
    try:
        reach(fresh_ui, "face")
        for _ in range(3):
            s.face_checked(False)
        fresh_ui.settle()
        assert robot.showing("faceCallStaff")
        robot.tap("faceCallStaff")
        assert fresh_ui.ui.services.help["status"] == "calling"
        s.help_known(s.help.call_id, HelpStatus.ANSWERED, "王晓")
        fresh_ui.settle()
        assert "工作人员王晓正在赶来" in robot.find("helpText").property("text")
        assert robot.find("helpButton").property("text") == "工作人员正在赶来"
        robot.tap("staffButton")
        robot.tap("pinKey7")
        robot.tap("staffClose")                      # closed half typed: the digit goes with it
        assert not robot.showing("staffPanel")
        robot.tap("staffButton")
        assert robot.find("pinDots").property("text") == "　"             # nothing typed yet
        for digit in "1111":
            robot.tap(f"pinKey{digit}")
        assert robot.find("pinDots").property("text") == "●●●●"      # dots, never the digits
        robot.tap("pinEnter")
        assert "不正确" in robot.find("staffMessage").property("text")
        for digit in "246810":
            robot.tap(f"pinKey{digit}")
        robot.tap("pinEnter")
        assert gate.pins == ["1111", "246810"] and robot.showing("staffVerify")
        robot.tap("staffVerify")
        assert s.step == "licence_list" and not robot.showing("staffPanel")
        assert s.help.status is HelpStatus.NONE
    finally:
        s._staff_gate = None


def test_a_rating_is_given_with_faces_reasons_and_words(fresh_ui: UiKit) -> None:
    s, robot = fresh_ui.bridge.session, Robot(fresh_ui.ui)
    reach(fresh_ui, "rating")
    assert robot.showing("reason0")                          # 不满意 was tapped before
    robot.tap("rate5")
    assert not robot.showing("reason0")                      # no reasons for a good rating
    robot.tap("rate1")
    robot.tap("reason2")
    robot.tap("submitRating")
    assert s.rating["level"] == 1 and s.rating["tags"] == ["机器出了故障"]
    s.rating_known(s.rating["rating_id"], "queued")
    fresh_ui.settle()
    assert "评价已保存在本机" in robot.find("ratingThanks").property("text")
    robot.tap("ratingDone")
    assert fresh_ui.bridge.screen == "AttractScreen"


@pytest.mark.parametrize("size, elderly", [((1080, 1920), False), ((1080, 1920), True),
                                           ((1920, 1080), False), ((1920, 1080), True)])
def test_the_new_screens_render_in_both_orientations_and_modes(fresh_ui: UiKit, size,
                                                               elderly: bool,
                                                               tmp_path: Path) -> None:
    # KIOSK_TEST_SCREENS=DIR keeps the pictures to look at.
    out = Path(os.environ.get("KIOSK_TEST_SCREENS") or tmp_path) / (
        f"{size[0]}x{size[1]}{'-elderly' if elderly else ''}")
    window = fresh_ui.ui.window
    window.setWidth(size[0])
    window.setHeight(size[1])
    try:
        robot = Robot(fresh_ui.ui)
        robot.grab(out / "home.png")
        for page in PAGES:
            reach(fresh_ui, page)
            if elderly:
                fresh_ui.bridge.setElderly(True)
            image = QImage(str(robot.grab(out / f"{page}.png")))
            assert (image.width(), image.height()) == size
            assert len({image.pixel(x, y) for x in range(0, size[0], 40)
                        for y in range(0, size[1], 40)}) > 3
            fresh_ui.bridge.session.cancel()
            fresh_ui.settle()
    finally:
        window.setWidth(1080)
        window.setHeight(1920)


def _shown(robot: Robot, text: str) -> list[object]:
    """Every visible text item on the window whose text is ``text``."""
    found, stack = [], [robot.window.contentItem()]
    while stack:
        item = stack.pop()
        if item.isVisible():
            if item.property("text") == text and item.metaObject().className().startswith(
                    ("QQuickText", "KText")):
                found.append(item)
            stack.extend(item.childItems())
    return found


@pytest.mark.parametrize("step, value, field, input_name", [
    ("premises", {"region_code": "330106", "detail": ""}, "detail", "addressDetailInput"),
    ("name", {"region": "杭州市西湖区", "trade_name": "青禾", "industry": "bai货", "form": "店"},
     "industry", None),
])
def test_each_problem_is_shown_once_next_to_its_field_and_the_summary_leads_there(
        fresh_ui: UiKit, step: str, value: dict, field: str, input_name: str | None) -> None:
    from tests.ui.test_qml import _walk
    _walk(fresh_ui, "individual_business", step)
    robot = Robot(fresh_ui.ui)
    robot.fill(value)
    robot.tap("continueButton")
    b = fresh_ui.bridge
    assert b.step == step and b.errorField == field
    [message] = b.errors
    assert len(_shown(robot, message)) == 1                 # next to its field, once
    assert len(_shown(robot, "· " + message)) == 1          # and in the summary
    robot.tap("summaryItem0")
    focused = fresh_ui.ui.window.activeFocusItem()
    assert focused is not None and focused.property("text") == (value.get(field) or "")
    if input_name:
        assert focused.objectName() == input_name
