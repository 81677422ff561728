from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from devices.camera.frames import FrameError, as_bgr, as_gray, encode_jpeg
from devices.camera.quality import assess

GARBAGE = [
    None,
    [[1, 2], [3, 4]],
    "frame",
    b"\x00" * 100,
    np.zeros((0, 0, 3), np.uint8),
    np.zeros((480, 0, 3), np.uint8),
    np.zeros((4, 4, 3), np.uint8),
    np.zeros((48, 64, 3), np.float32),
    np.zeros((48, 64, 3), np.uint16),
    np.zeros((48, 64, 4), np.uint8),
    np.zeros((48, 64, 2), np.uint8),
    np.zeros((64,), np.uint8),
    np.zeros((2, 48, 64, 3), np.uint8),
]


@pytest.mark.parametrize("bad", GARBAGE, ids=lambda b: type(b).__name__ + str(getattr(b, "shape", "")))
def test_garbage_frames_raise_frame_error_everywhere(bad, detector) -> None:
    for fn in (as_bgr, as_gray, detector.detect, lambda f: assess(f, [])):
        with pytest.raises(FrameError):
            fn(bad)


def test_grey_and_single_channel_frames_are_accepted() -> None:
    g = np.full((48, 64), 100, np.uint8)
    assert as_bgr(g).shape == (48, 64, 3)
    assert as_gray(g[:, :, None]).shape == (48, 64)
    assert as_bgr(g)[0, 0].tolist() == [100, 100, 100]


def test_jpeg_round_trip(astronaut) -> None:
    import cv2
    jpeg = encode_jpeg(astronaut)
    assert jpeg[:2] == b"\xff\xd8"
    assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR).shape == astronaut.shape


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.uint8, np.int8, np.float64, np.bool_]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=20)))
def test_any_array_is_converted_or_rejected_with_frame_error(arr) -> None:
    try:
        out = as_bgr(arr)
    except FrameError:
        return
    assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
