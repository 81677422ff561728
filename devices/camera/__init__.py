"""Camera and face check: frame sources, a grabber thread, Haar/YuNet detection, quality checks,
a liveness challenge and SFace 1:1 matching.

Entry point: :func:`open_camera`. Nothing here imports ``kiosk``, ``ui`` or Qt.
"""
from __future__ import annotations

import os

from .camera import Camera, CameraError
from .config import CameraConfig, LivenessConfig, QualityConfig, SourceKind
from .detector import Face, HaarDetector, ModelError, YuNetDetector, make_detector
from .frames import FrameError
from .grabber import CameraStatus, Frame, GrabberStats
from .liveness import (Challenge, LivenessFailure, LivenessProgress, LivenessResult, LivenessSession,
                       LivenessState, draw_challenges)
from .matcher import FaceMatcher, MatchResult, MatchStatus
from .quality import QualityIssue, QualityReport, assess

__all__ = [
    "Camera", "CameraConfig", "CameraError", "CameraStatus", "Challenge", "Face", "FaceMatcher",
    "Frame", "FrameError", "GrabberStats", "HaarDetector", "LivenessConfig", "LivenessFailure",
    "LivenessProgress", "LivenessResult", "LivenessSession", "LivenessState", "MatchResult",
    "MatchStatus", "ModelError", "QualityConfig", "QualityIssue", "QualityReport", "SourceKind",
    "YuNetDetector", "assess", "draw_challenges", "make_detector", "open_camera",
]


def open_camera(config: CameraConfig | None = None) -> Camera:
    """Build the camera named by ``config.source`` (not started: call ``start()``).

    Args:
        config: settings; defaults to camera index 0 with Haar detection.

    Returns:
        A :class:`Camera`. A real camera that cannot be opened still returns one, whose
        ``health()`` says ``no_camera`` (a missing camera is a device state, not a crash).

    Raises:
        CameraError: the simulator was asked for while ``KIOSK_ENV=production``.
        ModelError: a configured YuNet/SFace model file is missing or corrupt.
    """
    cfg = config or CameraConfig()
    kind = cfg.source_kind()
    if kind is SourceKind.SIMULATOR:
        if os.environ.get("KIOSK_ENV", "").strip().lower() == "production":
            raise CameraError("the camera simulator is not allowed when KIOSK_ENV=production")
        from .simulator import SimulatedPerson, SimulatorSource
        source = SimulatorSource(SimulatedPerson(cfg.simulator_mode()), cfg.fps)
        control: str | None = source.open_control()
    elif kind is SourceKind.FOLDER:
        from .sources import FolderSource
        source, control = FolderSource(str(cfg.source), cfg.fps), None
    else:
        from .sources import CaptureSource
        source = CaptureSource(cfg.source, cfg.width, cfg.height,
                               fps=cfg.fps if kind is SourceKind.FILE else None,
                               loop=kind is SourceKind.FILE)
        control = None
    detector = make_detector(cfg.yunet_model)
    matcher = FaceMatcher(cfg.yunet_model, cfg.sface_model)
    return Camera(source, cfg, detector, matcher, control)
