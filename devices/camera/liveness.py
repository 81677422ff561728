"""The liveness challenge: a sans-I/O state machine fed frames, answering progress and prompts.

``LivenessSession.feed(frame, t)`` takes one frame and its time in seconds and returns a
:class:`LivenessProgress` (what to show the citizen now) and, at the end, a
:class:`LivenessResult`. No clock, no camera, no threads: the caller supplies both.

How it works. Before each step the person must present one well-placed, sharp, frontal face
(the capture-quality checks), steady for ``hold_frames`` frames; that face fixes the step's
baseline. A step then passes when:

- ``turn_left`` / ``turn_right``: the face centre travels at least ``turn_fraction`` of a face
  width in the asked direction while its size stays within ``turn_max_scale``, held for
  ``hold_frames`` frames. The person's left is the raw (unmirrored) image's right.
- ``come_closer``: the face grows by ``closer_scale`` without jumping sideways.
- ``blink``: both eyes seen open, then neither (for at most ``blink_max_closed`` s) while the face
  stays put, then both open again.

Each step has ``step_timeout`` seconds. A person who leaves the frame during a step for
``face_lost_after`` seconds is told no face is seen (and a step that times out so fails with
``NO_FACE``, not as an undone movement). The best frame (the sharpest frame that passed every
quality check) is kept as one image while running and handed over as JPEG bytes in the result;
no other frame or measurement of the video survives the result.

What Haar-only liveness can and cannot resist (honestly):

- It stops a still photo held up (no movement, no blink -> timeout) and an absent person.
- A photo slid sideways passes a *turn* step alone: Haar gives a box, not a head pose, so a
  turn is seen only as sideways travel. That is why every drawn challenge contains
  ``come_closer`` *and* a turn, and blink when eyes can be seen: a photo must then be slid
  *and* brought closer in the asked order within the timeouts, and cannot blink.
- It does not stop a determined attacker: a photo moved toward the camera and sideways on cue,
  a photo with cut-out eyes, or a video replay on a phone all pass. Real presentation-attack
  detection needs depth/IR hardware or a trained anti-spoofing model; none is claimed here.
"""
from __future__ import annotations

import enum
import logging
import random
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .config import LivenessConfig, QualityConfig
from .detector import Face, FaceDetector
from .frames import as_bgr, encode_jpeg
from .quality import QualityIssue, assess

log = logging.getLogger(__name__)


class Challenge(enum.Enum):
    """One thing the person is asked to do; ``prompt`` is the Chinese instruction."""

    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    COME_CLOSER = "come_closer"
    BLINK = "blink"

    @property
    def prompt(self) -> str:
        return _PROMPTS[self]


_PROMPTS = {
    Challenge.TURN_LEFT: "请慢慢向左转头",
    Challenge.TURN_RIGHT: "请慢慢向右转头",
    Challenge.COME_CLOSER: "请把脸慢慢靠近屏幕",
    Challenge.BLINK: "请眨一下眼睛",
}


class LivenessState(enum.Enum):
    SETTLING = "settling"      # waiting for one good frontal face before the next step
    CHALLENGE = "challenge"    # a step is running
    PASSED = "passed"
    FAILED = "failed"


class LivenessFailure(enum.Enum):
    """Why a challenge failed; ``prompt`` tells the citizen what to do next."""

    NO_FACE = ("no_face", "没有检测到人脸。请正对摄像头后重试，或请工作人员帮助")
    POOR_CAPTURE = ("poor_capture", "没能拍到清晰的正面照片。请站在画面中间、保持不动后重试")
    TIMED_OUT = ("timed_out", "没有完成提示的动作。请按提示重试，或请工作人员帮助")

    def __init__(self, code: str, prompt: str) -> None:
        self.code = code
        self.prompt = prompt


@dataclass(frozen=True)
class LivenessResult:
    """The outcome, and all that is kept of the video.

    Attributes:
        passed: every step was done in time.
        failure: why not, when not passed.
        failed_step: the step that timed out, if any.
        checks_passed: the steps done, in order.
        best_frame_jpeg: the sharpest frame that passed every quality check, or None.
    """

    passed: bool
    failure: LivenessFailure | None
    failed_step: Challenge | None
    checks_passed: tuple[Challenge, ...]
    best_frame_jpeg: bytes | None


