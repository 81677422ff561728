"""The PINs of the people who work the kiosk: an Argon2id hash, and a lockout that grows.

Two PINs follow this one rule: the technicians' (``[diagnostics] pin_hash``, which opens the
diagnostics mode) and the hall staff's (``[help] staff_pin_hash``, which opens the staff
actions of 帮办). Each is stored only as an Argon2id hash (``argon2-cffi``; ``kiosk hash-pin``
makes one). ``PinGate.attempt(text)``:

- refuses at once, without checking, while a lockout runs (``reason="locked"``);
- counts every other wrong attempt (malformed input too: anything but the PIN is a failure);
- after ``max_failures`` failures locks out for ``base_lockout_s``, and doubles that with each
  further failure (at most a day, so the number stays finite);
- forgets the failures once the right PIN is entered;
- records every attempt in the audit log (``<role>-pin-accepted`` / ``<role>-pin-refused``:
  the reason, the failures and the lockout; never the PIN).

The clock is injected (monotonic seconds), so tests move time instead of waiting. The failure
count lives in memory, for the kiosk, not for a visit: restarting the kiosk resets it, which
needs its power or its shell, and so a technician's access anyway. Nothing here knows screens.
"""
from __future__ import annotations

import enum
import getpass
import logging
import math
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.audit import Audit, NullAudit

log = logging.getLogger(__name__)

PIN_SHAPE = re.compile(r"[0-9]{4,12}")
SHAPE_TEXT = "4到12位数字"
MAX_LOCKOUT_S = 86400.0


@dataclass(frozen=True)
class PinPolicy:
    """Whose PIN it is and how hard it locks."""

    role: str                   # the audit ids' prefix: "diagnostics", "staff"
    label: str                  # what the pad calls it: 维护密码, 工作人员密码
    unset: str                  # what the pad says when no hash is configured
    max_failures: int = 5
    base_lockout_s: float = 15.0

    def lockout_s(self, failures: int) -> float:
        """The lockout after ``failures`` wrong attempts in a row: none before the limit."""
        if failures < self.max_failures:
            return 0.0
        return min(MAX_LOCKOUT_S,
                   self.base_lockout_s * 2.0 ** min(failures - self.max_failures, 32))


TECHNICIAN = PinPolicy("diagnostics", "维护密码",
                       "本机未设置维护密码：请在配置 [diagnostics] pin_hash 中设置（kiosk hash-pin）")


def staff_policy(max_failures: int = 5, lockout_s: float = 30.0) -> PinPolicy:
    return PinPolicy("staff", "工作人员密码",
                     "本机未设置工作人员密码：请在配置 [help] staff_pin_hash 中设置（kiosk hash-pin）",
                     max_failures, lockout_s)


class PinRefusal(enum.Enum):
    WRONG = "wrong"
    MALFORMED = "malformed"      # not 4-12 digits
    LOCKED = "locked"            # a lockout is running: not even checked
    NO_PIN = "no_pin"            # no (usable) PIN hash is configured


@dataclass(frozen=True)
class PinResult:
    ok: bool
    refusal: PinRefusal | None = None
    failures: int = 0
    locked_for_s: float = 0.0
    policy: PinPolicy = TECHNICIAN

    @property
    def message(self) -> str:
        """What the PIN pad says (Chinese, for the technician or the staff member)."""
        if self.ok:
            return ""
        if self.refusal is PinRefusal.NO_PIN:
            return self.policy.unset
        if self.locked_for_s > 0:
            return locked_text(self.locked_for_s)
        said = (f"{self.policy.label}为{SHAPE_TEXT}" if self.refusal is PinRefusal.MALFORMED
                else f"{self.policy.label}不正确")
        left = self.policy.max_failures - self.failures
        return f"{said}，还可以再试{left}次" if left > 0 else said


def locked_text(seconds: float) -> str:
    """What the pad says while a lockout runs (``seconds`` left, counted down on screen)."""
    return f"密码错误次数过多，请{math.ceil(seconds)}秒后再试"


def hash_pin(pin: str, hasher: PasswordHasher | None = None) -> str:
    """The Argon2id hash to put in the settings.

    Raises:
        ValueError: the PIN is not 4-12 digits.
    """
    if not isinstance(pin, str) or not PIN_SHAPE.fullmatch(pin):
        raise ValueError("the PIN must be 4 to 12 digits")
    return (hasher or PasswordHasher()).hash(pin)


def hash_pin_command(out: TextIO | None = None, *, stdin: TextIO | None = None,
                     read: Callable[[str], str] = getpass.getpass) -> int:
    """``kiosk hash-pin``: a PIN typed twice at a terminal (or one line on stdin), its hash out."""
    out, stdin = out or sys.stdout, stdin or sys.stdin
    if stdin.isatty():
        pin = read(f"密码（{SHAPE_TEXT}）：")
        if read("再输入一次：") != pin:
            print("两次输入不一致", file=out)
            return 2
    else:
        pin = stdin.readline().strip()
    try:
        print(hash_pin(pin), file=out)
    except ValueError:
        print(f"密码必须是{SHAPE_TEXT} (the PIN must be 4 to 12 digits)", file=out)
        return 2
    return 0


class PinGate:
    """Checks PIN attempts (see the module docstring). Not thread-safe: one caller at a time.

    Args:
        pin_hash: the Argon2id hash from the settings; empty: no PIN, nothing opens.
        policy: whose PIN and how it locks (default: the technicians').
        audit: where every attempt is recorded.
        clock: monotonic seconds.
    """

    def __init__(self, pin_hash: str, *, policy: PinPolicy = TECHNICIAN,
                 audit: Audit | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._hash = pin_hash
        self.policy = policy
        self._audit = audit or NullAudit()
        self._clock = clock
        self._hasher = PasswordHasher()
        self.failures = 0
        self._locked_until = 0.0

    @property
    def configured(self) -> bool:
        return bool(self._hash)

    def locked_for(self) -> float:
        """Seconds left of the running lockout (0 when none)."""
        return max(0.0, self._locked_until - self._clock())

    def attempt(self, text: object) -> PinResult:
        left = self.locked_for()
        if left > 0:
            return self._refused(PinRefusal.LOCKED, left)
        if not self._hash:
            return self._refused(PinRefusal.NO_PIN, 0.0)
        if not isinstance(text, str) or not PIN_SHAPE.fullmatch(text):
            return self._failed(PinRefusal.MALFORMED)
        try:
            self._hasher.verify(self._hash, text)
        except VerifyMismatchError:
            return self._failed(PinRefusal.WRONG)
        except (InvalidHashError, VerificationError):
            log.error("%s-pin-hash-unusable", self.policy.role)   # settings check it; a bad file
            return self._refused(PinRefusal.NO_PIN, 0.0)
        before, self.failures, self._locked_until = self.failures, 0, 0.0
        self._audit.record(f"{self.policy.role}-pin-accepted", failures_before=before)
        return PinResult(True, policy=self.policy)

    def _failed(self, refusal: PinRefusal) -> PinResult:
        self.failures += 1
        lock = self.policy.lockout_s(self.failures)
        if lock:
            self._locked_until = self._clock() + lock
        return self._refused(refusal, lock)

    def _refused(self, refusal: PinRefusal, locked_for: float) -> PinResult:
        self._audit.record(f"{self.policy.role}-pin-refused", reason=refusal.value,
                           failures=self.failures, locked_for_s=round(locked_for, 1))
        log.warning("%s-pin-refused reason=%s failures=%d locked_s=%.0f", self.policy.role,
                    refusal.value, self.failures, locked_for)
        return PinResult(False, refusal, self.failures, locked_for, self.policy)
