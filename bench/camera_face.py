"""Benchmark: the face pipeline on 640x480 frames, on one core, against the camera's 30 fps.

Four measurements, on the camera simulator's frames (the astronaut's face placed and moved as a
person would, sensor noise on every frame):

- ``face_fps``: detection plus every quality check on frames with a face (the detector looks
  for the face where it last was, with a full search every sixth frame: ``tracking.py``);
- ``empty_fps``: the same with nobody in front of the camera (the detector's worst case, which
  the motion gate makes cheap), over frames that differ by sensor noise as a real camera's do;
- ``step_in_ms``: when a person steps in front of an empty scene, the time from the frame that
  shows them to the frame the face is found on, frames at 30 fps;
- ``liveness_s``: seconds of 30 fps video a cooperative person needs before the decision.

The peer, printed alongside, is what anyone would write first: ``detectMultiScale`` with
OpenCV's defaults on the full grey frame.

Run: ``python bench/camera_face.py [--frames N]``
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402

from bench.result import Result, emit, median  # noqa: E402
from devices.camera.detector import make_detector  # noqa: E402
from devices.camera.liveness import Challenge, LivenessSession  # noqa: E402
from devices.camera.quality import assess  # noqa: E402
from devices.camera.simulator import SimulatedPerson  # noqa: E402

FPS = 30.0


def _fps(frames: list, rounds: int = 5) -> float:
    detector = make_detector()
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for f in frames:
            assess(f, detector.detect(f))
        rates.append(len(frames) / (time.perf_counter() - start))
    return median(rates)


def _peer_ms(frame) -> float:
    clf = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    times = []
    for _ in range(15):
        start = time.perf_counter()
        clf.detectMultiScale(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
        times.append(time.perf_counter() - start)
    return median(times) * 1e3


def _step_in_ms(trials: int = 9) -> float:
    """A person appears at a random moment of an empty scene; time until the face is found."""
    nobody, person = SimulatedPerson("absent"), SimulatedPerson("live")
    delays = []
    for trial in range(trials):
        detector = make_detector()
        for i in range(10 + trial):                      # the empty hall, a while
            detector.detect(nobody.frame_at(i / FPS))
        shown_at = (10 + trial) / FPS
        for k in range(30):
            t = shown_at + k / FPS
            start = time.perf_counter()
            found = detector.detect(person.frame_at(t))
            cost = time.perf_counter() - start
            if found:
                delays.append((k / FPS + cost) * 1e3)
                break
        else:
            delays.append(float("inf"))
    return median(delays)


def _liveness_s(trials: int = 5) -> float:
    detector = make_detector()
    seconds = []
    for seed in range(trials):
        person = SimulatedPerson("live", seed=seed)
        session = LivenessSession(detector, (Challenge.COME_CLOSER, Challenge.TURN_LEFT,
                                             Challenge.BLINK))
        t = 0.0
        while t < 30:
            progress = session.feed(person.frame_at(t), t)
            person.respond(progress.challenge, t)
            if progress.result is not None:
                seconds.append(t if progress.result.passed else float("inf"))
                break
            t = round(t + 1 / FPS, 4)
    return median(seconds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=60)
    args = ap.parse_args(argv)
    cv2.setNumThreads(1)                                  # one core, as the issue asks
    person, nobody = SimulatedPerson("live"), SimulatedPerson("absent")
    with_face = [person.frame_at(i / FPS) for i in range(args.frames)]
    empty = [nobody.frame_at(i / FPS) for i in range(args.frames)]
    face_fps, empty_fps = _fps(with_face), _fps(empty)
    step_in, liveness = _step_in_ms(), _liveness_s()
    print(f"640x480, one core, {args.frames} frames a round")
    print(f"  with a face:   {face_fps:6.1f} fps   (peer detectMultiScale: "
          f"{_peer_ms(with_face[0]):.1f} ms a frame)")
    print(f"  nobody there:  {empty_fps:6.1f} fps   (peer: {_peer_ms(empty[0]):.1f} ms a frame)")
    print(f"  person steps in: found {step_in:.0f} ms after the first frame that shows them")
    print(f"  liveness decision after {liveness:.2f} s of video (cooperative person)")
    emit(Result("face_pipeline_with_face", face_fps, "fps", target=30, better="higher"),
         Result("face_pipeline_no_face", empty_fps, "fps", target=30, better="higher"),
         Result("face_found_after_step_in", step_in, "ms", target=100),
         Result("liveness_decision", liveness, "s", target=3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
