"""Every screen in portrait (1080x1920) and landscape (1920x1080), standard and 长辈版: a picture
of each, and a check that nothing on it lies outside the window, under the footer or past the
page's sides, and that no text is cut (``tests/ui/layout.py``).

``KIOSK_TEST_SCREENS=DIR`` keeps the pictures in DIR to look at. ``KIOSK_README_SCREENS=1``
regenerates the README's six pictures in ``docs/screens/`` (home, a question and the done
page in both orientations, scaled down), so they show the kiosk as it is.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from kiosk.domain import subject_types
from tests.ui import layout
from tests.ui.conftest import UiKit, walk_every_page
from tests.ui.test_qml import _walk
from tests.ui.test_services_ui import PAGES, reach
from ui.qt import QImage, QPointF, QQuickItem, QSizeF
from ui.robot import Robot

PORTRAIT, LANDSCAPE = (1080, 1920), (1920, 1080)
CONFIGS = [(PORTRAIT, False), (PORTRAIT, True), (LANDSCAPE, False), (LANDSCAPE, True)]
README = Path(__file__).resolve().parents[2] / "docs" / "screens"
CHILD = Path(__file__).with_name("full_screen_child.py")
# The README's pictures: the width each is scaled down to.
README_WIDTH = {"portrait": 540, "landscape": 960}


def _config_id(config: tuple[tuple[int, int], bool]) -> str:
    (w, h), elderly = config
    return f"{'portrait' if h > w else 'landscape'}{'-elderly' if elderly else ''}"


@pytest.fixture()
def sized(fresh_ui: UiKit, request: pytest.FixtureRequest) -> Iterator[UiKit]:
    size = request.param
    window = fresh_ui.ui.window
    window.setWidth(size[0])
    window.setHeight(size[1])
    fresh_ui.settle()
    try:
        yield fresh_ui
    finally:
        window.setWidth(PORTRAIT[0])
        window.setHeight(PORTRAIT[1])
        fresh_ui.settle()


def _out(tmp_path: Path, name: str) -> Path:
    return Path(os.environ.get("KIOSK_TEST_SCREENS") or tmp_path) / name


def _checker(found: dict[str, list[str]]):
    def check(robot: Robot, path: Path) -> None:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (robot.window.width(), robot.window.height())
        wrong = layout.problems(robot.window)
        if wrong:
            found[path.parent.name + "/" + path.name] = wrong
    return check


def _extra_states(kit: UiKit, robot: Robot, out: Path, check, elderly: bool) -> None:
    """States a walk does not pass through: the home screen in this mode, a failed face check,
    the third failure, a help call, the 返回首页 confirmation and the start page after it."""
    s, b = kit.bridge.session, kit.bridge

    def shot(name: str) -> None:
        b.refresh()
        kit.ui.services.refresh()
        robot.grab(out / f"{name}.png")
        check(robot, out / f"{name}.png")

    b.setElderly(elderly)                # 长辈版 can be chosen on the home screen too
    shot("home")
    reach(kit, "face")
    s.face_checked(False, None, "没有看到眨眼，请正对摄像头再试一次")
    shot("face-failed")
    robot.tap("retryFace")               # works in this orientation and mode: a new try
    assert s.step == "face" and s.errors == []
    s.face_checked(False)
    s.face_checked(False)
    shot("face-staff")
    assert not robot.showing("retryFace")
    robot.tap("faceCallStaff")           # the third failure: staff verify instead
    assert kit.ui.services.help["status"] == "calling"
    shot("face-staff-called")
    robot.tap("homeButton")
    shot("home-confirm")
    robot.tap("confirmHome")
    shot("home-after-wipe")


@pytest.mark.parametrize("sized, elderly", [(size, elderly) for size, elderly in CONFIGS],
                         ids=[_config_id(c) for c in CONFIGS], indirect=["sized"])
def test_every_screen_fits_the_window(sized: UiKit, elderly: bool, tmp_path: Path) -> None:
    kit = sized
    config = _config_id((kit.ui.window.size().toTuple(), elderly))
    out = _out(tmp_path, config)
    found: dict[str, list[str]] = {}
    check = _checker(found)
    robot = Robot(kit.ui)
    for subject in subject_types.BY_ID:
        walk_every_page(kit, subject, out / subject, elderly=elderly, on_shown=check)
        kit.bridge.setElderly(False)
    for page in PAGES:
        reach(kit, page)
        if elderly:
            kit.bridge.setElderly(True)
        robot.grab(out / "services" / f"{page}.png")
        check(robot, out / "services" / f"{page}.png")
        kit.bridge.session.cancel()
        kit.bridge.setElderly(False)
        kit.settle()
    _extra_states(kit, robot, out / "states", check, elderly)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("sized, elderly", [(size, elderly) for size, elderly in CONFIGS],
                         ids=[_config_id(c) for c in CONFIGS], indirect=["sized"])
def test_every_service_on_the_home_screen_shows_without_scrolling(sized: UiKit, elderly: bool) -> None:
    kit, robot = sized, Robot(sized.ui)
    kit.bridge.setElderly(elderly)
    try:
        robot.look()
        height = kit.ui.window.height()
        names = [f"start_{t}" for t in subject_types.BY_ID] + [
            f"service_{s}" for s in ("status", "licence", "guide", "rating")]
        for name in names:
            item = robot.find(name)
            assert item is not None and item.isVisible(), name
            bottom = item.mapToScene(QPointF(0, item.height())).y()
            assert bottom <= height, f"{name} ends at {bottom:.0f} px, below the {height} px window"
    finally:
        kit.bridge.setElderly(False)
        kit.settle()


def test_the_layout_check_sees_an_item_off_the_window_and_under_the_footer(fresh_ui: UiKit) -> None:
    window = fresh_ui.ui.window
    assert layout.problems(window) == []
    stray = QQuickItem(window.contentItem())
    stray.setObjectName("stray")
    try:
        stray.setSize(QSizeF(200, 100))
        stray.setPosition(QPointF(window.width() - 100, 10))
        assert any("stray lies outside the window" in p for p in layout.problems(window))
        _walk(fresh_ui, "branch", "phone")                 # a page with a footer
        stray.setPosition(QPointF(10, window.height() - 150))
        assert any("stray runs under the footer" in p for p in layout.problems(window))
    finally:
        stray.setParentItem(None)
        stray.deleteLater()


@pytest.mark.skipif(not os.environ.get("KIOSK_README_SCREENS"),
                    reason="set KIOSK_README_SCREENS=1 to regenerate docs/screens/")
@pytest.mark.parametrize("shape", ["portrait", "landscape"])
def test_the_readme_pictures_are_regenerated(tmp_path: Path, shape: str) -> None:
    """The README's pictures from the real app (``kiosk run --headless``: every part, the
    platform's own outcome on the done page), scaled down and saved small."""
    from tests.e2e.test_visits import visit
    report, _ = visit(tmp_path / "data", tmp_path / "out", "--subject", "natural_person_llc",
                      "--orientation", shape)
    shots = [Path(p) for p in report["screens"]]
    pages = {"home": shots[0], "question": next(p for p in shots if p.name.endswith("-name.png")),
             "done": next(p for p in shots if "-done-" in p.name)}
    README.mkdir(parents=True, exist_ok=True)
    for name, page in pages.items():
        with Image.open(page) as image:
            assert (image.width > image.height) == (shape == "landscape")
            width = README_WIDTH[shape]
            small = image.convert("RGB").resize((width, round(image.height * width / image.width)),
                                                Image.Resampling.LANCZOS)
        target = README / f"{name}-{shape}.png"
        # 128 colours, no dithering: flat UI colours stay flat and the file small.
        small.quantize(128, dither=Image.Dither.NONE).save(target, optimize=True)
        assert target.stat().st_size < 100_000


@pytest.mark.parametrize("size, mode", [((1920, 1080), "full"), ((1080, 1920), "full"),
                                        ((1280, 1024), "windowed")])
def test_the_window_fills_the_screen_it_is_given(tmp_path: Path, size: tuple[int, int],
                                                 mode: str) -> None:
    """``kiosk run`` on a screen of this size (Qt's offscreen platform given one screen; a child
    process, as the QML singletons register once per process): full screen or as a window, it
    takes the screen's size and lays out without anything off it or under the footer."""
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{"name": "panel", "x": 0, "y": 0,
                                                "width": size[0], "height": size[1],
                                                "logicalDpi": 96, "logicalBaseDpi": 96,
                                                "dpr": 1}]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}")
    done = subprocess.run([sys.executable, str(CHILD), str(tmp_path / "data"), mode], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["screen"] == shown["window"] == list(size)
    assert shown["visibility"] == ("FullScreen" if mode == "full" else "Windowed")
    assert shown["step"] == "id_card" and shown["problems"] == []
