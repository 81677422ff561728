"""Reads a receipt's QR code from the camera, off the GUI thread, with OpenCV's QR detector.

``QrScan`` loops the camera's newest frames through ``cv2.QRCodeDetector`` until it is
cancelled or its time runs out, and hands each newly read text to ``on_text`` (the same text
again only after a pause, so a code held still is not reported every frame). What the text
means (an application number, or some other code) is the session's to decide. Its time limit
reads an injected clock. No Qt.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import cv2

REPEAT_AFTER_S = 3.0
NO_CODE = "没有读到二维码。请把回执上的二维码正对摄像头，或返回上一步输入申请编号"


class QrScan:
    def __init__(self, camera: Any, on_text: Callable[[str], None],
                 on_notice: Callable[[str], None], *, time_limit_s: float = 90.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._camera = camera
        self._on_text = on_text
        self._on_notice = on_notice
        self._limit = time_limit_s
        self._clock = clock
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> QrScan:
        self._thread = threading.Thread(target=self._run, name="qr-scan", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=3)

    def _run(self) -> None:
        detector = cv2.QRCodeDetector()
        started = self._clock()
        last, last_at = "", 0.0
        while not self._cancel.is_set():
            now = self._clock()
            if now - started > self._limit:
                self._on_notice(NO_CODE)
                return
            frame = self._camera.latest(0.5)
            if frame is None:
                continue
            try:
                text, _, _ = detector.detectAndDecode(frame.image)
            except cv2.error:
                continue            # a frame OpenCV cannot read: the next one may do
            if text and (text != last or now - last_at > REPEAT_AFTER_S):
                last, last_at = text, now
                self._on_text(text)
