"""The camera driver: a frame source, the grabber thread, the detector and the matcher together.

``Camera`` is what the kiosk core holds: start/stop, the newest frame, a quality check of a
frame, a fresh liveness session, a 1:1 match, and ``health()``. It decides nothing about the
flow and keeps no frames beyond the grabber's small buffer.
"""
from __future__ import annotations

import logging
import random
from typing import Any, Sequence

import numpy as np

from devices.health import DeviceState, Health

from .config import CameraConfig
from .detector import FaceDetector
from .grabber import CameraStatus, Frame, FrameSource, Grabber, GrabberStats
from .liveness import Challenge, LivenessSession
from .matcher import FaceMatcher, MatchResult
from .quality import QualityReport, assess

log = logging.getLogger(__name__)

DEVICE_ID = "camera"

_STATE = {
    CameraStatus.READY: DeviceState.READY,
    CameraStatus.STARTING: DeviceState.STARTING,
    CameraStatus.NO_CAMERA: DeviceState.DISCONNECTED,
    CameraStatus.DISCONNECTED: DeviceState.DISCONNECTED,
    CameraStatus.NO_FRAMES: DeviceState.UNAVAILABLE,
    CameraStatus.FROZEN: DeviceState.UNAVAILABLE,
    CameraStatus.STOPPED: DeviceState.UNAVAILABLE,
}


class CameraError(RuntimeError):
    """The camera cannot be set up as configured (e.g. the simulator in production)."""


class Camera:
    """One camera with its face check.

    Args:
        source: frames (see ``sources.py`` / ``simulator.py``).
        config: settings.
        detector: face detector (Haar or YuNet).
        matcher: 1:1 matcher (may be unconfigured).
        control: set by ``open_camera`` for the simulator: where to tell it who stands there.
    """

    def __init__(self, source: FrameSource, config: CameraConfig, detector: FaceDetector,
                 matcher: FaceMatcher, control: str | None = None) -> None:
        self.config = config
        #: The simulator's control channel URL (``devices.simcontrol``); None for a real camera.
        self.control = control
        self.source = source
        self.detector = detector
        self.matcher = matcher
        self.grabber = Grabber(source, config.buffer_size, config.frozen_after)

    def start(self) -> None:
        self.grabber.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop grabbing and release the device; True when the thread ended in time."""
        return self.grabber.stop(timeout)

    def __enter__(self) -> Camera:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def latest(self, timeout: float | None = 0.5) -> Frame | None:
        """The newest frame, or None when none arrived within ``timeout`` seconds."""
        return self.grabber.get(timeout)

    def check(self, frame: np.ndarray) -> QualityReport:
        """Detect faces in ``frame`` and run the capture-quality checks.

        Raises:
            FrameError: ``frame`` is not a usable image.
        """
        return assess(frame, self.detector.detect(frame), self.config.quality)

    def liveness(self, challenges: Sequence[Challenge] | None = None,
                 rng: random.Random | None = None) -> LivenessSession:
        """A new liveness session using this camera's detector and thresholds.

        A simulated source gets to see the prompts (``show_prompt``) so that the simulated
        person can act on them; a real camera has no such method and sees nothing.
        """
        return LivenessSession(self.detector, challenges, self.config.liveness, self.config.quality, rng,
                               on_prompt=getattr(self.source, "show_prompt", None))

    def match(self, live: Any, reference: Any) -> MatchResult:
        """1:1 match of the live face with a reference photo (see :class:`FaceMatcher`)."""
        return self.matcher.match(live, reference)

    def stats(self) -> GrabberStats:
        return self.grabber.stats()

    def status(self) -> CameraStatus:
        return self.grabber.status()

    def health(self) -> Health:
        status = self.status()
        message = status.message
        if status is CameraStatus.READY and not self.matcher.configured:
            # usable for capture and liveness, but identity needs staff: a technician should know
            return Health(DEVICE_ID, DeviceState.DEGRADED, status.code, "摄像头正常；人证比对模型未配置，需人工核验")
        return Health(DEVICE_ID, _STATE[status], status.code, message)
