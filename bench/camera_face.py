"""Benchmark: the per-frame quality-check pipeline vs a bare Haar detectMultiScale.

Both run on the same 640x480 frame (the astronaut's face, placed by the camera simulator). The
peer is what anyone would write first: ``CascadeClassifier.detectMultiScale`` on the full-size
grey frame with OpenCV's defaults. Our pipeline validates the frame, downscales, equalises,
detects and runs every quality check (brightness, centring, size, Laplacian sharpness).
Prints the median of per-round ratios (pipeline / peer): below 1.0 means the full check costs
less than the bare detector at full size. Measured twice: on a face frame, and on an empty scene
(the pipeline's worst case, where it adds a finer second pass looking for far faces).

Run: ``python bench/camera_face.py [--rounds N]``
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402

from devices.camera.detector import HaarDetector  # noqa: E402
from devices.camera.quality import assess  # noqa: E402
from devices.camera.simulator import SimulatedPerson, render  # noqa: E402


def _time(fn, reps: int) -> float:
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()

    frame = render()  # 640x480 BGR
    assert frame.shape == (480, 640, 3)
    peer_clf = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    detector = HaarDetector()

    def peer() -> int:
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return len(peer_clf.detectMultiScale(gray))

    def pipeline() -> bool:
        return assess(frame, detector.detect(frame)).ok

    assert peer() >= 1 and pipeline(), "both must see the face, or the comparison means nothing"
    _report("face frame", pipeline, peer, args.rounds, args.reps)
    # With no face found, the pipeline runs a second, finer pass (far faces): its worst case.
    frame = SimulatedPerson("absent").frame_at(0.0)
    assert peer() == 0 and not pipeline()
    _report("no-face frame", pipeline, peer, args.rounds, args.reps)
    return 0


def _report(name: str, pipeline, peer, rounds: int, reps: int) -> None:
    ratios, ours, theirs = [], [], []
    for _ in range(rounds):
        a = _time(pipeline, reps)
        b = _time(peer, reps)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    print(f"{name}, 640x480, {rounds} rounds x {reps} reps")
    print(f"  quality pipeline      median {statistics.median(ours) * 1e3:7.2f} ms/frame")
    print(f"  bare detectMultiScale median {statistics.median(theirs) * 1e3:7.2f} ms/frame (peer)")
    print(f"  median ratio pipeline/peer = {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
