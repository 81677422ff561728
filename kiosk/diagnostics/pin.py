"""The technician PIN: checked against an Argon2id hash, with a lockout that grows.

The PIN is stored only as an Argon2id hash (``argon2-cffi``) in the settings
(``[diagnostics] pin_hash``; ``hash_pin`` makes one). ``PinGate.attempt(text)``:

- refuses at once, without checking, while a lockout runs (``reason="locked"``);
- counts every other wrong attempt (malformed input too: anything but the PIN is a failure);
- after ``MAX_FAILURES`` (5) failures locks out for 15 s, and doubles that with each further
  failure (30 s, 60 s, …, at most a day, so the number stays finite);
- forgets the failures once the right PIN is entered;
- records every attempt in the audit log (accepted, or refused with why and the lockout).

The clock is injected (monotonic seconds), so tests move time instead of waiting. The failure
count lives in memory: restarting the kiosk resets it, which needs the kiosk's power or its
shell, and so a technician's access anyway. Nothing here knows screens.
"""
from __future__ import annotations

import enum
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.audit import Audit, NullAudit

MAX_FAILURES = 5
BASE_LOCKOUT_S = 15.0
MAX_LOCKOUT_S = 86400.0
PIN_SHAPE = re.compile(r"[0-9]{4,12}")


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

    @property
    def message(self) -> str:
        """What the PIN pad says (Chinese, for the technician)."""
        if self.ok:
            return ""
        if self.refusal is PinRefusal.NO_PIN:
            return "本机未设置维护密码：请在配置 [diagnostics] pin_hash 中设置（kiosk diag hash-pin）"
        if self.locked_for_s > 0:
            return f"密码错误次数过多，请 {self.locked_for_s:.0f} 秒后再试"
        if self.refusal is PinRefusal.MALFORMED:
            return "维护密码为 4 到 12 位数字"
        left = MAX_FAILURES - self.failures
        return f"密码不正确，还可以再试 {left} 次" if left > 0 else "密码不正确"


def hash_pin(pin: str, hasher: PasswordHasher | None = None) -> str:
    """The Argon2id hash to put in ``[diagnostics] pin_hash``.

    Raises:
        ValueError: the PIN is not 4-12 digits.
    """
    if not isinstance(pin, str) or not PIN_SHAPE.fullmatch(pin):
        raise ValueError("the PIN must be 4 to 12 digits")
    return (hasher or PasswordHasher()).hash(pin)


def lockout_s(failures: int) -> float:
    """The lockout after ``failures`` wrong attempts in a row: none before the fifth."""
    if failures < MAX_FAILURES:
        return 0.0
    return min(MAX_LOCKOUT_S, BASE_LOCKOUT_S * 2.0 ** min(failures - MAX_FAILURES, 32))


class PinGate:
    """Checks PIN attempts (see the module docstring).

    Args:
        pin_hash: the Argon2id hash from the settings; empty: no PIN, nothing opens.
        audit: where every attempt is recorded.
        clock: monotonic seconds.
    """

    def __init__(self, pin_hash: str, *, audit: Audit | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._hash = pin_hash
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
            return self._refused(PinRefusal.NO_PIN, 0.0)
        before, self.failures, self._locked_until = self.failures, 0, 0.0
        self._audit.record("diagnostics-pin-accepted", failures_before=before)
        return PinResult(True)

    def _failed(self, refusal: PinRefusal) -> PinResult:
        self.failures += 1
        lock = lockout_s(self.failures)
        if lock:
            self._locked_until = self._clock() + lock
        return self._refused(refusal, lock)

    def _refused(self, refusal: PinRefusal, locked_for: float) -> PinResult:
        self._audit.record("diagnostics-pin-refused", reason=refusal.value,
                           failures=self.failures, locked_for_s=round(locked_for, 1))
        return PinResult(False, refusal, self.failures, locked_for)
