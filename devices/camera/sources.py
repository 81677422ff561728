"""Frame sources: a camera or video file through ``cv2.VideoCapture``, and a folder of images.

A source has ``read() -> ndarray | None`` (None: no frame now), ``close()``, ``is_open`` and,
where it makes sense, ``reopen()``. Sources block in ``read`` (a camera paces itself; files and
folders sleep to ``fps``) and are driven by the grabber thread, never by the UI thread. They do not
buffer, detect or judge. The simulator source lives in ``simulator.py``.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


class _Pacer:
    """Sleeps so that frames come no faster than ``fps`` (a file would otherwise race ahead)."""

    def __init__(self, fps: float | None) -> None:
        self.period = 1.0 / fps if fps else 0.0
        self._next = time.monotonic()

    def wait(self) -> None:
        if not self.period:
            return
        delay = self._next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next = max(self._next + self.period, time.monotonic())


class CaptureSource:
    """A V4L2 camera (index or ``/dev/video*``) or a video file, via ``cv2.VideoCapture``.

    Args:
        target: camera index, device path or file path.
        width / height: requested size (the camera may choose another).
        fps: pace for files (None for a camera, which paces itself).
        loop: rewind a file at its end instead of reporting no frames.
    """

    def __init__(self, target: int | str, width: int = 640, height: int = 480,
                 fps: float | None = None, loop: bool = False) -> None:
        self.target = int(target) if isinstance(target, str) and target.isdigit() else target
        self.width, self.height = width, height
        self.loop = loop
        self._pacer = _Pacer(fps)
        self._cap: cv2.VideoCapture | None = None
        self._open_failures = 0
        self.reopen()

    def reopen(self) -> bool:
        """(Re)open the capture; True when it opened."""
        self.close()
        cap = cv2.VideoCapture(self.target)
        if not cap.isOpened():
            cap.release()
            self._open_failures += 1
            # the grabber retries every second: say it once, not every second
            (log.warning if self._open_failures == 1 else log.debug)(
                "camera source %r could not be opened (attempt %d)", self.target, self._open_failures)
            return False
        self._open_failures = 0
        if isinstance(self.target, int) or str(self.target).startswith("/dev/video"):
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # we keep our own (bounded) buffer
        self._cap = cap
        return True

    @property
    def is_open(self) -> bool:
        return self._cap is not None and self._cap.isOpened()

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        self._pacer.wait()
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class FolderSource:
    """Still images from a folder, in name order, as if they were video frames.

    Unreadable files are skipped and counted in ``bad_files`` (a folder of test shots may
    hold a stray text file); an empty folder is a source that is not open.

    Args:
        folder: the directory.
        fps: frames per second.
        loop: start again after the last image.
    """

    def __init__(self, folder: str | Path, fps: float | None = 15.0, loop: bool = True) -> None:
        self.folder = Path(folder)
        self.files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) \
            if self.folder.is_dir() else []
        self.loop = loop
        self.bad_files = 0
        self._i = 0
        self._pacer = _Pacer(fps)
        self._closed = False

    @property
    def is_open(self) -> bool:
        return not self._closed and bool(self.files) and (self.loop or self._i < len(self.files))

    def read(self) -> np.ndarray | None:
        tries = 0
        while self.is_open and tries < len(self.files):
            path = self.files[self._i % len(self.files)]
            self._i += 1
            tries += 1
            img = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if img is not None:
                self._pacer.wait()
                return img
            self.bad_files += 1
            log.warning("skipping unreadable image %s", path.name)
        return None

    def close(self) -> None:
        self._closed = True
