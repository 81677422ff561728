"""The configuration channel as a technician needs it: when this kiosk last read the fleet's
repository on the platform, and since when it cannot.

``ChannelLog.watch(source)`` wraps the configuration agent's platform ``Source``: a read that
got an answer (the bytes, or "no such file") is contact; ``Unreachable`` is none. The log
keeps the time of the last read, of the last contact and, while reads fail, of the first
failure since the last contact, in ``<data_dir>/diagnostics/config-channel.json`` (replaced
durably, at most every ``SAVE_EVERY_S`` unless contact is lost or found), so a township kiosk
switched off every night still knows it has been offline for three days, and ``kiosk diag``
reads it while no kiosk runs. What a check then made of what it read (up to date, staged,
refused) is the agent's (``ConfigAgent.last``). No verifying, no rules: a record of reads.
"""
from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.config.releases import replace_durably
from kiosk.config.settings import Settings, SettingsError, read_limited
from kiosk.config.updater import NotFound, Source, Unreachable

SAVE_EVERY_S = 60.0
MAX_FILE_BYTES = 4096


def channel_path(settings: Settings) -> Path:
    return settings.data_dir / "diagnostics" / "config-channel.json"


@dataclass(frozen=True)
class ChannelState:
    """Seconds since the epoch (None: never); ``error`` is the last failure's summary."""

    last_read_at: float | None = None
    last_contact_at: float | None = None
    offline_since: float | None = None
    error: str = ""

    @property
    def offline(self) -> bool:
        return self.offline_since is not None


def _time(value: object) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok and value > 0 else None        # type: ignore[operator]


class ChannelLog:
    """Args: ``path`` (``channel_path``); ``clock``, seconds since the epoch."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._state = self._load()
        self._saved_at = 0.0

    def _load(self) -> ChannelState:
        try:
            data = json.loads(read_limited(self.path, MAX_FILE_BYTES))
        except (SettingsError, ValueError, RecursionError):
            return ChannelState()        # none yet, or damaged: nothing known
        if not isinstance(data, dict):
            return ChannelState()
        error = data.get("error")
        return ChannelState(_time(data.get("last_read_at")), _time(data.get("last_contact_at")),
                            _time(data.get("offline_since")),
                            error[:200] if isinstance(error, str) else "")

    def state(self) -> ChannelState:
        with self._lock:
            return self._state

    def watch(self, source: Source) -> Source:
        """The same source, each of its reads noted here."""
        def get(rel: str) -> bytes:
            try:
                data = source.get(rel)
            except Unreachable as exc:
                self._note(False, str(exc))
                raise
            except NotFound:
                self._note(True)          # the repository answered: "no such file" is contact
                raise
            self._note(True)
            return data
        return Source(source.name, get)

    def _note(self, contact: bool, error: str = "") -> None:
        now = self._clock()
        with self._lock:
            before = self._state
            if contact:
                state = ChannelState(now, now, None, "")
            else:
                state = ChannelState(now, before.last_contact_at, before.offline_since or now,
                                     error[:200])
            self._state = state
            flipped = before.offline != state.offline
            if not (flipped or now - self._saved_at >= SAVE_EVERY_S):
                return
            self._saved_at = now
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            replace_durably(self.path, json.dumps(asdict(state)).encode())
        except OSError:
            pass        # the record in memory still serves the page; the next read tries again
