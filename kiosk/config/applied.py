"""The bundles a kiosk has applied: current, previous and staged, switched atomically.

On disk under ``<data_dir>/config/``: ``bundles/<version>.json`` (verified bundles, 0600) and
``state.json``, the one pointer that says which is current, which previous, which staged, and
how a trial of a new bundle stands. Every change writes a new ``state.json`` and renames it
over the old one (fsync'd), so a power cut leaves the old state or the new, never half.

The rules, after Mender and RAUC (commit only after a good start, else roll back):
- ``apply_staged`` (between visits) makes the staged bundle current and the current previous,
  on trial;
- ``begin_start`` counts each start on trial; when three starts on trial did not reach
  ``commit_start``, the fourth rolls back to the previous bundle by itself, records it
  (``config-rolled-back``) and keeps the failed version so it is not staged again;
- ``commit_start`` ends the trial (``config-applied``).

What it does not do: verify signatures (``kiosk.config.updater``) or build the kiosk.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.audit import Audit, NullAudit
from kiosk.config.bundle import BundleError, parse_bundle
# one rule for both stores
from kiosk.config.releases import MAX_FAILED_STARTS, replace_durably, typed_state
from kiosk.config.settings import Settings, SettingsError, read_limited
#: Audit event ids this module records (the audit catalogue lists them).
APPLIED = "config-applied"
ROLLED_BACK = "config-rolled-back"
TRIAL_STARTED = "config-trial-started"


def _utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


_EMPTY: dict[str, Any] = {"current": None, "previous": None, "staged": None, "trial": False,
                          "failed_starts": 0, "applied_at": None, "refused": None,
                          "rolled_back": None, "bad_versions": []}
_TYPES: dict[str, type] = {"current": int, "previous": int, "staged": int, "trial": bool,
                           "failed_starts": int, "applied_at": str, "refused": dict,
                           "rolled_back": dict, "bad_versions": list}
_ITEMS = {"bad_versions": lambda v: isinstance(v, int) and not isinstance(v, bool)}


class AppliedConfig:
    """The applied-bundle store of one kiosk (``settings.config_dir``)."""

    def __init__(self, config_dir: Path, *, audit: Audit | None = None,
                 clock: Callable[[], str] = _utc_now) -> None:
        self.dir = Path(config_dir)
        self.audit = audit or NullAudit()
        self._clock = clock
        (self.dir / "bundles").mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ state

    def state(self) -> dict[str, Any]:
        try:
            data = json.loads(read_limited(self.dir / "state.json", 64 * 1024))
        except (SettingsError, ValueError):
            data = None           # none yet, or unreadable: the installed settings stand
        return typed_state(data, _EMPTY, _TYPES, _ITEMS)   # a damaged field reads as its default

    def _save(self, state: dict[str, Any]) -> None:
        replace_durably(self.dir / "state.json", json.dumps(state, sort_keys=True).encode())

    def bundle_bytes(self, version: int) -> bytes:
        return read_limited(self.dir / "bundles" / f"{version}.json")

    @property
    def current(self) -> int | None:
        return self.state()["current"]

    def newest_version(self) -> int | None:
        """The highest version this kiosk holds (current or staged): a lower one is older."""
        s = self.state()
        held = [v for v in (s["current"], s["staged"], *s["bad_versions"]) if v is not None]
        return max(held) if held else None

    # ------------------------------------------------------------------ changes

    def stage(self, version: int, raw: bytes, *, source: str = "platform") -> None:
        """Keep a verified bundle to apply at the next moment between visits."""
        replace_durably(self.dir / "bundles" / f"{version}.json", raw)
        state = self.state()
        state["staged"], state["staged_from"] = version, source
        self._save(state)

    def note_refused(self, reason: str, message: str) -> None:
        state = self.state()
        state["refused"] = {"reason": reason, "message": message, "at": self._clock()}
        self._save(state)

    @property
    def has_staged(self) -> bool:
        return self.state()["staged"] is not None

    def apply_staged(self) -> int | None:
        """Make the staged bundle current (the current one becomes previous), on trial.
        Call only between visits. Returns the version applied, or None if none was staged."""
        state = self.state()
        version = state["staged"]
        if version is None:
            return None
        if state["current"] is not None and not state["trial"]:
            state["previous"] = state["current"]
        state.update(current=version, staged=None, trial=True, failed_starts=0,
                     applied_at=self._clock(), refused=None)
        self._save(state)
        self.audit.record(TRIAL_STARTED, version=version, previous=state["previous"])
        return version

    def begin_start(self) -> int | None:
        """Count a start; roll back after three that failed on trial. Returns the version to
        start with (None: the installed settings)."""
        state = self.state()
        if state["trial"]:
            if state["failed_starts"] >= MAX_FAILED_STARTS:
                self._roll_back(state, f"{state['failed_starts']} failed starts")
            else:
                state["failed_starts"] += 1
                self._save(state)
        return self.state()["current"]

    def commit_start(self) -> None:
        """The kiosk started cleanly with its current bundle: the trial is over."""
        state = self.state()
        if state["trial"]:
            state.update(trial=False, failed_starts=0)
            self._save(state)
            self.audit.record(APPLIED, version=state["current"], disposition="success")

    def _roll_back(self, state: dict[str, Any], why: str) -> None:
        failed = state["current"]
        state.update(current=state["previous"], previous=None, trial=False, failed_starts=0,
                     rolled_back={"failed": failed, "restored": state["previous"], "why": why,
                                  "at": self._clock()},
                     bad_versions=sorted({*state["bad_versions"], failed} - {None}))
        self._save(state)
        self.audit.record(ROLLED_BACK, version=failed, to=state["current"], reason=why)

    # ------------------------------------------------------------------ the settings

    def effective(self, installed: Settings) -> Settings:
        """The installed settings with the current bundle laid over them.

        A current bundle that no longer validates (the installed file changed under it)
        counts as a failed start: it is rolled back at once and the previous one used.
        """
        for _ in range(3):
            version = self.current
            if version is None:
                return installed
            try:
                _, settings = parse_bundle(self.bundle_bytes(version), installed,
                                           f"bundle {version}")
                return settings
            except (BundleError, SettingsError) as exc:
                self._roll_back(self.state(), f"does not validate: {str(exc)[:120]}")
        return installed

    def status(self) -> dict[str, Any]:
        """What the heartbeat reports: version, trial, staged, last refusal and rollback."""
        s = self.state()
        return {"version": s["current"], "previous": s["previous"], "staged": s["staged"],
                "trial": s["trial"], "applied_at": s["applied_at"], "refused": s["refused"],
                "rolled_back": s["rolled_back"]}
