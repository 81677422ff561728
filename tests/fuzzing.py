"""How many cases each fuzz test runs: a short campaign always, twenty times as many with
``--runslow`` (``KIOSK_LONG_TESTS=1``, read when the test module is imported).

    @fuzz(300)          # above @given
    @given(...)
    def test_...

Every generated case is counted (``FUZZ_CASES``, by test), so a campaign can report how many
ran; a test that finds a failure fails, which is the only kind of finding there is.
"""
from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable

from hypothesis import settings

FUZZ_CASES: Counter[str] = Counter()


def scale() -> int:
    """20 in a long campaign, else 1 (read late: ``--runslow`` sets the variable at configure)."""
    return 20 if os.environ.get("KIOSK_LONG_TESTS") == "1" else 1


def fuzz(examples: int) -> Callable[[Callable], Callable]:
    """Hypothesis settings for a bounded fuzz test of ``examples`` cases (x20 when long)."""
    def wrap(test: Callable) -> Callable:
        inner = test.hypothesis.inner_test      # each generated case runs this (hypothesis API)
        name = test.__qualname__

        @functools.wraps(inner)
        def counted(*args, **kwargs):
            FUZZ_CASES[name] += 1
            return inner(*args, **kwargs)

        test.hypothesis.inner_test = counted
        return settings(max_examples=examples * scale(), deadline=None)(test)
    return wrap
