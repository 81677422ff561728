"""How many cases each fuzz test runs: a short campaign always, twenty times as many with
``--runslow`` (``KIOSK_LONG_TESTS=1``, read when the test module is imported).

    @fuzz(300)
    @given(...)
    def test_...

Every generated case is counted (``FUZZ_CASES``, by test), so the long campaign can report how
many ran; a test that finds a failure fails, which is the only kind of finding there is.
"""
from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable

from hypothesis import settings

LONG = os.environ.get("KIOSK_LONG_TESTS") == "1"
SCALE = 20 if LONG else 1
FUZZ_CASES: Counter[str] = Counter()


def fuzz(examples: int) -> Callable[[Callable], Callable]:
    """Hypothesis settings for a bounded fuzz test of ``examples`` cases (x20 when long)."""
    def wrap(test: Callable) -> Callable:
        @functools.wraps(test)
        def counted(*args, **kwargs):
            FUZZ_CASES[test.__qualname__] += 1
            return test(*args, **kwargs)
        return settings(max_examples=examples * SCALE, deadline=None)(counted)
    return wrap
