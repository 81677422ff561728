"""The grabber thread, the frame sources and the camera's status, with real OpenCV I/O."""
from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from devices.camera.grabber import CameraStatus, Grabber
from devices.camera.simulator import SimulatedPerson, SimulatorSource
from devices.camera.sources import CaptureSource, FolderSource


class CountingSource:
    """Real frames as fast as asked, each stamped with its number (a camera outrunning the UI)."""

    def __init__(self, period: float = 0.0, limit: int | None = None, same: bool = False) -> None:
        self.period, self.limit, self.same = period, limit, same
        self.n = 0
        self.is_open = True

    def read(self):
        if self.limit is not None and self.n >= self.limit:
            self.is_open = False
            return None
        time.sleep(self.period)
        self.n += 1
        img = np.full((48, 64, 3), 0 if self.same else self.n % 256, np.uint8)
        return img

    def close(self) -> None:
        self.is_open = False


def wait_until(cond, timeout: float = 3.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_slow_consumer_gets_the_newest_frames_and_old_ones_are_counted_as_dropped() -> None:
    g = Grabber(CountingSource(period=0.001), buffer_size=3)
    g.start()
    try:
        seqs = []
        for _ in range(5):
            time.sleep(0.05)  # a slow consumer
            f = g.get(timeout=1.0)
            assert f is not None
            seqs.append(f.seq)
            s = g.stats()
            assert s.buffered <= 3
        assert seqs == sorted(seqs) and seqs[-1] - seqs[0] > 5  # it skipped ahead, never queued
    finally:
        assert g.stop(timeout=2.0)
    s = g.stats()
    assert s.dropped > 0
    assert s.grabbed == s.delivered + s.dropped + s.buffered
    assert s.buffered == 0  # stop clears the buffer: no frame outlives the camera's use


def test_buffer_is_bounded_when_nobody_reads() -> None:
    g = Grabber(CountingSource(), buffer_size=2)
    g.start()
    assert wait_until(lambda: g.stats().grabbed > 200)
    s = g.stats()
    assert s.buffered <= 2 and s.dropped >= s.grabbed - 2 - 1
    assert g.stop()


def test_stop_is_clean_and_idempotent_and_closes_the_source() -> None:
    src = CountingSource(period=0.01)
    g = Grabber(src)
    g.start()
    assert wait_until(lambda: g.stats().grabbed > 0)
    before = threading.active_count()
    assert g.stop(timeout=1.0)
    assert not g.running and not src.is_open
    assert threading.active_count() <= before
    assert g.stop(timeout=0.1)
    assert g.status() is CameraStatus.STOPPED
    assert g.get(timeout=0.05) is None


def test_identical_frames_are_reported_frozen() -> None:
    g = Grabber(CountingSource(period=0.005, same=True), frozen_after=0.2)
    g.start()
    try:
        assert wait_until(lambda: g.status() is CameraStatus.FROZEN)
    finally:
        g.stop()


def test_source_that_ends_after_frames_is_disconnected() -> None:
    g = Grabber(CountingSource(limit=5), frozen_after=0.2)
    g.start()
    try:
        assert wait_until(lambda: g.status() is CameraStatus.DISCONNECTED)
        assert g.stats().grabbed == 5
    finally:
        g.stop()


def test_unusable_frames_are_counted_not_delivered() -> None:
    class Bad(CountingSource):
        def read(self):
            super().read()
            return np.zeros((48, 64, 4), np.uint8) if self.n % 2 else np.zeros((48, 64), np.float32)

    g = Grabber(Bad(period=0.002))
    g.start()
    try:
        assert wait_until(lambda: g.stats().bad_frames > 5)
        assert g.get(timeout=0.05) is None
        assert g.status() in (CameraStatus.STARTING, CameraStatus.NO_FRAMES)
    finally:
        g.stop()


def test_missing_camera_is_no_camera() -> None:
    src = CaptureSource("/dev/video97")
    assert not src.is_open
    g = Grabber(src, reopen_interval=0.05)
    g.start()
    try:
        time.sleep(0.1)
        assert g.status() is CameraStatus.NO_CAMERA
    finally:
        assert g.stop()


def test_video_file_is_read_and_looped(tmp_path) -> None:
    path = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 240))
    assert w.isOpened()
    person = SimulatedPerson("live")
    for i in range(4):
        w.write(cv2.resize(person.frame_at(i / 10), (320, 240)))
    w.release()
    src = CaptureSource(str(path), loop=True)
    frames = [src.read() for _ in range(10)]
    assert all(f is not None and f.shape == (240, 320, 3) for f in frames)
    src.close()
    once = CaptureSource(str(path), loop=False)
    got = [once.read() for _ in range(6)]
    assert sum(f is not None for f in got) == 4 and got[-1] is None


def test_folder_source_plays_images_in_order_and_skips_unreadable(tmp_path, astronaut) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), astronaut)
    (tmp_path / "b.jpg").write_bytes(b"not really a jpeg")
    cv2.imwrite(str(tmp_path / "c.png"), astronaut[:100, :100])
    (tmp_path / "notes.txt").write_text("ignored")
    src = FolderSource(tmp_path, fps=None, loop=True)
    shapes = [src.read().shape for _ in range(3)]
    assert shapes == [(512, 512, 3), (100, 100, 3), (512, 512, 3)]
    assert src.bad_files >= 1
    assert not FolderSource(tmp_path / "empty", fps=None).is_open
    (tmp_path / "empty").mkdir()
    assert FolderSource(tmp_path / "empty", fps=None).read() is None


def test_simulator_source_through_the_grabber_is_ready(detector) -> None:
    g = Grabber(SimulatorSource(SimulatedPerson("still"), fps=30), frozen_after=1.0)
    g.start()
    try:
        f = g.get(timeout=2.0)
        assert f is not None and f.image.shape == (480, 640, 3)
        assert len(detector.detect(f.image)) == 1
        assert wait_until(lambda: g.status() is CameraStatus.READY)
    finally:
        assert g.stop()


def test_buffer_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Grabber(CountingSource(), buffer_size=0)
