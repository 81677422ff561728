"""Face tracking in front of a face detector: once a face is found, look for it where it was.

A full multi-scale search of a 640x480 frame tries every window size from the smallest face the
detector finds up to the frame's height, all over the frame: with a person in front of the
camera it was about 36 ms a frame on this machine, and the pipeline fell below the camera's
30 fps (bench/camera_face.py). A person at the kiosk moves little from one frame to the next, so
``FaceTracker`` searches the next frame only around the face it last found, shrunk so that the
face is ``work_face`` pixels wide: the window sizes near the face's own, over a patch a few times
its size. Every ``full_every`` frames, and whenever the patch does not show the face, it searches
the whole frame as before, so a second person stepping in, or a face that moved far, is seen
within a fraction of a second. No frame is kept: only the last face's box.
"""
from __future__ import annotations

import cv2
import numpy as np

from .detector import Face, FaceDetector


class FaceTracker:
    """Wraps ``detector`` (any ``FaceDetector``); the same ``detect``/``eyes``.

    Args:
        full_every: frames between two full searches at most (6: five a second at 30 fps).
        margin: how far around the last face the patch reaches, in face widths on each side.
        work_face: the face's width in the shrunk patch, in pixels (well above the detector's
            smallest face, so a face that went back is still found; at 64 its box agrees with
            a full search's to a median overlap of 0.94, against 0.84 at 48).
    """

    def __init__(self, detector: FaceDetector, full_every: int = 6, margin: float = 0.6,
                 work_face: int = 64) -> None:
        self.detector = detector
        self.full_every = full_every
        self.margin = margin
        self.work_face = work_face
        self.can_see_eyes = bool(getattr(detector, "can_see_eyes", True))
        self._last: Face | None = None
        self._since_full = 0
        self.full = self.tracked = 0

    def detect(self, frame: np.ndarray) -> list[Face]:
        if self._last is not None and self._since_full < self.full_every:
            face = self._near(frame, self._last)
            if face is not None:
                self._last = face
                self._since_full += 1
                self.tracked += 1
                return [face]
        faces = self.detector.detect(frame)
        self.full += 1
        self._since_full = 0
        self._last = faces[0] if len(faces) == 1 else None   # two people: search them whole
        return faces

    def _near(self, frame: np.ndarray, last: Face) -> Face | None:
        """The face in a patch around ``last``, in frame coordinates; None if it is not there."""
        h, w = frame.shape[:2]
        x0 = max(0, int(last.x - self.margin * last.w))
        y0 = max(0, int(last.y - self.margin * last.h))
        x1 = min(w, int(last.x + last.w * (1 + self.margin)) + 1)
        y1 = min(h, int(last.y + last.h * (1 + self.margin)) + 1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return None
        scale = max(1.0, last.w / self.work_face)
        patch = frame[y0:y1, x0:x1]
        if scale > 1.0:
            patch = cv2.resize(patch, (max(1, round((x1 - x0) / scale)),
                                       max(1, round((y1 - y0) / scale))),
                               interpolation=cv2.INTER_AREA)
        found = self.detector.detect(np.ascontiguousarray(patch))
        if len(found) != 1:
            return None
        f = found[0]
        raw = None
        if f.raw is not None:    # YuNet's box and landmarks, back in the frame's coordinates
            at = [(x0 if i % 2 == 0 else y0) + v * scale for i, v in enumerate(f.raw[:14])]
            at[2], at[3] = f.raw[2] * scale, f.raw[3] * scale       # a size, not a position
            raw = (*at, *f.raw[14:])
        return Face(x0 + f.x * scale, y0 + f.y * scale, f.w * scale, f.h * scale, f.score, raw)

    def eyes(self, frame: np.ndarray, face: Face) -> int | None:
        return self.detector.eyes(frame, face)
