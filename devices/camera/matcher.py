"""1:1 face match between the live face and a reference photo (e.g. the ID card's), with SFace.

Matching needs two ONNX models a deployment provides: YuNet (to find and align the face, its
landmarks feed SFace's ``alignCrop``) and SFace (the face embedding). Without them,
:meth:`FaceMatcher.match` answers :attr:`MatchStatus.NOT_CONFIGURED`: never a guess, never a
fake match. This module keeps no image and logs no face or score tied to a person.
"""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .detector import YuNetDetector, load_sface
from .frames import FrameError, as_bgr

log = logging.getLogger(__name__)

# OpenCV's published operating point for SFace with cosine similarity (opencv_zoo, sface README).
SFACE_COSINE_THRESHOLD = 0.363


class MatchStatus(enum.Enum):
    """Outcome of a 1:1 match; ``prompt`` is for the citizen (staff fallback is always open)."""

    MATCH = ("match", "人证比对通过")
    NO_MATCH = ("no_match", "人脸与证件照片不一致，请重新拍摄或请工作人员协助核验")
    NOT_CONFIGURED = ("not_configured", "本机未配置人证比对，请工作人员协助核验身份")
    NO_FACE_LIVE = ("no_face_live", "现场照片中没有找到人脸，请重新拍摄")
    NO_FACE_REFERENCE = ("no_face_reference", "证件照片中没有找到人脸，请工作人员协助核验身份")

    def __init__(self, code: str, prompt: str) -> None:
        self.code = code
        self.prompt = prompt


@dataclass(frozen=True)
class MatchResult:
    """``score`` is the cosine similarity (None unless both faces were compared)."""

    status: MatchStatus
    score: float | None = None
    threshold: float = SFACE_COSINE_THRESHOLD

    @property
    def matched(self) -> bool:
        return self.status is MatchStatus.MATCH


def decode_image(image: Any) -> np.ndarray:
    """A BGR image from an array or from encoded bytes (JPEG/PNG/BMP).

    Raises:
        FrameError: not an image.
    """
    if isinstance(image, (bytes, bytearray, memoryview)):
        buf = np.frombuffer(bytes(image), dtype=np.uint8)
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR) if buf.size else None
        if img is None:
            raise FrameError("bytes are not an encoded image (JPEG/PNG/BMP expected)")
        return img
    return as_bgr(image)


class FaceMatcher:
    """SFace 1:1 matching, or an honest "not configured".

    Args:
        yunet_model / sface_model: ONNX paths; both None -> not configured.
        threshold: cosine similarity at or above which two faces match.

    Raises:
        ModelError: a configured file is missing or corrupt.
        ValueError: only one of the two paths is given (SFace cannot align without YuNet).
    """

    def __init__(self, yunet_model: Path | None = None, sface_model: Path | None = None,
                 threshold: float = SFACE_COSINE_THRESHOLD) -> None:
        if (yunet_model is None) != (sface_model is None):
            raise ValueError("face matching needs both the YuNet and the SFace model paths")
        self.threshold = threshold
        self._detector = YuNetDetector(yunet_model) if yunet_model is not None else None
        self._sface = load_sface(sface_model) if sface_model is not None else None

    @property
    def configured(self) -> bool:
        return self._sface is not None

    def _feature(self, img: np.ndarray) -> np.ndarray | None:
        assert self._detector is not None and self._sface is not None
        faces = self._detector.detect(img)
        if not faces or faces[0].raw is None:
            return None
        aligned = self._sface.alignCrop(img, np.array(faces[0].raw, dtype=np.float32))
        return self._sface.feature(aligned)

    def match(self, live: Any, reference: Any) -> MatchResult:
        """Compare the live face with the reference photo.

        Args:
            live / reference: BGR arrays or encoded image bytes (e.g. the liveness JPEG).

        Returns:
            The result; ``NOT_CONFIGURED`` when the models are not set up.

        Raises:
            FrameError: an input is not an image.
        """
        live_img, ref_img = decode_image(live), decode_image(reference)
        if not self.configured:
            return MatchResult(MatchStatus.NOT_CONFIGURED, threshold=self.threshold)
        f_live = self._feature(live_img)
        if f_live is None:
            return MatchResult(MatchStatus.NO_FACE_LIVE, threshold=self.threshold)
        f_ref = self._feature(ref_img)
        if f_ref is None:
            return MatchResult(MatchStatus.NO_FACE_REFERENCE, threshold=self.threshold)
        assert self._sface is not None
        score = float(self._sface.match(f_live, f_ref, cv2.FaceRecognizerSF_FR_COSINE))
        status = MatchStatus.MATCH if score >= self.threshold else MatchStatus.NO_MATCH
        log.info("face match done: %s", status.code)  # never the score with an identity
        return MatchResult(status, score, self.threshold)
