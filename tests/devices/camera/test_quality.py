"""Each quality issue triggered by a real transformation of the real astronaut photo."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from devices.camera.config import QualityConfig
from devices.camera.quality import QualityIssue, assess, sharpness

FACE_SCALE = 1.7  # her 93-px face becomes ~160 px in a 640x480 frame: a good distance


def check(detector, frame):
    return assess(frame, detector.detect(frame))


def test_well_placed_face_passes(detector, astronaut, on_canvas) -> None:
    r = check(detector, on_canvas(astronaut, FACE_SCALE))
    assert r.ok, r.issues
    assert r.prompt == ""
    assert 0.2 < r.face_width < 0.35
    assert abs(r.offset[0]) < 0.05 and abs(r.offset[1]) < 0.05


def test_no_face(detector) -> None:
    r = check(detector, cv2.resize(data.camera(), (640, 480)))
    assert r.issues == (QualityIssue.NO_FACE,)
    assert r.prompt == "未检测到人脸，请正对摄像头"


def test_two_faces_side_by_side(detector, astronaut, on_canvas) -> None:
    face = astronaut[20:260, 110:340]
    two = cv2.resize(np.hstack([face, face]), (640, 334))
    r = check(detector, two)
    assert QualityIssue.MULTIPLE_FACES in r.issues
    assert r.prompt == "请确保画面中只有您一人"


@pytest.mark.parametrize("scale", [1.0, 0.75])  # ~93-px and ~70-px faces: 15% and 11% of the width
def test_too_far_when_photo_is_shrunk(detector, astronaut, on_canvas, scale) -> None:
    r = check(detector, on_canvas(astronaut, scale))
    assert r.issues[0] is QualityIssue.TOO_FAR
    assert r.prompt == "请靠近一些"
    assert r.face_width == pytest.approx(93 * scale / 640, rel=0.25)


def test_too_close_when_face_is_cropped_and_enlarged(detector, astronaut, on_canvas) -> None:
    r = check(detector, on_canvas(astronaut, 4.0))
    assert QualityIssue.TOO_CLOSE in r.issues
    assert QualityIssue.TOO_FAR not in r.issues


def test_off_centre_when_shifted(detector, astronaut, on_canvas) -> None:
    r = check(detector, on_canvas(astronaut, FACE_SCALE, centre=(470, 240)))
    assert r.issues == (QualityIssue.OFF_CENTRE,)
    assert r.prompt == "请移到画面中间"


def test_too_dark(detector, astronaut, on_canvas) -> None:
    dark = (on_canvas(astronaut, FACE_SCALE) * 0.25).astype(np.uint8)
    r = check(detector, dark)
    assert QualityIssue.TOO_DARK in r.issues
    assert "暗" in QualityIssue.TOO_DARK.prompt


def test_too_bright(detector, astronaut, on_canvas) -> None:
    img = on_canvas(astronaut, FACE_SCALE).astype(np.float32)
    bright = np.clip(img * 0.6 + 150, 0, 255).astype(np.uint8)  # washed out by a lamp
    r = check(detector, bright)
    assert r.face is not None
    assert QualityIssue.TOO_BRIGHT in r.issues


def test_blurred(detector, astronaut, on_canvas) -> None:
    frame = on_canvas(astronaut, FACE_SCALE)
    blurred = cv2.GaussianBlur(frame, (0, 0), 2.5)
    r = check(detector, blurred)
    assert r.face is not None
    assert r.issues == (QualityIssue.BLURRED,)
    assert r.prompt == "画面模糊，请保持不动"
    assert r.sharpness < check(detector, frame).sharpness / 3


def test_sharpness_is_independent_of_face_size(astronaut) -> None:
    face = cv2.cvtColor(astronaut[67:160, 177:270], cv2.COLOR_BGR2GRAY)
    big = cv2.resize(face, (186, 186), interpolation=cv2.INTER_CUBIC)
    # Enlarging removes no detail a camera would have had, but the raw Laplacian variance
    # falls 10x; resized to a fixed width the two stay within a factor of 1.6.
    raw = cv2.Laplacian(face, cv2.CV_64F).var() / cv2.Laplacian(big, cv2.CV_64F).var()
    norm = sharpness(face) / sharpness(big)
    assert raw > 5
    assert 1 / 1.6 < norm < 1.6
    assert sharpness(np.zeros((0, 0), np.uint8)) == 0.0


def test_thresholds_come_from_config(detector, astronaut, on_canvas) -> None:
    frame = on_canvas(astronaut, FACE_SCALE)
    faces = detector.detect(frame)
    strict = QualityConfig(min_face_width=0.5)
    assert assess(frame, faces, strict).issues[0] is QualityIssue.TOO_FAR
    assert assess(frame, faces).ok


def test_every_issue_has_its_own_chinese_prompt() -> None:
    prompts = [i.prompt for i in QualityIssue]
    assert len(set(prompts)) == len(prompts)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p) for p in prompts)
