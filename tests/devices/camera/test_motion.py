"""The motion gate: an empty, unchanged scene is not searched again; anything that changes, a
person stepping in above all, is searched at once; it never hides a face the detector sees."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.camera.detector import HaarDetector
from devices.camera.motion import MotionGate
from devices.camera.simulator import SimulatedPerson

HAAR = HaarDetector()


def test_an_empty_scene_with_sensor_noise_is_searched_once_then_skipped() -> None:
    gate, nobody = MotionGate(HAAR), SimulatedPerson("absent")
    for i in range(20):
        assert gate.detect(nobody.frame_at(i / 15)) == []
    assert (gate.searched, gate.skipped) == (1, 19)


def test_a_person_stepping_in_is_found_on_the_first_frame() -> None:
    gate, nobody, person = MotionGate(HAAR), SimulatedPerson("absent"), SimulatedPerson("live")
    for i in range(5):
        gate.detect(nobody.frame_at(i / 15))
    assert len(gate.detect(person.frame_at(1.0))) == 1


def test_it_searches_at_least_every_max_skips_frames() -> None:
    gate, nobody = MotionGate(HAAR, max_skips=4), SimulatedPerson("absent")
    for i in range(15):
        gate.detect(nobody.frame_at(i / 15))
    assert gate.searched == 3 and gate.skipped == 12


def test_while_a_face_is_in_view_every_frame_is_searched() -> None:
    gate, person = MotionGate(HAAR), SimulatedPerson("live")
    for i in range(6):
        assert len(gate.detect(person.frame_at(i / 15))) == 1
    assert gate.skipped == 0


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=560), st.integers(min_value=0, max_value=400),
       st.integers(min_value=48, max_value=80), st.integers(min_value=20, max_value=120))
def test_any_block_that_changes_beyond_noise_is_searched(x, y, size, change) -> None:
    # A patch the size of the smallest detectable face, anywhere, brighter by 20+ grey levels.
    gate = MotionGate(HAAR)
    scene = SimulatedPerson("absent").frame_at(0.0)
    gate.detect(scene)
    changed = scene.astype(np.int16)
    changed[y:y + size, x:x + size] += change
    gate.detect(np.clip(changed, 0, 255).astype(np.uint8))
    assert gate.searched == 2
