"""Find faces (and, for Haar, eyes) in a frame.

``HaarDetector`` uses the cascades shipped inside the OpenCV 4.x wheel, so it works on a fresh
machine with no download. ``YuNetDetector`` wraps ``cv2.FaceDetectorYN`` and is used only when a
deployment configures the ONNX file; it also yields the five landmarks SFace needs to align a
face. This module does not judge quality or liveness and keeps no frames.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from .frames import as_bgr, as_gray

log = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """A face model file is missing, unreadable or not a model OpenCV can load."""


@dataclass(frozen=True)
class Face:
    """One detected face, in pixel coordinates of the frame it was found in.

    Attributes:
        x, y, w, h: bounding box.
        score: detector confidence (Haar: 1.0, it gives none).
        raw: YuNet's 15-value row (box, 5 landmarks, score) when available; SFace needs it.
    """

    x: float
    y: float
    w: float
    h: float
    score: float = 1.0
    raw: tuple[float, ...] | None = None

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2.0, self.y + self.h / 2.0)

    def crop(self, image: np.ndarray, top: float = 0.0, bottom: float = 1.0) -> np.ndarray:
        """The face's box (rows ``top``..``bottom`` of it) cut from ``image``, clipped to it."""
        H, W = image.shape[:2]
        x0, x1 = max(0, int(self.x)), min(W, int(self.x + self.w))
        y0 = max(0, int(self.y + top * self.h))
        y1 = min(H, int(self.y + bottom * self.h))
        return image[y0:y1, x0:x1]


class FaceDetector(Protocol):
    """What the quality check and liveness challenge need from a detector."""

    def detect(self, frame: np.ndarray) -> list[Face]: ...

    def eyes(self, frame: np.ndarray, face: Face) -> int | None:
        """Number of open eyes seen in ``face`` (0-2), or None if the detector cannot tell."""
        ...


def _cascade(name: str) -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / name
    clf = cv2.CascadeClassifier(str(path))
    if clf.empty():
        raise ModelError(f"Haar cascade missing or unreadable: {path} (is opencv-python 4.x installed?)")
    return clf


class HaarDetector:
    """Frontal-face and eye Haar cascades, run on a downscaled grey frame for speed.

    Args:
        work_width: frames wider than this are downscaled before face detection; boxes are
            scaled back. 320 keeps a face of 18% of a 640-px frame at ~58 px, well above the
            cascade's 24-px window.
        min_neighbors: higher rejects more false faces and misses more real ones; 7 removes
            a false face the default 5 finds on the rocket in the astronaut photo.
    """

    can_see_eyes = True

    def __init__(self, work_width: int = 320, min_neighbors: int = 7) -> None:
        self._face = _cascade("haarcascade_frontalface_default.xml")
        self._eye = _cascade("haarcascade_eye.xml")
        self.work_width = work_width
        self.min_neighbors = min_neighbors

    def detect(self, frame: np.ndarray) -> list[Face]:
        """Faces in ``frame``, largest first.

        Raises:
            FrameError: ``frame`` is not a usable image.
        """
        gray = as_gray(frame)
        scale = 1.0
        if gray.shape[1] > self.work_width:
            scale = gray.shape[1] / self.work_width
            gray = cv2.resize(gray, (self.work_width, round(gray.shape[0] / scale)),
                              interpolation=cv2.INTER_AREA)
        boxes = self._face.detectMultiScale(cv2.equalizeHist(gray), scaleFactor=1.1,
                                            minNeighbors=self.min_neighbors, minSize=(24, 24))
        if len(boxes) == 0 and scale > 1.0:
            # Small (far) faces vanish in the downscaled pass. Look for them at full size, up to
            # the size the first pass finds reliably, so a person standing back is told to come
            # closer rather than that no face is there.
            # 1.5x the working width finds faces down to ~10% of the frame width at about twice
            # the cost of the first pass (full size would cost five times).
            full = as_gray(frame)
            width = min(full.shape[1], round(self.work_width * 1.5))
            scale = full.shape[1] / width
            finer = cv2.resize(full, (width, round(full.shape[0] / scale)), interpolation=cv2.INTER_AREA)
            boxes = self._face.detectMultiScale(cv2.equalizeHist(finer), scaleFactor=1.1,
                                                minNeighbors=self.min_neighbors, minSize=(24, 24),
                                                maxSize=(72, 72))
        faces = [Face(x * scale, y * scale, w * scale, h * scale) for (x, y, w, h) in boxes]
        return sorted(faces, key=lambda f: -f.w * f.h)

    def eyes(self, frame: np.ndarray, face: Face) -> int | None:
        """Open eyes seen in the upper part of ``face`` (closed eyes do not match the cascade)."""
        gray = as_gray(frame)
        roi = face.crop(gray, 0.15, 0.6)
        if roi.size == 0 or roi.shape[1] < 24:
            return None
        # A fixed working size makes the eye cascade's window a fixed fraction of the face.
        roi = cv2.resize(roi, (120, max(1, round(roi.shape[0] * 120 / roi.shape[1]))))
        roi = cv2.equalizeHist(roi)
        found = self._eye.detectMultiScale(roi, scaleFactor=1.1, minNeighbors=4, minSize=(18, 18),
                                           maxSize=(50, 50))
        # Count at most one eye per half of the face: the cascade often fires twice on one eye.
        halves = {int((x + w / 2) >= 60) for (x, y, w, h) in found}
        return len(halves)


