"""A motion gate in front of a face detector: no full search of a frame that has not changed.

With nobody in front of the camera, every frame costs a full multi-scale search (and a second,
finer one for far faces) that finds nothing, about twice a face frame's cost: the pipeline fell
behind the camera's 15-30 fps exactly when it should be waiting cheaply. ``MotionGate`` keeps a
small thumbnail of the last frame it searched that held no face. A new frame is searched only
when some part of it changed: each thumbnail pixel is the mean of an 8x8 block, so sensor noise
(a few grey levels per pixel) averages out to well under a grey level, while a face big enough to
detect (48 px and more) changes whole blocks by tens of levels. A frame within ``threshold`` of
the reference in every block cannot hold a face the reference did not, so it gets the
reference's answer: none. Every ``max_skips`` frames it searches anyway, so slow changes (light
through the day) are not missed. Once a face is found the gate stays open. No frames are kept
beyond the one thumbnail of an empty scene.
"""
from __future__ import annotations

import cv2
import numpy as np

from .detector import Face, FaceDetector
from .frames import as_gray

BLOCK = 8


class MotionGate:
    """Wraps ``detector`` (any ``FaceDetector``); the same ``detect``/``eyes``.

    Args:
        threshold: grey levels an 8x8 block's mean may move before the frame is searched.
        max_skips: frames skipped in a row at most.
    """

    def __init__(self, detector: FaceDetector, threshold: float = 6.0, max_skips: int = 30) -> None:
        self.detector = detector
        self.threshold = threshold
        self.max_skips = max_skips
        self.can_see_eyes = bool(getattr(detector, "can_see_eyes", True))
        self._empty: np.ndarray | None = None   # thumbnail of the last searched, face-free frame
        self._skips = 0
        self.searched = self.skipped = 0

    def detect(self, frame: np.ndarray) -> list[Face]:
        gray = as_gray(frame)
        thumb = cv2.resize(gray, (max(1, gray.shape[1] // BLOCK), max(1, gray.shape[0] // BLOCK)),
                           interpolation=cv2.INTER_AREA).astype(np.int16)
        if (self._empty is not None and self._empty.shape == thumb.shape
                and self._skips < self.max_skips
                and int(np.abs(thumb - self._empty).max()) <= self.threshold):
            self._skips += 1
            self.skipped += 1
            return []
        faces = self.detector.detect(frame)
        self.searched += 1
        self._skips = 0
        self._empty = None if faces else thumb
        return faces

    def eyes(self, frame: np.ndarray, face: Face) -> int | None:
        return self.detector.eyes(frame, face)
