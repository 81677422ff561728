"""``FacePreview``: the face page's live camera picture, as the QML singleton ``Kiosk.FacePreview``.

The face check (``kiosk.visit.face_check``) hands every camera frame it reads to ``show`` on
its own thread; this keeps at most a few a second (``interval_s``, so the GUI thread paints a
modest rate), turns each into a small mirrored ``QImage`` there, off the GUI thread, and tells
QML through a queued signal to read it from ``LatestImage``, an image provider read
synchronously (no blink between frames). ``show(None)`` (the check stopped: the page changed,
the face was checked, the visit was wiped) and ``clear()`` (the face page went away) drop the
last picture. Frames live only in memory: nothing is written anywhere. It decides nothing about
the face check.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ui.bridges.latest_image import LatestImage
from ui.qt import Property, QImage, QObject, Qt, Signal, Slot

PROVIDER = "face"                  # image://face/live/<n>
PREVIEW_WIDTH = 640                # pixels: enough for the oval on a kiosk panel, cheap to paint
INTERVAL_S = 0.2                   # at most 5 pictures a second reach the GUI thread


def mirrored(image: Any, width: int = PREVIEW_WIDTH) -> QImage:
    """A BGR frame (numpy, height x width x 3) as a mirror shows it, at most ``width`` wide."""
    h, w = image.shape[:2]
    picture = QImage(image.data, w, h, int(image.strides[0]), QImage.Format.Format_BGR888)
    if w > width:
        picture = picture.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    return picture.flipped(Qt.Orientation.Horizontal)      # a copy: the frame may be reused


class FacePreview(QObject):
    """Args: ``interval_s``, the least time between two pictures; ``clock``, what measures it."""

    sourceChanged = Signal()
    _arrived = Signal(bool)          # any thread -> GUI thread: a picture is there (or gone)

    def __init__(self, *, interval_s: float = INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.images = LatestImage()           # registered on the engine by ui/app.py
        self._interval, self._clock = interval_s, clock
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._frames = 0
        self._source = ""
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)

    def show(self, image: Any) -> None:
        """A frame from the face check (any thread), or None: the check stopped."""
        if image is None:
            self._drop()
            return
        with self._lock:
            now = self._clock()
            if now - self._last < self._interval:
                return                       # a modest rate: the rest are not even converted
            self._last = now
        self.images.set(mirrored(image))
        self._arrived.emit(True)

    @Slot()
    def clear(self) -> None:
        """The face page went away: drop the picture now."""
        self._drop()

    def _drop(self) -> None:
        with self._lock:
            self._last = float("-inf")
        self.images.set(QImage())
        self._arrived.emit(False)

    def _on_arrived(self, shown: bool) -> None:
        self._frames += 1
        source = f"image://{PROVIDER}/live/{self._frames}" if shown else ""
        if source != self._source:
            self._source = source
            self.sourceChanged.emit()

    def _read_source(self) -> str:
        return self._source
    source = Property(str, _read_source, notify=sourceChanged)