class YuNetDetector:
    """``cv2.FaceDetectorYN`` over a configured ONNX file (face_detection_yunet_*.onnx).

    Raises:
        ModelError: the file is missing or OpenCV cannot load it.
    """

    can_see_eyes = False

    def __init__(self, model: Path, score_threshold: float = 0.8) -> None:
        self._net = load_yunet(model, score_threshold)
        self._size: tuple[int, int] | None = None

    def detect(self, frame: np.ndarray) -> list[Face]:
        img = as_bgr(frame)
        size = (img.shape[1], img.shape[0])
        if size != self._size:
            self._net.setInputSize(size)
            self._size = size
        _, rows = self._net.detect(img)
        if rows is None:
            return []
        faces = [Face(float(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[14]),
                      tuple(float(v) for v in r)) for r in rows]
        return sorted(faces, key=lambda f: -f.w * f.h)

    def eyes(self, frame: np.ndarray, face: Face) -> int | None:
        return None  # landmarks give eye positions, not whether the lids are open


def _check_file(model: Path, what: str) -> Path:
    p = Path(model)
    if not p.is_file():
        raise ModelError(f"{what} model file not found: {p}")
    if p.stat().st_size == 0:
        raise ModelError(f"{what} model file is empty: {p}")
    return p


def load_yunet(model: Path, score_threshold: float = 0.8) -> cv2.FaceDetectorYN:
    """Load YuNet from ``model``.

    Raises:
        ModelError: missing, empty or corrupt file.
    """
    p = _check_file(model, "YuNet")
    try:
        return cv2.FaceDetectorYN.create(str(p), "", (320, 320), score_threshold, 0.3, 5000)
    except cv2.error as exc:
        raise ModelError(f"YuNet model could not be loaded from {p}: {exc.err or exc}") from exc


def load_sface(model: Path) -> cv2.FaceRecognizerSF:
    """Load SFace from ``model``.

    Raises:
        ModelError: missing, empty or corrupt file.
    """
    p = _check_file(model, "SFace")
    try:
        return cv2.FaceRecognizerSF.create(str(p), "")
    except cv2.error as exc:
        raise ModelError(f"SFace model could not be loaded from {p}: {exc.err or exc}") from exc


def make_detector(yunet_model: Path | None = None) -> FaceDetector:
    """YuNet when a model path is configured, else the built-in Haar cascades; either behind a
    motion gate (``motion.MotionGate``), so an empty, unchanged scene costs no full search, and
    a tracker (``tracking.FaceTracker``), so a face is looked for where it was.

    Raises:
        ModelError: a configured model cannot be loaded (a misconfiguration is not hidden by
            silently falling back to Haar).
    """
    from .motion import MotionGate
    from .tracking import FaceTracker
    return MotionGate(FaceTracker(YuNetDetector(yunet_model) if yunet_model is not None
                                  else HaarDetector()))
