"""The staff PIN: checked against an Argon2id hash, off the GUI thread, with a lockout.

``StaffPinGate.check(pin, done)`` verifies the PIN on a thread of its own (Argon2id is slow on
purpose) and hands the answer to ``done`` through ``post``, on the session's thread. After
``max_failures`` wrong PINs in a row the pad locks for ``lockout_s``, doubling with every
further wrong PIN; the count lives here, for the kiosk, not in a visit, so ending a visit does
not reset it. Every attempt goes to the audit log (``staff-pin-attempt``: accepted or not, the
failures so far, locked or not; never the PIN). ``hash_pin`` makes the hash the settings hold
(``kiosk hash-pin``). No Qt, no screen text beyond the answer's message.
"""
from __future__ import annotations

import getpass
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import argon2

from kiosk.audit import Audit, NullAudit
from kiosk.config.settings import StaffSettings
from kiosk.flow.help import StaffCheck

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]
PIN_DIGITS = (4, 12)


def hash_pin(pin: str) -> str:
    """The Argon2id hash of a staff PIN, for ``[staff] pin_hash``.

    Raises:
        ValueError: not 4-12 digits.
    """
    if not (pin.isascii() and pin.isdigit() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
        raise ValueError(f"a staff PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits")
    return argon2.PasswordHasher().hash(pin)


class StaffPinGate:
    """Args: ``settings`` (the hash and the lockout), ``post`` (runs a call on the session's
    thread), ``audit``, ``clock`` (monotonic seconds, for the lockout)."""

    def __init__(self, settings: StaffSettings, post: Post, audit: Audit | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._hash = settings.pin_hash
        self._max = settings.max_failures
        self._lockout = settings.lockout_s
        self._post = post
        self._audit = audit or NullAudit()
        self._clock = clock
        self._hasher = argon2.PasswordHasher()
        self._lock = threading.Lock()
        self._failures = 0
        self._locked_until = 0.0
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="staff-pin")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def check(self, pin: str, done: Callable[[StaffCheck], None]) -> None:
        """Check ``pin`` off this thread; ``done`` hears the answer on the session's thread."""
        def run() -> None:
            result = self.verify(pin)
            self._post(lambda: done(result))
        self._pool.submit(run)

    def verify(self, pin: str) -> StaffCheck:
        """Check one PIN now (blocking: the slow hash runs in the caller's thread)."""
        with self._lock:
            left = self._locked_until - self._clock()
        if left > 0:
            self._audit.record("staff-pin-attempt", accepted=False, locked=True,
                               failures=self._failures)
            return StaffCheck(False, f"密码错误次数过多，请{math.ceil(left)}秒后再试", left)
        ok = self._matches(pin)
        with self._lock:
            if ok:
                self._failures = 0
                self._audit.record("staff-pin-attempt", accepted=True, locked=False, failures=0)
                return StaffCheck(True)
            self._failures += 1
            failures = self._failures
            locked = 0.0
            if failures >= self._max:
                locked = self._lockout * 2 ** (failures - self._max)
                self._locked_until = self._clock() + locked
        self._audit.record("staff-pin-attempt", accepted=False, locked=bool(locked),
                           failures=failures)
        log.warning("staff-pin-refused failures=%d locked_s=%.0f", failures, locked)
        if locked:
            return StaffCheck(False, f"密码错误次数过多，已锁定{math.ceil(locked)}秒", locked)
        return StaffCheck(False, f"工作人员密码不正确，还可以再试{self._max - failures}次")

    def _matches(self, pin: str) -> bool:
        if not (isinstance(pin, str) and pin.isascii() and pin.isdigit()
                and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
            return False
        try:
            return self._hasher.verify(self._hash, pin)
        except argon2.exceptions.VerifyMismatchError:
            return False
        except argon2.exceptions.Argon2Error:
            log.error("staff-pin-hash-unusable")    # settings checked it; a bad file is not a PIN
            return False


def hash_pin_command(read: Callable[[str], str] = getpass.getpass) -> int:
    """``kiosk hash-pin``: ask for a PIN twice and print its hash for ``[staff] pin_hash``."""
    pin = read("工作人员密码（4-12位数字）：")
    if read("再输入一次：") != pin:
        print("两次输入不一致")
        return 2
    try:
        print(hash_pin(pin))
    except ValueError as exc:
        print(exc)
        return 2
    return 0
