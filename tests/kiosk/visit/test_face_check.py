"""The face check hands the frames it reads to the live preview and, whenever it stops (a
result, a time-out, a cancel), None, so the preview drops its last picture. Real simulated
camera frames; time moves on an injected clock."""
from __future__ import annotations

import itertools
import threading

import numpy as np
import pytest

from devices.camera import CameraConfig, open_camera
from kiosk.visit.face_check import FaceCheck


@pytest.fixture()
def camera():
    cam = open_camera(CameraConfig(source="sim://live"))
    cam.start()
    yield cam
    cam.stop()


def test_the_frames_read_go_to_the_preview_then_none_when_the_check_ends(camera) -> None:
    shown: list[object] = []
    results: list[tuple[bool, str]] = []
    ticks = itertools.count()                            # each look at the clock: a second later
    check = FaceCheck(camera, lambda p: None, lambda ok, jpeg, msg: results.append((ok, msg)),
                      time_limit_s=4, clock=lambda: float(next(ticks)), on_frame=shown.append)
    check.run()
    assert results and results[0][0] is False and "超时" in results[0][1]
    assert shown[-1] is None
    frames = shown[:-1]
    assert frames and all(isinstance(f, np.ndarray) and f.ndim == 3 for f in frames)


def test_a_cancelled_check_drops_the_picture(camera) -> None:
    shown: list[object] = []
    first = threading.Event()

    def frame(image: object) -> None:
        shown.append(image)
        first.set()

    check = FaceCheck(camera, lambda p: None, lambda *a: None, on_frame=frame)
    check.start()
    assert first.wait(10)
    check.cancel()
    assert shown[-1] is None and sum(s is None for s in shown) == 1
