"""Real photographs for the camera tests (scikit-image's public-domain images)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from devices.camera.detector import HaarDetector


@pytest.fixture(scope="session")
def detector() -> HaarDetector:
    return HaarDetector()


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """Eileen Collins' NASA portrait, BGR: one real frontal face."""
    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="session")
def on_canvas():
    """``on_canvas(img, scale, centre=...)``: the photo placed on a 640x480 frame."""
    return _on_canvas


def _on_canvas(img: np.ndarray, scale: float, centre: tuple[float, float] = (320, 240),
              face_centre: tuple[float, float] = (223.5, 113.5), size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """Place ``img`` scaled by ``scale`` so that its point ``face_centre`` lands on ``centre``."""
    m = np.array([[scale, 0, centre[0] - scale * face_centre[0]],
                  [0, scale, centre[1] - scale * face_centre[1]]], dtype=np.float64)
    return cv2.warpAffine(img, m, size, borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 100, 110))
