"""``Jobs``: one worker thread that runs queued jobs in order, off the GUI thread.

The visit coordinator and the service desk each keep one: the person's work is done in the
order it was asked for, a job that raises is logged (ids only) and the next one still runs,
and ``idle`` lets a test or a scripted visit wait for what was queued so far.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Jobs:
    """Args: ``name``, the thread's name and the prefix of its crash log line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
        self._thread.start()

    def put(self, job: Callable[[], None]) -> None:
        self._queue.put(job)

    def stop(self, timeout: float) -> None:
        """Finish what is queued, then end the thread (waiting at most ``timeout``)."""
        if self._thread:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def idle(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is done; False after ``timeout`` seconds."""
        done = threading.Event()
        self._queue.put(done.set)
        return done.wait(timeout)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                job()
            except Exception:  # noqa: BLE001 - one job's bug must not end the ones after it
                log.exception("%s-job-crashed", self.name)
