"""Runs one liveness challenge on the camera, off the UI thread, and reports back.

The camera package does the vision; this only loops frames into a ``LivenessSession`` and hands
prompts and the result to callbacks (which the coordinator moves to the session's thread), and
each frame it reads to ``on_frame`` for the live preview (then ``None`` when it stops, so the
preview drops its last picture). It keeps no frame and writes none anywhere. Its time limit
reads an injected clock, so tests move time instead of waiting it out.

A check that fails while it could look at fewer than ``MIN_FPS`` frames a second (a machine too
busy, or a camera slowed by little light) says so, to the person and in the log, instead of
telling the person they did not do what was asked: at that rate a blink falls between frames.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

NO_FRAMES_LIMIT = 10   # consecutive empty reads before the camera counts as failed
# A blink closes the eyes for 100 to 400 ms: below 8 frames a second a short one is missed.
MIN_FPS = 8.0
TOO_SLOW = "本机画面太慢，没能看清您的动作。请再试一次；仍不行请按“呼叫工作人员”"

log = logging.getLogger(__name__)


class FaceCheck:
    def __init__(self, camera: Any, on_prompt: Callable[[str], None],
                 on_result: Callable[[bool, bytes | None, str], None], *,
                 challenges: Sequence[Any] | None = None, time_limit_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 on_frame: Callable[[Any], None] | None = None) -> None:
        self._camera = camera
        self._on_frame = on_frame or (lambda image: None)
        self._clock = clock
        self._challenges = challenges
        self._on_prompt = on_prompt
        self._on_result = on_result
        self._limit = time_limit_s
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="face-check", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=3)

    def run(self) -> None:
        """Run in the calling thread (scripted sessions and tests)."""
        self._run()

    def _run(self) -> None:
        try:
            self._check()
        finally:
            self._on_frame(None)          # the preview stops with the check, its picture gone

    def _check(self) -> None:
        live = self._camera.liveness(self._challenges)
        started, empty, last_prompt = self._clock(), 0, ""
        seen = _Rate()
        while not self._cancel.is_set():
            if self._clock() - started > self._limit:
                self._on_result(False, None, seen.failure("人脸核验超时，请正对摄像头再试一次"))
                return
            frame = self._camera.latest(0.5)
            if frame is None:
                empty += 1
                if empty >= NO_FRAMES_LIMIT:
                    self._on_result(False, None, "摄像头暂时无法使用，请按“呼叫工作人员”")
                    return
                continue
            empty = 0
            seen.frame(frame.t)
            self._on_frame(frame.image)
            progress = live.feed(frame.image, frame.t)
            if progress.prompt != last_prompt:
                last_prompt = progress.prompt
                self._on_prompt(progress.prompt)
            if progress.result is not None:
                r = progress.result
                self._on_result(r.passed, r.best_frame_jpeg,
                                "" if r.passed else seen.failure(progress.prompt))
                return


class _Rate:
    """How many frames a second the check looked at, in the camera's own time."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.last = 0.0
        self.frames = 0

    def frame(self, t: float) -> None:
        self.first = t if self.first is None else self.first
        self.last, self.frames = t, self.frames + 1

    def per_second(self) -> float | None:
        span = self.last - (self.first if self.first is not None else self.last)
        return (self.frames - 1) / span if self.frames > 1 and span > 0 else None

    def failure(self, message: str) -> str:
        """What a failed check tells the person: ``message``, unless the kiosk was too slow."""
        rate = self.per_second()
        if rate is None or rate >= MIN_FPS:
            return message
        log.warning("face check failed at %.1f frames a second, below %.0f: too few to see a "
                    "blink; the kiosk is too busy, or its camera too slow (little light lowers "
                    "a camera's frame rate)", rate, MIN_FPS)
        return TOO_SLOW