@dataclass(frozen=True)
class LivenessProgress:
    """What to show after one frame.

    Attributes:
        state: where the session is.
        step: index of the current step (== ``total`` when done).
        total: number of steps.
        challenge: the step being asked for now (None while settling or when done).
        prompt: Chinese text for the screen and the voice.
        issue: the quality problem behind the prompt while settling, if any.
        result: set once, when the session ends.
    """

    state: LivenessState
    step: int
    total: int
    challenge: Challenge | None
    prompt: str
    issue: QualityIssue | None = None
    result: LivenessResult | None = None


def draw_challenges(rng: random.Random, steps: int = 3, include_blink: bool = True) -> tuple[Challenge, ...]:
    """A random challenge that always needs both a scale change and a turn (see module doc).

    Raises:
        ValueError: ``steps`` < 2.
    """
    if steps < 2:
        raise ValueError("a liveness challenge needs at least 2 steps (come closer and a turn)")
    turn = rng.choice([Challenge.TURN_LEFT, Challenge.TURN_RIGHT])
    other = Challenge.TURN_RIGHT if turn is Challenge.TURN_LEFT else Challenge.TURN_LEFT
    chosen = [Challenge.COME_CLOSER, turn]
    extra = [Challenge.BLINK, other] if include_blink else [other, Challenge.COME_CLOSER, turn]
    while len(chosen) < steps:
        chosen.append(extra[(len(chosen) - 2) % len(extra)])
    rng.shuffle(chosen)
    return tuple(chosen)


_SETTLE_PROMPT = "请正对摄像头，保持不动"


