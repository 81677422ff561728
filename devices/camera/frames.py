"""Validate camera frames and convert them to the two shapes the face code works on.

Every public entry point of ``devices.camera`` that takes an image calls :func:`as_bgr` or
:func:`as_gray` first, so a bad frame (None, a list, float data, zero size, four channels) fails
here with one clear :class:`FrameError` instead of deep inside OpenCV. No I/O, no detection.
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np


class FrameError(ValueError):
    """A frame that cannot be used: wrong type, dtype, size or channel count."""


def _check(frame: Any) -> np.ndarray:
    if frame is None:
        raise FrameError("frame is None: the camera delivered nothing")
    if not isinstance(frame, np.ndarray):
        raise FrameError(f"frame must be a numpy array, got {type(frame).__name__}")
    if frame.dtype != np.uint8:
        raise FrameError(f"frame must be 8-bit (uint8), got dtype {frame.dtype}")
    if frame.ndim not in (2, 3):
        raise FrameError(f"frame must be HxW or HxWx3, got shape {frame.shape}")
    if frame.shape[0] < 8 or frame.shape[1] < 8:
        raise FrameError(f"frame too small to hold a face: shape {frame.shape}")
    if frame.ndim == 3 and frame.shape[2] not in (1, 3):
        raise FrameError(f"frame must have 1 or 3 channels (BGR), got {frame.shape[2]}")
    return frame


def as_bgr(frame: Any) -> np.ndarray:
    """Return ``frame`` as a contiguous HxWx3 uint8 BGR image.

    Args:
        frame: HxW grey, HxWx1 or HxWx3 BGR uint8 array.

    Raises:
        FrameError: anything else.
    """
    f = _check(frame)
    if f.ndim == 2 or f.shape[2] == 1:
        return cv2.cvtColor(f.reshape(f.shape[0], f.shape[1]), cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(f)


def as_gray(frame: Any) -> np.ndarray:
    """Return ``frame`` as a contiguous HxW uint8 grey image.

    Raises:
        FrameError: as :func:`as_bgr`.
    """
    f = _check(frame)
    if f.ndim == 2:
        return np.ascontiguousarray(f)
    if f.shape[2] == 1:
        return np.ascontiguousarray(f[:, :, 0])
    return cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)


def encode_jpeg(frame: np.ndarray, quality: int = 90) -> bytes:
    """Encode a BGR or grey frame as JPEG bytes (the only form a face leaves this package in)."""
    ok, buf = cv2.imencode(".jpg", as_bgr(frame), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - imencode fails only on invalid input, checked above
        raise FrameError("JPEG encoding failed")
    return buf.tobytes()
