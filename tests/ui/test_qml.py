"""The real Main.qml offscreen: loads clean, follows the session, elderly mode, time, pictures."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain.samples import sample_answers
from tests.ui import layout
from tests.ui.conftest import UiKit, person, walk_every_page
from tests.ui.test_services_ui import reach
from ui.app import SCREENS_DIR, QmlMessages
from ui.qt import QColor, QImage, QObject, QQmlComponent, Qt
from ui.robot import Robot


def find(kit: UiKit, name: str) -> QObject:
    # Items a Loader or a Repeater creates are not under the window's QObject tree: the robot
    # looks in the loaded page and the visual tree too.
    obj = Robot(kit.ui).find(name)
    assert obj is not None, f"no QML object named {name!r}"
    return obj


def click(kit: UiKit, name: str) -> None:
    find(kit, name).clicked.emit()
    kit.settle()


def to_phone(kit: UiKit) -> None:
    b, s = kit.bridge, kit.bridge.session
    click(kit, "start_individual_business")
    assert s.step == "id_card"
    s.card_read(person())
    s.confirm_identity()
    s.face_checked(True, b"\xff\xd8jpeg")
    b.refresh()
    answers = sample_answers("individual_business", person())
    while s.step != "phone":
        b.answer(answers[s.step])
    kit.settle()


def luminance(c: QColor) -> float:
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_start_page_then_the_card_page(fresh_ui: UiKit) -> None:
    kit = fresh_ui
    assert kit.ui.window.width() == 1080 and kit.ui.window.height() == 1920
    assert find(kit, "start_branch").property("text") == "分公司"
    assert find(kit, "footer").property("visible") is False
    click(kit, "start_branch")
    assert kit.bridge.step == "id_card" and kit.bridge.session.subject_type.id == "branch"
    assert find(kit, "pageTitle").property("text") == kit.bridge.title
    assert find(kit, "progressText").property("text").startswith("第 1 步，共 ")
    assert find(kit, "helpButton").property("text") == "呼叫工作人员"


def test_continue_sends_what_was_typed_and_errors_show_at_top_and_field(fresh_ui: UiKit) -> None:
    kit = fresh_ui
    to_phone(kit)
    field = find(kit, "textField")
    hints = find(kit, "textFieldInput").property("inputMethodHints")
    assert hints & Qt.InputMethodHint.ImhSensitiveData
    assert hints & Qt.InputMethodHint.ImhNoPredictiveText
    field.setProperty("text", "1380013")
    click(kit, "continueButton")
    assert kit.bridge.step == "phone" and kit.bridge.errors
    assert find(kit, "errorSummary").property("visible") is True
    assert field.property("error") == kit.bridge.errors[0]
    # The screen is rebuilt after a refusal only if the step changes: what was typed stays.
    assert find(kit, "textField").property("text") == "1380013"
    find(kit, "textField").setProperty("text", "13800138000")
    click(kit, "continueButton")
    assert kit.bridge.step == "seals" and kit.bridge.errors == []
    assert find(kit, "errorSummary").property("visible") is False
    click(kit, "backButton")
    assert kit.bridge.step == "phone"
    assert find(kit, "textField").property("text") == "13800138000"


def test_elderly_mode_is_a_theme_switch(fresh_ui: UiKit) -> None:
    kit = fresh_ui
    theme = kit.ui.window.property("theme")
    click(kit, "start_sole_proprietorship")
    title = find(kit, "pageTitle")
    normal = {k: theme.property(k) for k in ("headingSize", "bodySize", "targetHeight")}
    assert normal["headingSize"] >= 30 and normal["bodySize"] >= 18 and normal["targetHeight"] >= 44
    assert title.property("font").pixelSize() == normal["headingSize"]
    click(kit, "elderlySwitch")
    assert kit.bridge.elderly is True and theme.property("elderly") is True
    big = {k: theme.property(k) for k in ("headingSize", "bodySize", "targetHeight")}
    assert all(big[k] > normal[k] for k in big)
    assert big["targetHeight"] >= 60
    assert title.property("font").pixelSize() == big["headingSize"]
    assert find(kit, "helpButton").property("height") >= 60
    click(kit, "elderlySwitch")
    assert theme.property("headingSize") == normal["headingSize"]


PAIRS = [("text", "background"), ("secondaryText", "background"), ("textOnPrimary", "primary"),
         ("textOnSecondary", "secondary"), ("errorText", "background"),
         ("errorText", "errorBackground"), ("textOnHeader", "headerBackground"),
         ("textOnHelp", "help"), ("text", "surface"), ("secondaryText", "surface"),
         ("textOnPrimary", "success"), ("success", "surface")]


@pytest.mark.parametrize("elderly, floor", [(False, 4.5), (True, 7.0)])
def test_colour_contrast(fresh_ui: UiKit, elderly: bool, floor: float) -> None:
    fresh_ui.bridge.setElderly(elderly)
    theme = fresh_ui.ui.window.property("theme")
    for fg, bg in PAIRS:
        ratio = contrast(QColor(theme.property(fg)), QColor(theme.property(bg)))
        assert ratio >= floor, (fg, bg, round(ratio, 2))


def test_idle_warning_overlay_and_extend(fresh_ui: UiKit) -> None:
    kit = fresh_ui
    to_phone(kit)
    robot = Robot(kit.ui)
    assert not robot.showing("idleWarning")
    kit.clock.advance(kit.bridge.session.timeouts.idle_warning_s)
    kit.bridge.tick()
    kit.settle()
    assert robot.showing("idleWarning")
    assert "30 秒" in find(kit, "secondsLeft").property("text")
    click(kit, "extendButton")
    assert kit.bridge.phase == "active" and not robot.showing("idleWarning")
    assert kit.bridge.step == "phone"


def test_timeout_returns_to_start_saying_data_was_deleted(fresh_ui: UiKit) -> None:
    kit = fresh_ui
    to_phone(kit)
    t = kit.bridge.session.timeouts
    kit.clock.advance(t.idle_warning_s)
    kit.bridge.tick()
    kit.clock.advance(t.warning_s)
    kit.bridge.tick()
    kit.settle()
    assert kit.bridge.screen == "AttractScreen"
    message = find(kit, "endedMessage")
    assert message.property("visible") is True
    assert find(kit, "start_individual_business") is not None


@pytest.mark.parametrize("subject", ["individual_business", "sole_proprietorship",
                                     "natural_person_llc", "branch"])
def test_every_page_renders_without_qml_warnings(fresh_ui: UiKit, tmp_path: Path,
                                                 subject: str) -> None:
    with QmlMessages() as messages:
        files = walk_every_page(fresh_ui, subject, tmp_path, elderly=subject == "branch")
    assert messages.messages == [] and fresh_ui.ui.warnings == []
    names = [f.name for f in files]
    assert names[0] == "00-start.png" and names[-2].endswith("-done.png")
    assert any(n.endswith("-review.png") for n in names)
    image = QImage(str(files[len(files) // 2]))
    assert (image.width(), image.height()) == (1080, 1920)
    colours = {image.pixel(x, y) for x in range(0, 1080, 60) for y in range(0, 1920, 60)}
    assert len(colours) > 3     # not a blank frame



def _walk(kit: UiKit, subject: str, until: str) -> None:
    """Answer with the sample (skipping what it leaves out) until the page ``until``."""
    b, s = kit.bridge, kit.bridge.session
    if s.step is None:
        click(kit, f"start_{subject}")
        s.card_read(person())
        s.confirm_identity()
        s.face_checked(True, b"\xff\xd8jpeg")
        b.refresh()
    answers = dict(sample_answers(subject, person()), subject_type=subject)
    while s.step != until:
        if s.step == "review":
            assert b.confirmReview() == []
        elif s.step in answers:
            assert b.answer(answers[s.step]) == [], s.step
        else:
            assert b.skip() == [], s.step
    kit.settle()


@pytest.mark.parametrize("subject, field, person_label", [
    ("natural_person_llc", "注册资本（万元）", "法定代表人"),
    ("sole_proprietorship", "出资额（万元）", "投资人"),
    ("individual_business", "资金数额（万元）", "经营者")])
def test_the_screens_show_the_wording_of_the_subject_type(fresh_ui: UiKit, subject: str,
                                                          field: str, person_label: str) -> None:
    kit = fresh_ui
    _walk(kit, subject, "capital")
    assert find(kit, "pageTitle").property("text") == kit.bridge.title
    assert find(kit, "amountField").property("label") == field
    _walk(kit, subject, "commitment")
    assert f"本人作为{person_label}承诺" in find(kit, "commitmentText").property("text")


def test_every_screen_is_compiled_ahead_once_the_start_page_shows(fresh_ui: UiKit) -> None:
    kit, robot = fresh_ui, Robot(fresh_ui.ui)
    kit.ui.window.update()
    robot.wait(lambda: kit.ui.app_bridge.property("shown"), "the start page on screen", 10)
    made = [c for c in kit.ui.engine.findChildren(QQmlComponent)
            if "/screens/" in c.url().toString()]
    robot.wait(lambda: all(c.status() != QQmlComponent.Status.Loading for c in made),
               "the screens compiled", 30)
    assert {c.url().fileName() for c in made} == {p.name for p in SCREENS_DIR.glob("*.qml")}
    assert [c.errorString() for c in made if c.status() != QQmlComponent.Status.Ready] == []


def test_a_failed_face_check_keeps_its_buttons_in_view_when_the_panel_turns(
        fresh_ui: UiKit) -> None:
    kit, robot = fresh_ui, Robot(fresh_ui.ui)
    reach(kit, "face")
    kit.bridge.session.face_checked(False, None, "没有看到眨眼，请正对摄像头再试一次")
    try:
        for size in ((1920, 1080), (1080, 1920), (1920, 1080)):      # turned while it shows
            kit.ui.window.setWidth(size[0])
            kit.ui.window.setHeight(size[1])
            kit.bridge.refresh()
            robot.look()
            assert layout.problems(kit.ui.window) == [], size
            assert robot.showing("retryFace")
    finally:
        kit.ui.window.setWidth(1080)
        kit.ui.window.setHeight(1920)
        kit.settle()
