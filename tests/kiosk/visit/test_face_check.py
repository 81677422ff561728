"""The face check hands the frames it reads to the live preview and, whenever it stops (a
result, a time-out, a cancel), None, so the preview drops its last picture; a check that could
not look often enough to see a blink says the kiosk was too slow. Real simulated camera frames;
time moves on an injected clock."""
from __future__ import annotations

import itertools
import logging
import threading

import numpy as np
import pytest

from devices.camera import CameraConfig, Challenge, Frame, LivenessSession, open_camera
from devices.camera.simulator import SimMode, SimulatedPerson
from kiosk.visit.face_check import TOO_SLOW, FaceCheck


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


class BusyKiosk:
    """A cooperative simulated person seen through a camera whose frames reach the check
    ``gap`` seconds apart in the camera's time (none of it waited for): a machine that keeps
    up (1/15 s) or one too busy to (0.5 s)."""

    def __init__(self, camera, gap: float) -> None:
        self._detector, self.gap, self.t = camera.detector, gap, 0.0
        self.person = SimulatedPerson(SimMode.LIVE)

    def liveness(self, challenges=None) -> LivenessSession:
        return LivenessSession(self._detector, challenges,
                               on_prompt=lambda c: self.person.respond(c, self.t))

    def latest(self, timeout: float) -> Frame:
        self.t += self.gap
        return Frame(self.person.frame_at(self.t), self.t, round(self.t / self.gap))


def checked(camera: BusyKiosk) -> tuple[bool, str]:
    results: list[tuple[bool, str]] = []
    FaceCheck(camera, lambda p: None, lambda ok, jpeg, msg: results.append((ok, msg)),
              challenges=(Challenge.BLINK,), clock=lambda: camera.t).run()
    return results[0]


def test_a_kiosk_too_slow_to_see_a_blink_says_so_instead_of_blaming_the_person(
        camera, caplog) -> None:
    assert checked(BusyKiosk(camera, 1 / 15)) == (True, "")      # the same person, in time
    with caplog.at_level(logging.WARNING, logger="kiosk.visit.face_check"):
        assert checked(BusyKiosk(camera, 0.5)) == (False, TOO_SLOW)
    assert "2.0 frames a second" in caplog.text
