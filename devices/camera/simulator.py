"""A simulated person in front of the camera, made from a real photograph.

The face of ``skimage.data.astronaut()`` (a public-domain NASA portrait) is placed on a 640x480
frame and moved over time to answer a liveness challenge: a "turn" slides the face sideways and
narrows it a little (a 2-D stand-in for a head turn), "come closer" grows it, a blink paints skin
over the eyes for 0.2 s. Modes:

- ``live``: follows whatever challenge :meth:`SimulatedPerson.respond` was told.
- ``still``: the same photo held up: only sensor noise and a little hand jitter.
- ``moved_photo``: a photo slid sideways when asked to turn, but never closer and never blinking.
- ``absent``: an empty scene (no face).
- ``showing``: a picture held up to the camera (``hold(image)``, or ``show <png>`` on the control
  channel), e.g. a receipt's QR code: scaled as a hand holds a page about 20 cm away, moved
  slowly up and down so every part of a long receipt passes the lens, a little tilted, with
  sensor noise.

Frames are a pure function of time (``frame_at(t)``), so tests run challenges in virtual time
without sleeping. ``SimulatorSource`` plays it in wall-clock time for the grabber. This module is
for development and tests only (``open_camera`` refuses it in production) and reads
scikit-image's sample pictures (its installed package data). Run
``python -m devices.camera.simulator --out DIR`` to write frames as PNG.
"""
from __future__ import annotations

import argparse
import enum
import importlib.util
import math
import threading
import time
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import numpy.random  # noqa: F401 - numpy loads it on first use: on the grabber's thread (below)

from devices.simcontrol import ControlServer

from .liveness import Challenge

# Face box of the astronaut photo as found by the frontal Haar cascade, and her eyes inside it
# (measured once with the cascades; the simulator only needs them roughly right).
_FACE = (177, 67, 93, 93)
_EYES = ((11, 19, 29, 29), (56, 22, 28, 28))

FRAME_W, FRAME_H = 640, 480
NEUTRAL_FACE_W = 160.0  # 25% of the frame width


class SimMode(enum.Enum):
    LIVE = "live"
    STILL = "still"
    MOVED_PHOTO = "moved_photo"
    ABSENT = "absent"
    SHOWING = "showing"


def _sample_picture(name: str) -> np.ndarray:
    """One of the pictures scikit-image ships (``skimage.data``), read from its package folder
    with OpenCV (BGR, the same pixels as ``skimage.data``'s RGB): importing scikit-image's
    reader would load SciPy, some 200 ms of every simulated kiosk's start."""
    spec = importlib.util.find_spec("skimage")     # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the camera simulator needs scikit-image (pip install scikit-image)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise RuntimeError(f"scikit-image's sample picture {name} is missing from {path.parent}")
    return img


