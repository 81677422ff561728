"""Retry delays: exponential growth, a cap, and jitter so a fleet does not retry in step.

What it does: turns "this submission has failed n times" into a delay in seconds. What it does
not do: sleep, read a clock, or decide whether an error is worth retrying (see `sync.py`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Delay after the n-th failure: ``min(cap, base * 2**(n-1))``, then up to `jitter` of it
    randomly taken off ("equal jitter": never zero, never above the cap).

    Args:
        base_s: the delay after the first failure, before jitter.
        cap_s: the largest delay.
        jitter: the fraction of the delay that is random, in [0, 1].
    Raises:
        ValueError: non-positive base or cap, cap below base, or jitter outside [0, 1].
    """

    base_s: float = 5.0
    cap_s: float = 900.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if not (self.base_s > 0 and self.cap_s >= self.base_s and 0.0 <= self.jitter <= 1.0):
            raise ValueError("backoff needs 0 < base <= cap and 0 <= jitter <= 1")

    def ceiling(self, failures: int) -> float:
        """The delay before jitter after `failures` failures (at least 1)."""
        exponent = min(max(failures, 1) - 1, 60)  # 2**60 * base is far above any sane cap
        return min(self.cap_s, self.base_s * 2.0 ** exponent)

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        """A jittered delay in ``[ceiling * (1 - jitter), ceiling]``."""
        draw = (rng or random).random()
        return self.ceiling(failures) * (1.0 - self.jitter * draw)