class LivenessSession:
    """One liveness challenge, fed frame by frame.

    Args:
        detector: finds faces (and eyes, for blink).
        challenges: the steps; drawn with :func:`draw_challenges` when None. Blink is left out
            when the detector cannot see eyes.
        config / quality: thresholds.
        rng: randomness for drawing the steps.
        on_prompt: called with the step being asked (None between steps) whenever it changes;
            the simulator uses it to "read the screen". Real cameras need none.
    """

    def __init__(self, detector: FaceDetector, challenges: Sequence[Challenge] | None = None,
                 config: LivenessConfig | None = None, quality: QualityConfig | None = None,
                 rng: random.Random | None = None,
                 on_prompt: Callable[[Challenge | None], None] | None = None) -> None:
        self.cfg = config or LivenessConfig()
        self._on_prompt = on_prompt
        self._prompted: Challenge | None = None
        self.qcfg = quality or QualityConfig()
        self.detector = detector
        can_blink = bool(getattr(detector, "can_see_eyes", True)) and self.cfg.include_blink
        if challenges is None:
            challenges = draw_challenges(rng or random.SystemRandom(), self.cfg.steps, can_blink)
        if not challenges:
            raise ValueError("no challenge steps given")
        self.challenges: tuple[Challenge, ...] = tuple(Challenge(c) for c in challenges)
        self._step = 0
        self._state = LivenessState.SETTLING
        self._phase_start: float | None = None
        self._last_t: float | None = None
        self._seen_face = False
        self._baseline: Face | None = None
        self._tracked: Face | None = None
        self._settle_face: Face | None = None  # the last good face while settling
        self._settle_run = 0                  # good frames in a row at the same place and size
        self._held = 0
        self._faceless_since: float | None = None  # during a step: first frame with no face
        self._open_before = 0             # blink: frames with eyes open before the closure
        self._open_after = 0              # ... and after it
        self._closed_at: float | None = None
        self._best: np.ndarray | None = None
        self._best_score = -1.0
        self._final: LivenessProgress | None = None

    # -- public -----------------------------------------------------------------------------
    def feed(self, frame: np.ndarray, t: float) -> LivenessProgress:
        """Process one frame taken at ``t`` seconds (any origin, non-decreasing).

        Raises:
            FrameError: ``frame`` is not a usable image.
            ValueError: ``t`` went backwards.
        """
        if self._final is not None:
            return self._final
        img = as_bgr(frame)
        if self._last_t is not None and t < self._last_t:
            raise ValueError(f"frame time went backwards: {t} < {self._last_t}")
        self._last_t = t
        if self._phase_start is None:
            self._phase_start = t
        faces = self.detector.detect(img)
        self._seen_face = self._seen_face or bool(faces)
        if self._state is LivenessState.SETTLING:
            progress = self._settle(img, faces, t)
        else:
            progress = self._challenge(img, faces, t)
        # Once decided, nothing is asked any more: the person looks straight again.
        asked = None if progress.result is not None else progress.challenge
        if self._on_prompt is not None and asked is not self._prompted:
            self._prompted = asked
            self._on_prompt(asked)
        return progress

    @property
    def done(self) -> bool:
        return self._final is not None

    # -- phases ---------------------------------------------------------------------------
    def _settle(self, img: np.ndarray, faces: list[Face], t: float) -> LivenessProgress:
        report = assess(img, faces, self.qcfg)
        if report.ok and report.face is not None:
            self._keep_best(img, report.sharpness)
        if self._steady(report.face if report.ok else None):
            self._baseline = report.face
            self._tracked = self._settle_face = None
            self._settle_run = 0
            self._state = LivenessState.CHALLENGE
            self._phase_start = t
            self._held = 0
            self._faceless_since = None
            self._reset_blink()
            ch = self.challenges[self._step]
            return LivenessProgress(LivenessState.CHALLENGE, self._step, len(self.challenges), ch, ch.prompt)
        assert self._phase_start is not None
        if t - self._phase_start > self.cfg.settle_timeout:
            failure = LivenessFailure.POOR_CAPTURE if self._seen_face else LivenessFailure.NO_FACE
            return self._finish(failure, None)
        issue = report.issues[0] if report.issues else None
        return LivenessProgress(LivenessState.SETTLING, self._step, len(self.challenges), None,
                                issue.prompt if issue else _SETTLE_PROMPT, issue)

    def _challenge(self, img: np.ndarray, faces: list[Face], t: float) -> LivenessProgress:
        ch = self.challenges[self._step]
        assert self._phase_start is not None and self._baseline is not None
        face = self._track(faces)
        if face is not None and self._step_done(ch, img, face, t):
            self._step += 1
            log.info("liveness step %d/%d passed: %s", self._step, len(self.challenges), ch.value)
            if self._step == len(self.challenges):
                return self._finish(None, None)
            self._state = LivenessState.SETTLING
            self._phase_start = t
            return LivenessProgress(LivenessState.SETTLING, self._step, len(self.challenges), None,
                                    "很好！请回到画面中间，正对摄像头")
        # A person who has stepped away is told so, not asked again to turn or blink; a
        # short gap is the detector losing a face mid-movement and changes nothing.
        if faces:
            self._faceless_since = None
        elif self._faceless_since is None:
            self._faceless_since = t
        lost = self._faceless_since is not None and t - self._faceless_since >= self.cfg.face_lost_after
        if t - self._phase_start > self.cfg.step_timeout:
            return self._finish(LivenessFailure.NO_FACE if lost else LivenessFailure.TIMED_OUT, ch)
        prompt, issue = ch.prompt, None
        if lost:
            prompt, issue = QualityIssue.NO_FACE.prompt, QualityIssue.NO_FACE
        elif face is None and len(faces) > 1:
            prompt = QualityIssue.MULTIPLE_FACES.prompt
        return LivenessProgress(LivenessState.CHALLENGE, self._step, len(self.challenges), ch, prompt, issue)

    def _steady(self, face: Face | None) -> bool:
        """True once ``hold_frames`` good frames in a row show the face at the same place and size.

        A single good frame is not enough for a baseline: just after a step the person is still
        moving back (and the camera may hand over a frame from before), and a baseline taken
        mid-movement would make the next step unreachable.
        """
        last = self._settle_face
        if face is None:
            self._settle_run, self._settle_face = 0, None
            return False
        if last is not None and 0.9 < face.w / last.w < 1.1 and abs(face.centre[0] - last.centre[0]) < 0.1 * last.w:
            self._settle_run += 1
        else:
            self._settle_run = 1
        self._settle_face = face
        return self._settle_run >= self.cfg.hold_frames

    # -- movement tests --------------------------------------------------------------------
    def _track(self, faces: list[Face]) -> Face | None:
        """The face that continues the one being followed, or None.

        During a step only one person was in the frame when the step began (the settle
        check), so a second detection far from the tracked face is a stray false positive
        (Haar fires on the rocket behind the astronaut, on posters, on patterned clothes) and is
        ignored rather than stalling the step. A jump of more than a face width, or a face of a
        very different size, is not followed.
        """
        last = self._tracked or self._baseline
        assert last is not None
        best, best_d = None, 1.0
        for f in faces:
            d = abs(f.centre[0] - last.centre[0]) / last.w + abs(f.centre[1] - last.centre[1]) / last.h
            if 0.6 < f.w / last.w < 1.7 and d < best_d:
                best, best_d = f, d
        if best is not None:
            self._tracked = best
        return best

    def _step_done(self, ch: Challenge, img: np.ndarray, face: Face, t: float) -> bool:
        base = self._baseline
        assert base is not None
        dx = (face.centre[0] - base.centre[0]) / base.w
        scale = face.w / base.w
        cfg = self.cfg
        if ch in (Challenge.TURN_LEFT, Challenge.TURN_RIGHT):
            sign = 1.0 if ch is Challenge.TURN_LEFT else -1.0
            moved = sign * dx >= cfg.turn_fraction and 1 / cfg.turn_max_scale <= scale <= cfg.turn_max_scale
            return self._hold(moved)
        if ch is Challenge.COME_CLOSER:
            return self._hold(scale >= cfg.closer_scale and abs(dx) < 0.5)
        return self._blink_step(img, face, dx, scale, t)

    def _hold(self, moved: bool) -> bool:
        self._held = self._held + 1 if moved else 0
        return self._held >= self.cfg.hold_frames

    def _blink_step(self, img: np.ndarray, face: Face, dx: float, scale: float, t: float) -> bool:
        """Eyes open for N frames, then closed (briefly), then open for N frames, face still.

        Any other order starts over, so detector flicker on a photo would have to produce that
        exact pattern, with the closure no longer than ``blink_max_closed``.
        """
        if abs(dx) > 0.15 or not 0.87 < scale < 1.15:
            self._reset_blink()  # a moving face blurs the eyes away: not a blink
            return False
        eyes = self.detector.eyes(img, face)
        if eyes is None or eyes == 1:
            return False  # cannot tell; counts neither for nor against
        n = self.cfg.blink_open_frames
        if eyes == 2:
            if self._closed_at is None:
                self._open_before += 1
            elif t - self._closed_at > self.cfg.blink_max_closed:
                self._reset_blink()
                self._open_before = 1  # eyes shut too long: a pause, not a blink
            else:
                self._open_after += 1
            return self._open_after >= n
        if self._closed_at is None:
            if self._open_before >= n:
                self._closed_at = t
            else:
                self._open_before = 0
        elif self._open_after:
            self._reset_blink()  # closed again after reopening: start over
        return False

    def _reset_blink(self) -> None:
        self._open_before = 0
        self._open_after = 0
        self._closed_at = None

    # -- ending ------------------------------------------------------------------------------
    def _keep_best(self, img: np.ndarray, score: float) -> None:
        if score > self._best_score:
            self._best_score = score
            self._best = img.copy()

    def _finish(self, failure: LivenessFailure | None, step: Challenge | None) -> LivenessProgress:
        jpeg = encode_jpeg(self._best) if self._best is not None else None
        self._best = None  # nothing of the video is kept past the result
        self._baseline = self._tracked = None
        result = LivenessResult(failure is None, failure, step, self.challenges[: self._step], jpeg)
        state = LivenessState.PASSED if failure is None else LivenessState.FAILED
        prompt = "活体检测通过，谢谢配合" if failure is None else failure.prompt
        log.info("liveness %s after %d/%d steps%s", state.value, self._step, len(self.challenges),
                 f" ({failure.code})" if failure else "")
        self._final = LivenessProgress(state, self._step, len(self.challenges), None, prompt, None, result)
        return self._final
