from __future__ import annotations

import os

import cv2
import numpy as np
import pytest
from skimage import data

from devices.camera.motion import MotionGate
from devices.camera.detector import HaarDetector, ModelError, YuNetDetector, load_sface, load_yunet, make_detector
from devices.camera.frames import FrameError
from devices.camera.matcher import FaceMatcher, MatchStatus, decode_image
from devices.camera.tracking import FaceTracker


def test_haar_finds_the_one_face_in_the_astronaut_photo(detector, astronaut) -> None:
    faces = detector.detect(astronaut)
    assert len(faces) == 1
    f = faces[0]
    # her face is around (177, 67)-(270, 160) in the 512x512 photo
    assert 200 < f.centre[0] < 250 and 90 < f.centre[1] < 140
    assert 70 < f.w < 120
    assert detector.eyes(astronaut, f) == 2


@pytest.mark.parametrize("name", ["camera", "coffee", "chelsea"])
def test_haar_finds_no_human_face_in_photos_without_one(detector, name) -> None:
    img = getattr(data, name)()
    # the cameraman's face is in profile and tiny; coffee and a cat are not human faces
    assert detector.detect(img) == []


def test_haar_grey_input_gives_same_face(detector, astronaut) -> None:
    grey = cv2.cvtColor(astronaut, cv2.COLOR_BGR2GRAY)
    assert [round(f.x) for f in detector.detect(grey)] == [round(f.x) for f in detector.detect(astronaut)]


def test_make_detector_defaults_to_haar_behind_the_motion_gate_and_the_tracker() -> None:
    detector = make_detector(None)
    assert isinstance(detector, MotionGate) and isinstance(detector.detector, FaceTracker)
    assert isinstance(detector.detector.detector, HaarDetector)


@pytest.fixture
def bad_models(tmp_path):
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(os.urandom(4096))
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    return {"missing": tmp_path / "nope.onnx", "corrupt": corrupt, "empty": empty, "dir": tmp_path}


@pytest.mark.parametrize("kind", ["missing", "corrupt", "empty", "dir"])
def test_bad_model_files_give_a_clear_model_error(bad_models, kind) -> None:
    path = bad_models[kind]
    with pytest.raises(ModelError, match=str(path.name)):
        load_yunet(path)
    with pytest.raises(ModelError, match=str(path.name)):
        load_sface(path)
    with pytest.raises(ModelError):
        YuNetDetector(path)
    with pytest.raises(ModelError):
        make_detector(path)  # no silent fallback to Haar when a model was configured
    with pytest.raises(ModelError):
        FaceMatcher(path, path)


def test_matcher_without_models_says_not_configured_never_a_match(astronaut) -> None:
    m = FaceMatcher()
    assert not m.configured
    r = m.match(astronaut, astronaut)  # the same photo twice: still no claim of a match
    assert r.status is MatchStatus.NOT_CONFIGURED and not r.matched and r.score is None
    ok, jpeg = cv2.imencode(".jpg", astronaut)
    assert m.match(jpeg.tobytes(), astronaut).status is MatchStatus.NOT_CONFIGURED


def test_matcher_needs_both_models(bad_models) -> None:
    with pytest.raises(ValueError):
        FaceMatcher(yunet_model=bad_models["corrupt"], sface_model=None)


@pytest.mark.parametrize("bad", [b"", b"not a jpeg", None, np.zeros((3, 3), np.float32)])
def test_matcher_rejects_garbage_images(bad, astronaut) -> None:
    with pytest.raises(FrameError):
        FaceMatcher().match(bad, astronaut)
    with pytest.raises(FrameError):
        decode_image(bad)
