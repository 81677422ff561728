"""The voice's worker thread: one utterance at a time, the newest wins, the old one is stopped.

``say(text)`` returns at once with a ticket; the engine runs on the speaker's own thread and
``on_done(ticket, wav)`` (or ``on_error(ticket, message)``) is called from that thread when it
finishes: the owner moves it to its own thread (the UI posts it to the GUI thread) and plays
only the ticket it still wants. ``cancel()`` stops what is in flight (the page changed): a
waiting utterance is dropped and a running engine is killed. It does not play sound.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.voice.engines import Cancelled, Engine, VoiceError

log = logging.getLogger(__name__)


@dataclass
class _Job:
    ticket: int
    text: str
    rate: int | None
    cancelled: threading.Event = field(default_factory=threading.Event)


class Speaker:
    """Runs ``engine`` off the caller's thread. ``close()`` stops the thread."""

    def __init__(self, engine: Engine, on_done: Callable[[int, bytes], None],
                 on_error: Callable[[int, str], None]) -> None:
        self.engine = engine
        self._on_done = on_done
        self._on_error = on_error
        self._lock = threading.Condition()
        self._pending: _Job | None = None
        self._running: _Job | None = None
        self._tickets = 0
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="voice", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """An utterance is waiting or being made."""
        with self._lock:
            return self._pending is not None or self._running is not None

    def say(self, text: str, rate: int | None = None) -> int:
        """Make speech of ``text`` at ``rate`` words a minute (None: the engine's), cancelling
        anything before it. Returns its ticket."""
        with self._lock:
            self._cancel_locked()
            self._tickets += 1
            self._pending = _Job(self._tickets, text, rate)
            self._lock.notify()
            return self._tickets

    def cancel(self) -> None:
        with self._lock:
            self._cancel_locked()

    def _cancel_locked(self) -> None:
        self._pending = None
        if self._running is not None:
            self._running.cancelled.set()

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._closed = True
            self._cancel_locked()
            self._lock.notify()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                job, self._pending = self._pending, None
                self._running = job
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._running = None

    def _run(self, job: _Job) -> None:
        try:
            sound = self.engine.synthesise(job.text, job.cancelled, job.rate)
        except Cancelled:
            return
        except VoiceError as exc:
            if not job.cancelled.is_set():
                self._on_error(job.ticket, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a plugged-in engine must not end the thread
            log.error("voice engine %s raised %s", self.engine.name, type(exc).__name__)
            self._on_error(job.ticket, f"voice engine {self.engine.name} failed: "
                                       f"{type(exc).__name__}")
            return
        if not job.cancelled.is_set():
            self._on_done(job.ticket, sound)
