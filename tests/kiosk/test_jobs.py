"""The one worker thread of the coordinator and the service desk."""
from __future__ import annotations

import logging
import threading

import pytest

from kiosk.jobs import Jobs


def test_jobs_run_in_order_and_a_crash_does_not_end_the_ones_after_it(caplog) -> None:
    jobs = Jobs("test-jobs")
    jobs.start()
    done: list[int] = []
    gate = threading.Event()
    jobs.put(gate.wait)                       # the rest wait behind it, in order
    jobs.put(lambda: done.append(1))
    jobs.put(lambda: 1 / 0)
    jobs.put(lambda: done.append(2))
    assert done == []
    gate.set()
    with caplog.at_level(logging.ERROR, logger="kiosk.jobs"):
        assert jobs.idle(5)
    assert done == [1, 2]
    assert "test-jobs-job-crashed" in caplog.text
    jobs.stop(5)


def test_stop_finishes_what_is_queued_and_idle_times_out_when_stuck() -> None:
    jobs = Jobs("test-jobs")
    jobs.start()
    gate = threading.Event()
    jobs.put(gate.wait)
    assert not jobs.idle(0.05)                # stuck behind the gate: says so, never hangs
    done: list[str] = []
    jobs.put(lambda: done.append("last"))
    gate.set()
    jobs.stop(5)
    assert done == ["last"]


@pytest.mark.parametrize("timeout", [0.0, 0.01])
def test_stop_before_start_is_harmless(timeout: float) -> None:
    Jobs("never-started").stop(timeout)
