"""The face tracker: it finds the face a full search finds, where a full search finds it; a
second person stepping in and a face that left are seen within a few frames; it never answers
with a stale box."""
from __future__ import annotations

import numpy as np
import pytest

from devices.camera.detector import Face, HaarDetector
from devices.camera.simulator import SimulatedPerson
from devices.camera.tracking import FaceTracker

HAAR = HaarDetector()


def overlap(a: Face, b: Face) -> float:
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = ix * iy
    return inter / (a.w * a.h + b.w * b.h - inter)


def test_a_moving_person_is_found_where_a_full_search_finds_them() -> None:
    tracker, person = FaceTracker(HaarDetector()), SimulatedPerson("live")
    frames = [person.frame_at(i / 30) for i in range(90)]
    for frame in frames:
        want, got = HAAR.detect(frame), tracker.detect(frame)
        assert len(got) == len(want) == 1
        assert overlap(got[0], want[0]) > 0.75
    assert tracker.tracked >= 70 and tracker.full <= 90 // 6 + 5    # most frames cheap


@pytest.fixture(scope="module")
def one_then_two(astronaut) -> tuple[np.ndarray, np.ndarray]:
    import cv2
    face = astronaut[20:260, 110:340]
    two = cv2.resize(np.hstack([face, face]), (640, 334))
    one = two.copy()
    one[:, 320:] = (90, 100, 110)
    return one, two


def test_a_second_person_stepping_in_is_seen_within_full_every_frames(one_then_two) -> None:
    one, two = one_then_two
    tracker = FaceTracker(HaarDetector(), full_every=6)
    for _ in range(4):
        assert len(tracker.detect(one)) == 1
    counts = [len(tracker.detect(two)) for _ in range(8)]
    assert 2 in counts[:6]                       # by the next full search at the latest
    assert counts[counts.index(2):] == [2] * (8 - counts.index(2))   # and not lost again


def test_a_face_that_left_is_not_answered_with_its_old_box() -> None:
    tracker, person = FaceTracker(HaarDetector()), SimulatedPerson("live")
    nobody = SimulatedPerson("absent")
    for i in range(5):
        assert len(tracker.detect(person.frame_at(i / 30))) == 1
    assert tracker.detect(nobody.frame_at(0.2)) == []
    assert tracker.detect(nobody.frame_at(0.25)) == []


class Square:
    """A detector of one bright square, with YuNet-like landmarks at its corners and centre."""

    can_see_eyes = False

    def detect(self, frame: np.ndarray) -> list[Face]:
        ys, xs = np.nonzero(frame[:, :, 0] > 200)
        if len(xs) == 0:
            return []
        x, y = float(xs.min()), float(ys.min())
        w, h = float(xs.max() - xs.min() + 1), float(ys.max() - ys.min() + 1)
        marks = (x, y, x + w, y, x + w / 2, y + h / 2, x, y + h, x + w, y + h)
        return [Face(x, y, w, h, 0.9, (x, y, w, h, *marks, 0.9))]

    def eyes(self, frame: np.ndarray, face: Face) -> int | None:
        return None


@pytest.mark.parametrize("at", [(100, 80), (400, 300), (0, 0), (520, 360)])
def test_a_tracked_box_and_its_landmarks_are_in_the_frames_coordinates(at) -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    x, y = at
    frame[y:y + 120, x:x + 120] = 255
    tracker, plain = FaceTracker(Square()), Square()
    tracker.detect(frame)                           # a full search: the box to track
    got, want = tracker.detect(frame)[0], plain.detect(frame)[0]
    assert tracker.tracked == 1
    assert np.allclose((got.x, got.y, got.w, got.h), (want.x, want.y, want.w, want.h), atol=2.5)
    assert np.allclose(got.raw, want.raw, atol=2.5) and got.score == want.score
