"""The face page's live picture: frames handed over on another thread arrive mirrored and
small, at a modest rate (an injected clock), and are dropped when the check stops or the page
goes; the face page shows the picture inside its oval."""
from __future__ import annotations

import threading

import numpy as np

from tests.clock import Clock
from tests.ui.conftest import UiKit
from tests.ui.test_services_ui import reach
from ui.bridges.face_preview import PREVIEW_WIDTH, FacePreview
from ui.qt import QColor, QSize
from ui.robot import Robot


def frame(width: int = 1280, height: int = 720) -> np.ndarray:
    """Left half red, right half blue (BGR), as the camera sees the person."""
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 2] = (0, 0, 255)
    image[:, width // 2:] = (255, 0, 0)
    return image


def from_thread(fn, *args) -> None:
    t = threading.Thread(target=fn, args=args)
    t.start()
    t.join()


def test_frames_arrive_mirrored_small_and_at_a_modest_rate(qapp) -> None:
    clock = Clock(100.0)
    preview = FacePreview(interval_s=0.2, clock=clock)
    from_thread(preview.show, frame())
    qapp.processEvents()
    first = preview.source
    assert first.startswith("image://face/live/")
    image = preview.images.requestImage("live/1", QSize(), QSize())
    assert image.width() == PREVIEW_WIDTH
    assert QColor(image.pixel(10, 10)).blue() > 200       # mirrored: the right half is now left
    assert QColor(image.pixel(image.width() - 10, 10)).red() > 200
    from_thread(preview.show, frame())                      # too soon: not even converted
    qapp.processEvents()
    assert preview.source == first
    clock.advance(0.25)
    from_thread(preview.show, frame())
    qapp.processEvents()
    assert preview.source not in ("", first)
    from_thread(preview.show, None)                         # the check stopped
    qapp.processEvents()
    assert preview.source == ""
    assert preview.images.requestImage("live/3", QSize(), QSize()).isNull()


def test_the_face_page_shows_the_picture_and_drops_it_when_the_page_goes(fresh_ui: UiKit) -> None:
    face = fresh_ui.ui.face
    reach(fresh_ui, "face")
    robot = Robot(fresh_ui.ui)
    assert not robot.showing("facePreview")                 # no frame yet: the guide's words
    from_thread(face.show, frame())
    robot.settle()
    assert robot.showing("facePreview")
    assert robot.find("facePreview").property("paintedWidth") > 0       # the picture is drawn
    fresh_ui.bridge.cancel()                                 # 返回首页 / timeout: the visit wiped
    robot.settle()
    assert face.source == "" and face.images.requestImage("x", QSize(), QSize()).isNull()
