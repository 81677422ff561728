"""The nightly maintenance window: once a night, between visits only.

Inside the window (``[maintenance] start`` and ``end``, by default 02:00 to 05:00, the kiosk's
local time) and while no visit is going on and the diagnostics mode is closed, ``Maintenance`` runs, once per night:

1. the outbox's retention purge (bodies the platform confirmed long enough ago);
2. ``VACUUM`` of the outbox, only when nothing is waiting to be sent (``Outbox.vacuum_if_idle``);
3. log rotation (a fresh file; under journald the journal rotates itself);
4. a fresh readiness report (``kiosk.diagnostics``), whose result goes to the platform in the
   next heartbeat (``readiness``: ok, when, the names of the failed checks).

While it runs no visit starts (``blocks_visits``: the start page says why, for the minute it
takes). A night whose window passes with visits going on the whole time is skipped and tried
the next night. Time comes from an injected clock (seconds since the epoch) and time zone, so
tests move the night forward instead of waiting for it; ``tick()`` is what the thread calls
every minute. What it does not do: decide what a check means (the diagnostics do) or send the
heartbeat itself (the sync worker does).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contract.readiness import READINESS_CHECK
from kiosk import logs
from kiosk.audit import Audit
from kiosk.diagnostics.report import Report

log = logging.getLogger(__name__)

COMPLETED = "maintenance-completed"      # audit event id (kiosk/audit/events.toml)
MESSAGE_ZH = "本机正在进行夜间例行维护，大约一分钟后可以办理，请稍候。"


@dataclass(frozen=True)
class Window:
    """Local wall-clock hours [start, end); an end before the start crosses midnight."""

    start: dt.time = dt.time(2, 0)
    end: dt.time = dt.time(5, 0)

    def contains(self, t: dt.time) -> bool:
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def night_of(self, moment: dt.datetime) -> dt.date:
        """The night a moment belongs to: the date the window opened on."""
        if self.start > self.end and moment.time() < self.end:
            return moment.date() - dt.timedelta(days=1)
        return moment.date()


@dataclass(frozen=True)
class Outcome:
    """What one maintenance run did (the audit entry and the log line say the same)."""

    purged: int
    vacuumed: bool
    logs_rotated: str
    readiness: dict[str, Any]


class Maintenance:
    """Args: ``purge`` and ``vacuum`` (the outbox's), ``readiness`` (a fresh report),
    ``is_idle`` (no visit, diagnostics closed), ``audit``; ``clock`` and ``tz``, the kiosk's
    time; ``window``; ``on_readiness``, told the new readiness (the heartbeat is sent then)."""

    def __init__(self, *, purge: Callable[[], int], vacuum: Callable[[], bool],
                 readiness: Callable[[], Report], is_idle: Callable[[], bool], audit: Audit,
                 clock: Callable[[], float] = time.time, tz: dt.tzinfo | None = None,
                 window: Window = Window(), rotate_logs: Callable[[], str] = logs.rotate,
                 on_readiness: Callable[[dict[str, Any]], None] | None = None) -> None:
        self._purge, self._vacuum, self._readiness = purge, vacuum, readiness
        self._is_idle, self._audit = is_idle, audit
        self._clock, self._tz, self.window = clock, tz, window
        self._rotate = rotate_logs
        self._on_readiness = on_readiness
        self.last_night: dt.date | None = None
        self.last_readiness: dict[str, Any] | None = None
        self._running = threading.Event()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock(), self._tz)   # tz None: local time

    @property
    def blocks_visits(self) -> str:
        """Why no visit may start now ("" when one may)."""
        return MESSAGE_ZH if self._running.is_set() else ""

    def due(self) -> bool:
        moment = self.now()
        return (self.window.contains(moment.time())
                and self.window.night_of(moment) != self.last_night)

    def tick(self) -> Outcome | None:
        """Run the night's maintenance if it is due and the kiosk is between visits."""
        with self._lock:
            if not self.due():
                return None
            self._running.set()       # first: a visit starting from now on is held back
            try:
                if not self._is_idle():
                    return None       # a visit is on: try again at the next tick
                night = self.window.night_of(self.now())
                outcome = self._run()
                self.last_night = night
                return outcome
            finally:
                self._running.clear()

    def _run(self) -> Outcome:
        failed: list[str] = []

        def step(name: str, fn: Callable[[], Any], default: Any) -> Any:
            try:
                return fn()
            except Exception:  # noqa: BLE001 - one failed step must not skip the others
                log.exception("maintenance-step-failed step=%s", name)
                failed.append(name)
                return default

        purged = step("purge", self._purge, 0)
        vacuumed = step("vacuum", self._vacuum, False)
        rotated = step("rotate", self._rotate, "failed")
        report: Report | None = step("readiness", self._readiness, None)
        at = self.now().astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()
        readiness = ({"ok": report.ok, "checked_at": at,
                      "faults": [c.name for c in report.faults][:32]}
                     if report is not None else
                     {"ok": False, "checked_at": at, "faults": [READINESS_CHECK]})
        self.last_readiness = readiness
        self._audit.record(COMPLETED, purged=purged, vacuumed=vacuumed, logs_rotated=rotated,
                           ready=readiness["ok"], faults=",".join(readiness["faults"]) or None,
                           disposition="failure" if failed else "success")
        log.info("maintenance-completed purged=%d vacuumed=%s logs=%s ready=%s failed_steps=%s",
                 purged, vacuumed, rotated, readiness["ok"], ",".join(failed) or "-")
        if self._on_readiness is not None:
            step("report", lambda: self._on_readiness(readiness), None)
        return Outcome(purged, vacuumed, rotated, readiness)

    # ------------------------------------------------------------------ the thread

    def start(self, every_s: float = 60.0) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(every_s,),
                                        name="maintenance", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the next night must still come
                log.exception("maintenance-crashed")