@lru_cache(maxsize=2)
def _photo(blink: bool) -> np.ndarray:
    img = _sample_picture("astronaut.png")
    if blink:
        img = img.copy()
        fx, fy, _, fh = _FACE
        for ex, ey, ew, eh in _EYES:
            # Closed lids look like the skin just below the eye: copy the cheek up over the eye.
            x0, y0 = fx + ex, fy + ey + 4
            cheek = img[y0 + eh - 2: y0 + 2 * eh - 6, x0: x0 + ew]
            img[y0: y0 + cheek.shape[0], x0: x0 + ew] = cheek
            img[y0: y0 + eh - 8, x0: x0 + ew] = cv2.GaussianBlur(img[y0: y0 + eh - 8, x0: x0 + ew], (5, 5), 0)
            # the line of the lashes of a closed lid
            cv2.ellipse(img, (x0 + ew // 2, y0 + eh // 2 - 4), (ew // 2 - 3, 3), 0, 0, 180, (60, 60, 80), 1,
                        cv2.LINE_AA)
    return img


@lru_cache(maxsize=1)
def _empty_scene() -> np.ndarray:
    return cv2.resize(_sample_picture("coffee.png"), (FRAME_W, FRAME_H))


HOLD_WIDTH = 0.85       # a held page fills this much of the frame's width
HOLD_PERIOD_S = 6.0     # one slow pass down a long page and back
HOLD_TILT_DEG = 3.0


def held(picture: np.ndarray, t: float, seed: int = 0) -> np.ndarray:
    """The frame at ``t`` of ``picture`` held up to the camera (see the module docstring)."""
    h, w = picture.shape[:2]
    scale = FRAME_W * HOLD_WIDTH / w
    if h * scale < FRAME_H * 0.9:             # a small picture: it fits, held still
        scale = min(scale, FRAME_H * 0.9 / h)
    phase = (t % HOLD_PERIOD_S) / HOLD_PERIOD_S
    travel = max(0.0, h * scale - FRAME_H * 0.8)
    offset = travel * (2 * phase if phase < 0.5 else 2 - 2 * phase)     # down, then back up
    angle = HOLD_TILT_DEG * math.sin(2 * math.pi * phase)
    c, sn = math.cos(math.radians(angle)) * scale, math.sin(math.radians(angle)) * scale
    m = np.array([[c, -sn, 0.0], [sn, c, 0.0]])
    cx, cy = w / 2, (FRAME_H * 0.4 + offset) / scale if travel else h / 2
    m[:, 2] = [FRAME_W / 2, FRAME_H / 2] - m[:, :2] @ [cx, cy]
    out = cv2.warpAffine(picture, m, (FRAME_W, FRAME_H), flags=cv2.INTER_AREA,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(70, 80, 90))
    noise = _noise_bank()[seed % len(_noise_bank())]
    return np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def render(dx: float = 0.0, scale: float = 1.0, squeeze: float = 1.0, angle: float = 0.0,
           blink: bool = False, noise: float = 2.0, seed: int = 0,
           face_width: float = NEUTRAL_FACE_W) -> np.ndarray:
    """One 640x480 BGR frame with the face centred, then moved.

    Args:
        dx: horizontal shift of the face centre, in neutral face widths (+ = image right).
        scale: face size relative to ``face_width``.
        squeeze: horizontal compression of the face (a turned head looks narrower).
        angle: in-plane rotation in degrees (hand jitter).
        blink: eyes closed.
        noise: sensor noise standard deviation (grey levels).
        seed: noise seed, so frames are reproducible.
    """
    fx, fy, fw, fh = _FACE
    s = face_width / fw * scale
    cx, cy = fx + fw / 2, fy + fh / 2
    tx = FRAME_W / 2 + dx * face_width
    ty = FRAME_H / 2
    a = math.radians(angle)
    # source -> frame: translate face centre to origin, squeeze x, rotate+scale, move to (tx, ty).
    c, sn = math.cos(a) * s, math.sin(a) * s
    m = np.array([[c * squeeze, -sn, 0.0], [sn * squeeze, c, 0.0]])
    m[:, 2] = [tx, ty] - m[:, :2] @ [cx, cy]
    out = cv2.warpAffine(_photo(blink), m, (FRAME_W, FRAME_H), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 100, 110))
    if noise > 0:
        bank = _noise_bank()
        n = bank[seed % len(bank)]
        # shift the noise by the seed too, so frames never repeat exactly (a frozen driver would)
        n = np.roll(n, (seed // len(bank)) % FRAME_W, axis=1)
        out = cv2.add(out.astype(np.int16), (n * (noise / 2.0)).astype(np.int16), dtype=cv2.CV_16S)
        out = np.clip(out, 0, 255).astype(np.uint8)
    return out


@lru_cache(maxsize=1)
def _noise_bank() -> tuple[np.ndarray, ...]:
    """A few frames of unit-2 Gaussian sensor noise, drawn once (drawing per frame is slow)."""
    rng = np.random.default_rng(2024)
    return tuple(rng.normal(0, 2.0, (FRAME_H, FRAME_W, 3)).astype(np.float32) for _ in range(8))


class SimulatedPerson:
    """A person (or a photo) in front of the camera, as a function of time.

    Args:
        mode: see the module docstring.
        reaction: seconds between being asked and starting to move.
        seed: makes noise and jitter reproducible.
    """

    MOVE_TIME = 0.6   # seconds to complete a movement
    BLINK_TIME = 0.2

    def __init__(self, mode: SimMode | str = SimMode.LIVE, reaction: float = 0.4, seed: int = 0) -> None:
        self.mode = SimMode(mode)
        self.reaction = reaction
        self.seed = seed
        self._lock = threading.Lock()
        self._action: Challenge | None = None
        self._since = 0.0
        self._picture: np.ndarray | None = None

    def hold(self, picture: np.ndarray) -> None:
        """Hold ``picture`` (BGR) up to the camera until the mode changes."""
        with self._lock:
            self._picture = picture
        self.mode = SimMode.SHOWING

    def respond(self, challenge: Challenge | None, t: float) -> None:
        """Hear the prompt ``challenge`` at time ``t`` (None: back to looking straight)."""
        with self._lock:
            if challenge != self._action:
                self._action, self._since = challenge, t

    def pose(self, t: float) -> dict[str, float | bool]:
        """Render arguments for time ``t`` (exposed for tests and the dev dock)."""
        with self._lock:
            action, since = self._action, self._since
        rng = np.random.default_rng((self.seed, int(t * 1000)))
        jitter = dict(dx=float(rng.normal(0, 0.01)), angle=float(rng.normal(0, 0.5)))
        if self.mode in (SimMode.STILL, SimMode.ABSENT) or action is None:
            return jitter
        k = min(1.0, max(0.0, (t - since - self.reaction) / self.MOVE_TIME))
        if action in (Challenge.TURN_LEFT, Challenge.TURN_RIGHT):
            # The person's left is the camera image's right (the raw frame is not mirrored).
            sign = 1.0 if action is Challenge.TURN_LEFT else -1.0
            pose = dict(jitter, dx=jitter["dx"] + sign * 0.45 * k)
            if self.mode is SimMode.LIVE:
                pose["squeeze"] = 1.0 - 0.15 * k
            return pose
        if self.mode is SimMode.LIVE and action is Challenge.COME_CLOSER:
            return dict(jitter, scale=1.0 + 0.5 * k)
        if self.mode is SimMode.LIVE and action is Challenge.BLINK:
            start = since + self.reaction
            return dict(jitter, blink=start <= t < start + self.BLINK_TIME)
        return jitter

    def frame_at(self, t: float) -> np.ndarray:
        """The camera frame at time ``t`` seconds."""
        seed = (self.seed * 1_000_003 + int(t * 1000)) & 0x7FFFFFFF
        picture = self._picture
        if self.mode is SimMode.SHOWING and picture is not None:
            return held(picture, t, seed)
        if self.mode is SimMode.ABSENT or self.mode is SimMode.SHOWING:
            bank = _noise_bank()
            img = _empty_scene().astype(np.float32) + bank[seed % len(bank)]
            return np.clip(img, 0, 255).astype(np.uint8)
        return render(**self.pose(t), seed=seed)  # type: ignore[arg-type]


class SimulatorSource:
    """A frame source that plays a :class:`SimulatedPerson` in wall-clock time.

    Args:
        person: who is in front of the camera.
        fps: frames per second delivered by :meth:`read` (it sleeps to keep the pace).
    """

    def __init__(self, person: SimulatedPerson, fps: float = 15.0) -> None:
        self.person = person
        self.fps = fps
        # The pictures are made here, on the thread that opens the camera, not on the grabber's
        # on its first frame: a thread that loads a C extension (OpenCV's codecs, once SciPy's
        # through scikit-image) holds the GIL while it waits for the dynamic loader's lock, and
        # the window's QML loader thread takes that lock to load a plugin whose start-up log
        # line needs the GIL (a deadlock at start, seen about one start in three).
        _photo(False), _photo(True), _empty_scene()
        self._t0 = time.monotonic()
        self._next = self._t0
        self.is_open = True
        self._control: ControlServer | None = None

    def open_control(self, port: int = 0) -> str:
        """Listen for ``mode <live|still|moved_photo|absent>``, ``show <png>`` and ``status`` on
        a loopback control channel (``devices.simcontrol``): who stands in front of the camera
        now, or what they hold up to it."""
        if self._control is None:
            self._control = ControlServer(self._command, port, "camera-sim")
        return self._control.url

    def _command(self, line: str) -> str:
        verb, _, arg = line.partition(" ")
        if verb == "mode":
            try:
                mode = SimMode(arg.strip())
            except ValueError:
                mode = None
            if mode is None or mode is SimMode.SHOWING:
                return (f"error unknown mode {arg.strip()!r}; known: live, still, moved_photo, "
                        "absent (show <png> holds a picture up)")
            self.person.mode = mode
        elif verb == "show":
            picture = cv2.imread(arg.strip(), cv2.IMREAD_COLOR) if arg.strip() else None
            if picture is None or picture.shape[0] < 8 or picture.shape[1] < 8:
                return f"error cannot read a picture from {arg.strip()!r}"
            self.person.hold(picture)
        elif verb != "status":
            return "error commands: mode <live|still|moved_photo|absent>, show <png>, status"
        return f"ok mode={self.person.mode.value}"

    def now(self) -> float:
        return time.monotonic() - self._t0

    def show_prompt(self, challenge: Challenge | None) -> None:
        """The person reads the kiosk's current instruction (called by the liveness session)."""
        self.person.respond(challenge, self.now())

    def read(self) -> np.ndarray | None:
        if not self.is_open:
            return None
        delay = self._next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next = max(self._next + 1.0 / self.fps, time.monotonic())
        return self.person.frame_at(self.now())

    def close(self) -> None:
        self.is_open = False
        if self._control is not None:
            self._control.close()
            self._control = None


def main(argv: list[str] | None = None) -> int:
    """Write a few simulator frames as PNG: ``python -m devices.camera.simulator --out DIR``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path, help="folder to write PNG frames into")
    ap.add_argument("--mode", default="live", choices=[m.value for m in SimMode])
    ap.add_argument("--challenge", default="turn_left",
                    choices=[c.value for c in Challenge], help="what the person is asked to do")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--fps", type=float, default=8.0)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    person = SimulatedPerson(args.mode)
    person.respond(Challenge(args.challenge), 0.0)
    for i in range(args.frames):
        path = args.out / f"frame_{i:03d}.png"
        cv2.imwrite(str(path), person.frame_at(i / args.fps))
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
