"""The grabber thread: reads a frame source off the UI thread into a small bounded buffer.

The buffer keeps the newest ``buffer_size`` frames; a new frame pushes out the oldest, and a
consumer taking a frame gets the newest and discards the rest, so a slow consumer always sees the
present, never a queue of the past. Every discarded frame is counted. ``status()`` turns what the
thread saw into a closed :class:`CameraStatus`. The grabber does not detect faces or keep frames
beyond the buffer.
"""
from __future__ import annotations

import collections
import enum
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from .frames import FrameError, as_bgr

log = logging.getLogger(__name__)


class FrameSource(Protocol):
    is_open: bool

    def read(self) -> np.ndarray | None: ...

    def close(self) -> None: ...


class CameraStatus(enum.Enum):
    """The camera's own closed status; ``message`` is for a technician."""

    STARTING = ("starting", "摄像头正在启动")
    READY = ("ready", "摄像头工作正常")
    NO_CAMERA = ("no_camera", "未找到摄像头，请检查连接线和设备权限")
    DISCONNECTED = ("disconnected", "摄像头已断开，请检查连接线")
    NO_FRAMES = ("no_frames", "摄像头已连接但没有画面")
    FROZEN = ("frozen", "摄像头画面静止不动，请重新插拔摄像头")
    STOPPED = ("stopped", "摄像头已停止")

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Frame:
    """One grabbed frame: the image (BGR), its monotonic time, and its sequence number."""

    image: np.ndarray
    t: float
    seq: int


@dataclass(frozen=True)
class GrabberStats:
    """Counters; ``grabbed == delivered + dropped + buffered`` always holds."""

    grabbed: int
    delivered: int
    dropped: int
    buffered: int
    bad_frames: int
    read_failures: int


class Grabber:
    """Runs ``source.read()`` in a daemon thread into a bounded newest-first buffer.

    Args:
        source: where frames come from.
        buffer_size: frames kept (>= 1).
        frozen_after: seconds without a new (or a changing) frame before the status says so.
        reopen_interval: seconds between attempts to reopen a source that closed.
        clock: monotonic clock (tests may pass their own).
    """

    def __init__(self, source: FrameSource, buffer_size: int = 2, frozen_after: float = 2.0,
                 reopen_interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if buffer_size < 1:
            raise ValueError("buffer_size must be at least 1")
        self.source = source
        self.frozen_after = frozen_after
        self.reopen_interval = reopen_interval
        self._clock = clock
        self._buf: collections.deque[Frame] = collections.deque(maxlen=buffer_size)
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._grabbed = self._delivered = self._dropped = self._bad = self._failures = 0
        self._started_at: float | None = None
        self._last_frame_at: float | None = None
        self._last_change_at: float | None = None
        self._last_digest = b""
        self._last_reopen = 0.0

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._started_at = self._clock()
        self._thread = threading.Thread(target=self._run, name="camera-grabber", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop the thread and close the source; True when the thread ended within ``timeout``."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        t = self._thread
        if t is not None:
            t.join(timeout)
        self.source.close()
        with self._cond:
            self._dropped += len(self._buf)
            self._buf.clear()  # frames are not kept past the camera's use
        return t is None or not t.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    # -- consumer ----------------------------------------------------------------------------
    def get(self, timeout: float | None = None) -> Frame | None:
        """The newest frame (older buffered ones are dropped), waiting up to ``timeout`` s."""
        with self._cond:
            if not self._buf and timeout:
                self._cond.wait_for(lambda: bool(self._buf) or self._stop.is_set(), timeout)
            if not self._buf:
                return None
            frame = self._buf.pop()
            self._dropped += len(self._buf)
            self._buf.clear()
            self._delivered += 1
            return frame

    def stats(self) -> GrabberStats:
        with self._cond:
            return GrabberStats(self._grabbed, self._delivered, self._dropped, len(self._buf),
                                self._bad, self._failures)

    def status(self) -> CameraStatus:
        now = self._clock()
        if self._started_at is None or self._stop.is_set():
            return CameraStatus.STOPPED
        if not self.source.is_open:
            return CameraStatus.DISCONNECTED if self._last_frame_at is not None else CameraStatus.NO_CAMERA
        if self._last_frame_at is None:
            return CameraStatus.NO_FRAMES if now - self._started_at > self.frozen_after else CameraStatus.STARTING
        if now - self._last_frame_at > self.frozen_after:
            # frames came, then stopped while the device still looks open: unplugged mid-use
            return CameraStatus.DISCONNECTED if self._failures else CameraStatus.NO_FRAMES
        assert self._last_change_at is not None
        if now - self._last_change_at > self.frozen_after:
            return CameraStatus.FROZEN
        return CameraStatus.READY

    # -- thread ------------------------------------------------------------------------------
    def _push(self, img: np.ndarray) -> None:
        now = self._clock()
        # Real sensors never give two identical frames; identical ones mean a stuck driver.
        digest = hashlib.blake2b(img[::7, ::7].tobytes(), digest_size=16).digest()
        with self._cond:
            if len(self._buf) == self._buf.maxlen:
                self._dropped += 1
            self._grabbed += 1
            self._buf.append(Frame(img, now, self._grabbed))
            self._last_frame_at = now
            if digest != self._last_digest or self._last_change_at is None:
                self._last_change_at = now
                self._last_digest = digest
            self._cond.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                raw = self.source.read()
            except Exception as exc:  # a driver error must not kill the thread silently
                log.warning("camera read failed: %s", type(exc).__name__)
                raw = None
            if raw is None:
                self._failures += 1
                self._maybe_reopen()
                self._stop.wait(0.02)
                continue
            try:
                img = as_bgr(raw)
            except FrameError as exc:
                self._bad += 1
                log.warning("camera delivered an unusable frame: %s", exc)
                continue
            self._push(img)

    def _maybe_reopen(self) -> None:
        reopen = getattr(self.source, "reopen", None)
        now = self._clock()
        if reopen is None or self.source.is_open or now - self._last_reopen < self.reopen_interval:
            return
        self._last_reopen = now
        try:
            reopen()
        except Exception as exc:  # pragma: no cover - defensive: keep the thread alive
            log.warning("camera reopen failed: %s", type(exc).__name__)
