"""Settings of the camera and face check, in one place.

``QualityConfig`` holds every capture-quality threshold, ``LivenessConfig`` the challenge
timing and motion thresholds, ``CameraConfig`` the source, buffer and optional model paths.
Plain frozen dataclasses: no I/O, no validation of files (the loaders do that).
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the capture-quality checks (fractions are of the frame's width/height).

    Attributes:
        min_face_width: face narrower than this fraction of the frame width -> too far.
        max_face_width: wider than this -> too close.
        max_centre_offset: face centre further than this fraction from the frame centre
            (per axis) -> off-centre.
        min_brightness / max_brightness: mean grey level (0-255) of the face region.
        min_sharpness: variance of the Laplacian of the face, resized to ``sharpness_width``
            pixels wide so the value does not depend on distance.
    """

    min_face_width: float = 0.18
    max_face_width: float = 0.55
    max_centre_offset: float = 0.18
    min_brightness: float = 60.0
    max_brightness: float = 200.0
    min_sharpness: float = 60.0
    sharpness_width: int = 128


@dataclass(frozen=True)
class LivenessConfig:
    """Timing and motion thresholds of the liveness challenge.

    Attributes:
        step_timeout: seconds allowed for each challenge step.
        settle_timeout: seconds allowed to present one well-placed face before the first step.
        turn_fraction: horizontal travel of the face centre, as a fraction of the face width,
            that counts as a turn.
        turn_max_scale: a turn must not change the face size by more than this factor
            (otherwise it is an approach, not a turn).
        closer_scale: growth of the face width that counts as "come closer".
        hold_frames: consecutive frames a movement must be held (rejects detector jitter).
        blink_max_closed: longest eye closure (seconds) still counted as a blink.
        blink_open_frames: frames with both eyes seen before and after the closure.
        steps: number of challenge steps drawn.
        include_blink: whether blink may be drawn (needs eye detection at the face size used).
        face_lost_after: seconds without any face during a step after which the person is told
            no face is seen (shorter gaps are detector flicker during a movement).
    """

    step_timeout: float = 6.0
    settle_timeout: float = 10.0
    turn_fraction: float = 0.25
    turn_max_scale: float = 1.2
    closer_scale: float = 1.25
    hold_frames: int = 2
    blink_max_closed: float = 0.8
    blink_open_frames: int = 2
    steps: int = 3
    include_blink: bool = True
    face_lost_after: float = 0.5


class SourceKind(enum.Enum):
    """Where frames come from."""

    DEVICE = "device"        # a V4L2 camera by index or /dev/video* path
    FILE = "file"            # a video file
    FOLDER = "folder"        # a folder of still images, played in name order
    SIMULATOR = "simulator"  # a synthetic person (never in production)


_SIM = re.compile(r"^sim(?:://(?P<mode>[a-z_]+))?$")


@dataclass(frozen=True)
class CameraConfig:
    """How to open the camera.

    Attributes:
        source: ``0`` / ``"0"`` / ``"/dev/video0"`` for a camera, a video file path, an image
            folder, or ``"sim://live"`` / ``"sim://still"`` / ``"sim://absent"`` for the simulator.
        width / height: requested capture size (a real camera may choose another).
        buffer_size: frames kept by the grabber; older frames are dropped, never queued.
        fps: frame-rate cap for file, folder and simulator sources (a camera sets its own).
        frozen_after: seconds without a new frame (or with identical frames) before the
            camera reports ``no_frames`` / ``frozen``.
        yunet_model / sface_model: ONNX files; when both are set, YuNet detects and SFace
            matches; when unset, Haar detects and matching answers "not configured".
    """

    source: int | str = 0
    width: int = 640
    height: int = 480
    buffer_size: int = 2
    fps: float = 15.0
    frozen_after: float = 2.0
    yunet_model: Path | None = None
    sface_model: Path | None = None
    quality: QualityConfig = field(default_factory=QualityConfig)
    liveness: LivenessConfig = field(default_factory=LivenessConfig)

    def source_kind(self) -> SourceKind:
        """Classify :attr:`source` (no file is opened)."""
        src = self.source
        if isinstance(src, int) or (isinstance(src, str) and src.isdigit()):
            return SourceKind.DEVICE
        if _SIM.match(src):
            return SourceKind.SIMULATOR
        if src.startswith("/dev/video"):
            return SourceKind.DEVICE
        if Path(src).is_dir():
            return SourceKind.FOLDER
        return SourceKind.FILE

    def simulator_mode(self) -> str:
        """The simulator mode named in :attr:`source` (``live`` by default)."""
        m = _SIM.match(str(self.source))
        return (m.group("mode") if m and m.group("mode") else "live")
