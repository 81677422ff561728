"""The bundles a kiosk has applied: current, previous and staged, switched atomically.

On disk under ``<data_dir>/config/``: ``bundles/<version>.json`` (verified bundles, 0600), the
catalogues a bundle brings in its folder ``bundles/<version>/`` (``scope.json``,
``regions.json``, verified and checked before staging, 0600), and ``state.json``, the one
pointer that says which is current, which previous, which staged (and from where), and how a
trial of a new bundle stands. Every change writes a new ``state.json`` and renames it
over the old one (fsync'd), so a power cut leaves the old state or the new, never half.

The rules, after Mender and RAUC (commit only after a good start, else roll back):
- ``apply_staged`` (between visits) makes the staged bundle current and the current previous,
  on trial;
- ``begin_start`` counts each start on trial; when three starts on trial did not reach
  ``commit_start``, the fourth rolls back to the previous bundle by itself, records it
  (``config-rolled-back``) and keeps the failed version so it is not staged again;
- ``commit_start`` ends the trial (``config-applied``).

The catalogues follow the version: a rollback brings the previous bundle's files back with its
settings, and ``catalogue_files`` names the current one's for ``kiosk.domain.catalogues.use``.
A catalogue folder of a version no longer current, previous or staged is removed.

What it does not do: verify signatures (``kiosk.config.updater``) or build the kiosk.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kiosk.audit import Audit, NullAudit
from kiosk.config.bundle import BundleError, catalogue_targets, parse_bundle, read_bundle
# one rule for both stores
from kiosk.config.releases import MAX_FAILED_STARTS, replace_durably, typed_state
from kiosk.config.settings import Settings, SettingsError, read_limited
from kiosk.domain import catalogues
#: Audit event ids this module records (the audit catalogue lists them).
APPLIED = "config-applied"
ROLLED_BACK = "config-rolled-back"
TRIAL_STARTED = "config-trial-started"


def _utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


_EMPTY: dict[str, Any] = {"current": None, "previous": None, "staged": None,
                          "staged_from": None, "trial": False, "failed_starts": 0,
                          "applied_at": None, "refused": None, "rolled_back": None,
                          "bad_versions": []}
_TYPES: dict[str, type] = {"current": int, "previous": int, "staged": int, "staged_from": str,
                           "trial": bool, "failed_starts": int, "applied_at": str,
                           "refused": dict, "rolled_back": dict, "bad_versions": list}
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

    def catalogue_dir(self, version: int) -> Path:
        """Where the catalogues of a bundle version are kept."""
        return self.dir / "bundles" / str(version)

    def catalogue_files(self, settings: Settings) -> dict[str, Path]:
        """The current bundle's catalogue files, by catalogue (``scope=``, ``regions=`` of
        ``catalogues.use``), for the catalogues ``settings`` (its effective settings) name;
        none without a current bundle. A file may be missing or damaged: ``use`` says so."""
        version = self.current
        if version is None:
            return {}
        named = settings.catalogues.model_dump()
        return {kind: self.catalogue_dir(version) / f"{kind}.json"
                for kind in (catalogues.SCOPE, catalogues.REGIONS) if named.get(kind)}

    @property
    def current(self) -> int | None:
        return self.state()["current"]

    def newest_version(self) -> int | None:
        """The highest version this kiosk holds (current or staged): a lower one is older."""
        s = self.state()
        held = [v for v in (s["current"], s["staged"], *s["bad_versions"]) if v is not None]
        return max(held) if held else None

    # ------------------------------------------------------------------ changes

    def stage(self, version: int, raw: bytes, *, source: str = "platform",
              catalogue_files: Mapping[str, bytes] | None = None) -> None:
        """Keep a verified bundle, and the checked catalogues it names (by catalogue: ``scope``,
        ``regions``), to apply at the next moment between visits. The files are written
        before the state that points at them, so a power cut leaves no pointer to half."""
        folder = self.catalogue_dir(version)
        if folder.exists():
            shutil.rmtree(folder)
        if catalogue_files:
            folder.mkdir(mode=0o700, parents=True)
            for kind, data in catalogue_files.items():
                replace_durably(folder / f"{kind}.json", data)
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
        self._prune(state)
        return version

    def _prune(self, state: dict[str, Any]) -> None:
        # A regions catalogue is some 0.8 MB: keep the files only of versions one may return to.
        keep = {str(v) for v in (state["current"], state["previous"], state["staged"]) if v}
        for entry in (self.dir / "bundles").iterdir():
            if entry.is_dir() and not entry.is_symlink() and entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)

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
        counts as a failed start: it is rolled back at once and the previous one used. Its
        ``[profile] region_code`` is checked against the regions catalogue it brought (the
        shipped one when that file is damaged, as ``catalogues.use`` will then run on).
        """
        for _ in range(3):
            version = self.current
            if version is None:
                return installed
            try:
                raw = self.bundle_bytes(version)
                _, settings = parse_bundle(raw, installed, f"bundle {version}",
                                           regions=self._regions(version, raw, installed))
                return settings
            except (BundleError, SettingsError) as exc:
                self._roll_back(self.state(), f"does not validate: {str(exc)[:120]}")
        return installed

    def _regions(self, version: int, raw: bytes, installed: Settings) -> catalogues.RegionLookup:
        if catalogues.REGIONS in catalogue_targets(installed, read_bundle(raw)):
            try:
                return catalogues.region_lookup(self.catalogue_dir(version) / "regions.json")
            except catalogues.CatalogueError:
                pass        # damaged on disk: the kiosk runs on the shipped one, and says so
        return catalogues.region_lookup(None)

    def status(self) -> dict[str, Any]:
        """What the heartbeat reports: version, trial, staged, last refusal and rollback."""
        s = self.state()
        return {"version": s["current"], "previous": s["previous"], "staged": s["staged"],
                "trial": s["trial"], "applied_at": s["applied_at"], "refused": s["refused"],
                "rolled_back": s["rolled_back"]}
