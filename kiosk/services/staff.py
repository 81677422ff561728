"""The staff PIN at the kiosk (帮办): ``kiosk.pin``'s rule, checked off the GUI thread.

``StaffPinGate.check(pin, done)`` verifies the PIN on a thread of its own (Argon2id is slow on
purpose) and hands the answer to ``done`` through ``post``, on the session's thread. The hash,
the lockout and the audit (``staff-pin-accepted`` / ``staff-pin-refused``, never the PIN) are
``kiosk.pin.PinGate``'s, with the limits of ``[help]``: ``max_failures`` wrong PINs in a row
lock the pad for ``lockout_s``, doubling with every further wrong PIN. The count lives for the
kiosk, not for a visit, so ending a visit does not reset it. No Qt, no screen text beyond the
answer's message.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kiosk.audit import Audit
from kiosk.config.settings import HelpSettings
from kiosk.flow.help import StaffCheck
from kiosk.pin import PinGate, staff_policy

Post = Callable[[Callable[[], None]], None]


class StaffPinGate:
    """Args: ``settings`` (the hash and the lockout), ``post`` (runs a call on the session's
    thread), ``audit``, ``clock`` (monotonic seconds, for the lockout)."""

    def __init__(self, settings: HelpSettings, post: Post, audit: Audit | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._gate = PinGate(settings.staff_pin_hash,
                             policy=staff_policy(settings.max_failures, settings.lockout_s),
                             audit=audit, clock=clock)
        self._post = post
        self._lock = threading.Lock()
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
            result = self._gate.attempt(pin)
        return StaffCheck(result.ok, result.message, result.locked_for_s)
