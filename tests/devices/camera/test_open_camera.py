"""The factory, health reporting and the simulator's command line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from devices.camera import (Camera, CameraConfig, CameraError, CameraStatus, ModelError, QualityIssue, SourceKind,
                            open_camera)
from devices.camera.simulator import main as simulator_main
from devices.health import DeviceState


@pytest.mark.parametrize("source,kind", [
    (0, SourceKind.DEVICE), ("2", SourceKind.DEVICE), ("/dev/video0", SourceKind.DEVICE),
    ("sim", SourceKind.SIMULATOR), ("sim://still", SourceKind.SIMULATOR), ("clip.mp4", SourceKind.FILE),
])
def test_source_kind(source, kind) -> None:
    assert CameraConfig(source=source).source_kind() is kind


def test_folder_kind(tmp_path) -> None:
    assert CameraConfig(source=str(tmp_path)).source_kind() is SourceKind.FOLDER


def test_simulator_is_refused_in_production(monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ENV", "production")
    with pytest.raises(CameraError):
        open_camera(CameraConfig(source="sim://live"))


def test_simulated_camera_end_to_end(monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ENV", "development")
    cam = open_camera(CameraConfig(source="sim://live", fps=20))
    assert isinstance(cam, Camera)
    with cam:
        frame = cam.latest(timeout=2.0)
        assert frame is not None
        report = cam.check(frame.image)
        assert report.ok, report.issues
        deadline = cv2.getTickCount() + 2 * cv2.getTickFrequency()
        while cam.status() is not CameraStatus.READY and cv2.getTickCount() < deadline:
            cam.latest(timeout=0.1)
        h = cam.health()
        assert h.device == "camera" and h.code == "ready"
        # no SFace/YuNet configured: usable, but a technician is told identity needs staff
        assert h.state is DeviceState.DEGRADED and "人证比对" in h.message
        assert cam.match(frame.image, frame.image).status.code == "not_configured"
        assert len(cam.liveness().challenges) == 3
    assert cam.status() is CameraStatus.STOPPED
    assert cam.health().state is DeviceState.UNAVAILABLE


def test_absent_simulator_reports_no_face(monkeypatch) -> None:
    monkeypatch.delenv("KIOSK_ENV", raising=False)
    with open_camera(CameraConfig(source="sim://absent", fps=20)) as cam:
        frame = cam.latest(timeout=2.0)
        assert cam.check(frame.image).issues == (QualityIssue.NO_FACE,)


def test_missing_real_camera_gives_health_not_a_crash() -> None:
    cam = open_camera(CameraConfig(source="/dev/video97", frozen_after=0.1))
    with cam:
        assert cam.latest(timeout=0.2) is None
        h = cam.health()
    assert h.code == "no_camera" and h.state is DeviceState.DISCONNECTED and "摄像头" in h.message


def test_folder_camera(tmp_path, astronaut) -> None:
    cv2.imwrite(str(tmp_path / "0.png"), astronaut)
    with open_camera(CameraConfig(source=str(tmp_path), fps=30)) as cam:
        f = cam.latest(timeout=2.0)
        assert f is not None and f.image.shape == astronaut.shape


def test_configured_but_missing_model_fails_loudly(tmp_path) -> None:
    with pytest.raises(ModelError):
        open_camera(CameraConfig(source="sim", yunet_model=tmp_path / "yunet.onnx",
                                 sface_model=tmp_path / "sface.onnx"))


def test_every_status_maps_to_a_health(monkeypatch) -> None:
    cam = open_camera(CameraConfig(source="sim"))
    for status in CameraStatus:
        monkeypatch.setattr(cam, "status", lambda s=status: s)
        h = cam.health()
        assert h.code == status.code and h.message


def test_simulator_cli_writes_png_frames(tmp_path, detector, capsys) -> None:
    assert simulator_main(["--out", str(tmp_path), "--frames", "3", "--challenge", "come_closer"]) == 0
    files = sorted(tmp_path.glob("*.png"))
    assert len(files) == 3
    img = cv2.imread(str(files[0]))
    assert img.shape == (480, 640, 3) and len(detector.detect(img)) == 1


def test_liveness_in_real_time_through_the_grabber_with_the_simulator(monkeypatch) -> None:
    import time

    from devices.camera import Challenge

    monkeypatch.delenv("KIOSK_ENV", raising=False)
    with open_camera(CameraConfig(source="sim://live", fps=15)) as cam:
        session = cam.liveness((Challenge.COME_CLOSER, Challenge.TURN_RIGHT))
        end = time.monotonic() + 15
        progress = None
        while not session.done and time.monotonic() < end:
            frame = cam.latest(timeout=0.5)
            if frame is not None:
                progress = session.feed(frame.image, frame.t)
        assert progress is not None and progress.result is not None
        assert progress.result.passed, progress
        assert progress.result.best_frame_jpeg[:2] == b"\xff\xd8"
        s = cam.stats()
        assert s.grabbed == s.delivered + s.dropped + s.buffered and s.buffered <= cam.config.buffer_size


def test_still_photo_through_the_grabber_fails(monkeypatch) -> None:
    from devices.camera import Challenge, LivenessConfig

    monkeypatch.delenv("KIOSK_ENV", raising=False)
    cfg = CameraConfig(source="sim://still", fps=15, liveness=LivenessConfig(step_timeout=1.0))
    with open_camera(cfg) as cam:
        session = cam.liveness((Challenge.COME_CLOSER, Challenge.TURN_LEFT))
        progress = None
        for _ in range(200):
            frame = cam.latest(timeout=0.5)
            if frame is not None:
                progress = session.feed(frame.image, frame.t)
            if session.done:
                break
        assert progress.result is not None and not progress.result.passed
        assert progress.result.failed_step is Challenge.COME_CLOSER


def test_logs_hold_no_image_bytes_or_arrays(monkeypatch, caplog, astronaut) -> None:
    import logging

    import numpy as np

    from devices.camera import Challenge, LivenessConfig

    monkeypatch.delenv("KIOSK_ENV", raising=False)
    caplog.set_level(logging.DEBUG, logger="devices.camera")
    cam = open_camera(CameraConfig(source="sim://still", liveness=LivenessConfig(step_timeout=0.2)))
    s = cam.liveness((Challenge.COME_CLOSER, Challenge.TURN_LEFT))
    t = 0.0
    while not s.done:
        p = s.feed(cam.source.person.frame_at(t), t)
        t += 0.1
    cam.match(p.result.best_frame_jpeg, astronaut)
    assert caplog.records, "the liveness outcome is logged"
    for rec in caplog.records:
        assert not any(isinstance(a, (bytes, bytearray, np.ndarray)) for a in (rec.args or ()))
        assert len(rec.getMessage()) < 200


def test_a_simulated_camera_loads_nothing_more_once_opened() -> None:
    """The grabber's thread must not load a C extension (it would hold the GIL while waiting
    for the dynamic loader's lock, which the window's QML loader thread may hold: a deadlock at
    start). Everything the simulator's frames need is loaded when the source is made."""
    code = (
        "import sys\n"
        "from devices.camera.simulator import SimMode, SimulatedPerson, SimulatorSource\n"
        "source = SimulatorSource(SimulatedPerson('live'), fps=1000)\n"
        "before = set(sys.modules)\n"
        "for mode in SimMode:\n"
        "    if mode is not SimMode.SHOWING:\n"
        "        source.person.mode = mode\n"
        "        source.read()\n"
        "print(sorted(set(sys.modules) - before))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
