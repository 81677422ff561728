"""The camera's check, and the technician's live preview: face boxes, frames per second, quality.

``check`` is the report's ``camera`` line. ``preview(camera, ...)`` takes the newest frame,
finds the faces, runs the same capture-quality checks as a visit's face page
(``devices.camera.assess``), draws the boxes (green when the frame would be kept, amber when
not) and encodes a small JPEG for the screen. ``CameraPreview`` repeats that on a thread of its
own while the camera page is open and hands each result to a callback, so the GUI thread only
shows pictures. Frames live in memory for one preview and are never written anywhere.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2

from devices.camera import Camera, assess
from devices.health import DeviceState, Health
from kiosk.diagnostics.report import Check

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 480
GOOD, NOT_YET = (60, 170, 60), (0, 160, 255)      # BGR
FIX = {
    DeviceState.DISCONNECTED: "检查摄像头USB线；确认设备（/dev/video0）存在且本程序有权限读取",
    DeviceState.UNAVAILABLE: "摄像头没有画面或画面静止：重新插拔摄像头，检查镜头遮挡",
    DeviceState.DEGRADED: "配置人证比对模型文件（YuNet/SFace），否则需工作人员人工核验",
}


def check(health: Health) -> Check:
    fix = "" if health.state in (DeviceState.READY, DeviceState.STARTING) else \
        FIX.get(health.state, "")
    return Check("camera", health.usable, health.message, fix)


@dataclass(frozen=True)
class Preview:
    """One preview frame and what the checks found in it (no picture when there is no frame)."""

    jpeg: bytes
    faces: int
    fps: float
    ok: bool                                  # the frame would be kept as a face photo
    prompts: tuple[str, ...]                  # what the person would be told, in order
    measures: dict[str, float] = field(default_factory=dict)
    status: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"faces": self.faces, "fps": round(self.fps, 1), "ok": self.ok,
                "prompts": list(self.prompts), "measures": dict(self.measures),
                "status": self.status}


def preview(camera: Camera, fps: float = 0.0, timeout_s: float = 0.5) -> Preview:
    """One preview from the newest frame (``fps`` as measured by the caller)."""
    frame = camera.latest(timeout_s)
    if frame is None:
        return Preview(b"", 0, fps, False, (), status=camera.health().message)
    image = frame.image
    faces = camera.detector.detect(image)
    quality = assess(image, faces, camera.config.quality)
    shown = image.copy()
    for face in faces:
        cv2.rectangle(shown, (int(face.x), int(face.y)), (int(face.x + face.w), int(face.y + face.h)),
                      GOOD if quality.ok else NOT_YET, 3)
    scale = PREVIEW_WIDTH / shown.shape[1]
    shown = cv2.resize(shown, (PREVIEW_WIDTH, round(shown.shape[0] * scale)),
                       interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", shown, [cv2.IMWRITE_JPEG_QUALITY, 80])
    measures = {"face_width": round(quality.face_width, 3),
                "brightness": round(quality.brightness, 1),
                "sharpness": round(quality.sharpness, 1)}
    return Preview(encoded.tobytes() if ok else b"", len(faces), fps, quality.ok,
                   tuple(i.prompt for i in quality.issues), measures, "画面正常" if ok else "")


class CameraPreview:
    """Previews on a thread while started; ``on_preview`` hears each one (on that thread).

    Args:
        camera: the kiosk's camera.
        on_preview: called with each ``Preview``.
        interval_s: pause between previews (the detector costs tens of milliseconds a frame).
        clock: monotonic seconds, for the frames per second.
    """

    def __init__(self, camera: Camera, on_preview: Callable[[Preview], None], *,
                 interval_s: float = 0.2, clock: Callable[[], float] = time.monotonic) -> None:
        self._camera = camera
        self._on_preview = on_preview
        self.interval_s = interval_s
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: tuple[float, int] | None = None

    def fps(self) -> float:
        """Frames the camera delivered per second since the last call (0 at the first)."""
        now, grabbed = self._clock(), self._camera.stats().grabbed
        last, self._last = self._last, (now, grabbed)
        if last is None or now <= last[0]:
            return 0.0
        return (grabbed - last[1]) / (now - last[0])

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._last = None
        self._thread = threading.Thread(target=self._run, name="diagnostics-camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._on_preview(preview(self._camera, self.fps()))
            except Exception:  # noqa: BLE001 - a bad frame must not end the preview
                log.exception("diagnostics-camera-preview-failed")
            self._stop.wait(self.interval_s)
