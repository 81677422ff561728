"""Capture-quality checks: is this frame good enough to keep as the applicant's face photo?

``assess(frame, faces, config)`` is pure: it takes the frame and the faces a detector found and
returns a :class:`QualityReport` naming every problem (a closed :class:`QualityIssue` each with
the Chinese prompt to show) and the measurements behind them. It does not detect faces, keep
frames or log anything about the face.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from .config import QualityConfig
from .detector import Face
from .frames import as_gray


class QualityIssue(enum.Enum):
    """Why a frame is not good enough, most fundamental first; ``prompt`` is for the citizen."""

    NO_FACE = ("no_face", "未检测到人脸，请正对摄像头")
    MULTIPLE_FACES = ("multiple_faces", "请确保画面中只有您一人")
    TOO_FAR = ("too_far", "请靠近一些")
    TOO_CLOSE = ("too_close", "请离远一些，让整张脸都在画面里")
    OFF_CENTRE = ("off_centre", "请移到画面中间")
    TOO_DARK = ("too_dark", "光线太暗，请面向光亮处或请工作人员开灯")
    TOO_BRIGHT = ("too_bright", "光线太强，请避开直射的灯光或阳光")
    BLURRED = ("blurred", "画面模糊，请保持不动")

    def __init__(self, code: str, prompt: str) -> None:
        self.code = code
        self.prompt = prompt


@dataclass(frozen=True)
class QualityReport:
    """The verdict on one frame.

    Attributes:
        issues: every problem found, in :class:`QualityIssue` order (empty when good).
        face: the face judged (the largest), or None.
        face_width: face width as a fraction of the frame width (0 when no face).
        offset: (dx, dy) of the face centre from the frame centre, as fractions of width/height.
        brightness: mean grey level of the face region (or of the frame when no face).
        sharpness: variance of the Laplacian of the face at a fixed width (0 when no face).
    """

    issues: tuple[QualityIssue, ...]
    face: Face | None
    face_width: float
    offset: tuple[float, float]
    brightness: float
    sharpness: float

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def prompt(self) -> str:
        """What to tell the citizen: the first problem's prompt, or an empty string."""
        return self.issues[0].prompt if self.issues else ""


def sharpness(gray_face: np.ndarray, width: int = 128) -> float:
    """Variance of the Laplacian of a grey face crop resized to ``width`` pixels wide.

    Resizing first makes the number comparable between a near and a far face.
    """
    if gray_face.size == 0:
        return 0.0
    h = max(1, round(gray_face.shape[0] * width / gray_face.shape[1]))
    g = cv2.resize(gray_face, (width, h), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(g, cv2.CV_64F).var())


def assess(frame: np.ndarray, faces: Sequence[Face], config: QualityConfig | None = None) -> QualityReport:
    """Check one frame against the capture-quality thresholds.

    Args:
        frame: the camera frame (BGR or grey uint8).
        faces: faces found in it by a detector, in any order.
        config: thresholds; defaults when None.

    Returns:
        The report; ``report.ok`` when the frame can be kept.

    Raises:
        FrameError: ``frame`` is not a usable image.
    """
    cfg = config or QualityConfig()
    gray = as_gray(frame)
    H, W = gray.shape
    if not faces:
        return QualityReport((QualityIssue.NO_FACE,), None, 0.0, (0.0, 0.0), float(gray.mean()), 0.0)
    face = max(faces, key=lambda f: f.w * f.h)
    issues: list[QualityIssue] = []
    if len(faces) > 1:
        issues.append(QualityIssue.MULTIPLE_FACES)
    fw = face.w / W
    if fw < cfg.min_face_width:
        issues.append(QualityIssue.TOO_FAR)
    elif fw > cfg.max_face_width:
        issues.append(QualityIssue.TOO_CLOSE)
    cx, cy = face.centre
    offset = (cx / W - 0.5, cy / H - 0.5)
    if max(abs(offset[0]), abs(offset[1])) > cfg.max_centre_offset:
        issues.append(QualityIssue.OFF_CENTRE)
    crop = face.crop(gray)
    brightness = float(crop.mean()) if crop.size else float(gray.mean())
    if brightness < cfg.min_brightness:
        issues.append(QualityIssue.TOO_DARK)
    elif brightness > cfg.max_brightness:
        issues.append(QualityIssue.TOO_BRIGHT)
    sharp = sharpness(crop, cfg.sharpness_width)
    if sharp < cfg.min_sharpness:
        issues.append(QualityIssue.BLURRED)
    return QualityReport(tuple(issues), face, fw, offset, brightness, sharp)
