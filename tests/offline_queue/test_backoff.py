"""Backoff laws: bounded by the cap, never zero, growing until the cap, jitter within range."""
from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offline_queue.backoff import Backoff

backoffs = st.builds(
    lambda base, factor, jitter: Backoff(base, base * factor, jitter),
    st.floats(0.01, 100), st.floats(1, 1000), st.floats(0, 1))


@given(backoffs, st.integers(-5, 10_000), st.floats(0, 0.999999))
def test_delay_is_positive_and_within_jitter_band_under_cap(b, failures, draw):
    rng = random.Random()
    rng.random = lambda: draw  # type: ignore[method-assign]
    delay = b.delay(failures, rng)
    ceiling = b.ceiling(failures)
    assert 0 < delay <= ceiling <= b.cap_s
    assert delay >= ceiling * (1 - b.jitter) - 1e-9


@given(backoffs, st.integers(1, 200))
def test_ceiling_doubles_until_the_cap(b, n):
    assert b.ceiling(n + 1) == min(b.cap_s, 2 * b.ceiling(n)) or b.ceiling(n) == b.cap_s


def test_concrete_schedule():
    b = Backoff(base_s=5, cap_s=60, jitter=0)
    assert [b.delay(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_jitter_spreads_a_fleet():
    b = Backoff(base_s=10, cap_s=100, jitter=0.5)
    rng = random.Random(1)
    delays = {round(b.delay(3, rng), 3) for _ in range(50)}
    assert len(delays) > 40 and min(delays) >= 20 and max(delays) <= 40


@pytest.mark.parametrize("args", [(0, 10, 0.5), (10, 5, 0.5), (1, 10, 1.5), (1, 10, -0.1)])
def test_bad_settings_are_refused(args):
    with pytest.raises(ValueError):
        Backoff(*args)
