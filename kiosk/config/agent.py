"""The kiosk's configuration agent: checks for bundles now and then, applies them between visits.

``begin(installed)`` is called once per start: it counts the start against a bundle on trial
(rolling back after three that failed, ``kiosk.config.applied``) and returns the settings to
start with. ``ConfigAgent`` then checks the platform's repository every ``[fleet]
check_every_s`` on its own thread and stages a verified bundle; the kiosk calls
``apply_between_visits`` when the session is idle, and restarts with the new settings when it
returns a version. ``import_folder`` is what the diagnostics mode calls with a USB folder.
``use_catalogues`` points the running catalogues at the applied bundle's files, once per start.

What it does not do: verify (``kiosk.config.updater``), or restart the kiosk (its owner does).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.audit import Audit, NullAudit
from kiosk.config.applied import AppliedConfig
from kiosk.config.settings import Settings
from kiosk.config.updater import BundleUpdater, CheckResult, Source, folder_source
from kiosk.domain import catalogues

log = logging.getLogger(__name__)
#: Audit event id recorded here (the audit catalogue lists it).
CATALOGUE_FALLBACK = "config-catalogue-fallback"


def begin(installed: Settings, audit: Audit | None = None) -> tuple[Settings, AppliedConfig]:
    """Count this start and return (the settings to start with, the applied store)."""
    applied = AppliedConfig(installed.config_dir, audit=audit)
    applied.begin_start()
    return applied.effective(installed), applied


def use_catalogues(applied: AppliedConfig, settings: Settings,
                   audit: Audit | None = None) -> list[catalogues.Fallback]:
    """Run the catalogues on the current bundle's files (``settings``: what ``begin``
    returned). A file found damaged or missing since it was checked is not used: the shipped
    catalogue is, and that is audited (the diagnostics' configuration check says it too)."""
    fell = catalogues.use(**applied.catalogue_files(settings))
    for f in fell:
        log.warning("%s catalogue=%s", CATALOGUE_FALLBACK, f.catalogue)
        (audit or NullAudit()).record(CATALOGUE_FALLBACK, catalogue=f.catalogue,
                                      version=applied.current, reason=f.reason[:200])
    return fell


def import_folder(installed: Settings, folder: Path, audit: Audit | None = None) -> CheckResult:
    """Verify and stage the bundle of a repository copy in ``folder`` (a USB drive written by
    ``kiosk-admin export``): for diagnostics mode on an offline kiosk. The bundle is applied
    at the next moment between visits (or the next start); a refusal keeps everything as is
    and is audited with its reason."""
    applied = AppliedConfig(installed.config_dir, audit=audit)
    return BundleUpdater(installed, applied, audit).check(folder_source(folder))


class ConfigAgent:
    """Checks a repository for this kiosk's bundle on a thread of its own.

    Args:
        installed: the install-time settings (kiosk id, groups, trusted root).
        applied: the applied-bundle store ``begin`` returned.
        source: the platform's repository (None: no platform, only USB imports).
        audit: where refusals, staged bundles and applications are recorded.
    """

    def __init__(self, installed: Settings, applied: AppliedConfig, source: Source | None, *,
                 audit: Audit | None = None) -> None:
        self.installed = installed
        self.applied = applied
        self.source = source
        self.every_s = installed.fleet.check_every_s
        self.updater = BundleUpdater(installed, applied, audit or NullAudit())
        self.last: CheckResult | None = None
        self._lock = threading.Lock()
        self._checked = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_staged: Callable[[int], None] | None = None

    @property
    def enabled(self) -> bool:
        return self.updater.enabled and self.source is not None

    def check_now(self) -> CheckResult:
        """One check against the platform (blocking: call it off the GUI thread)."""
        if not self.enabled or self.source is None:
            result = CheckResult("none", message="signed configuration is off")
        else:
            with self._lock:
                result = self.updater.check(self.source)
        self.last = result
        self._checked.set()
        if result.outcome == "staged" and self.on_staged and result.version is not None:
            self.on_staged(result.version)
        return result

    def import_folder(self, folder: Path) -> CheckResult:
        """A USB import in diagnostics mode (see the module function)."""
        with self._lock:
            return self.updater.check(folder_source(folder))

    def wait_checked(self, timeout_s: float) -> bool:
        """Wait until the first check since start has finished (True) or ``timeout_s``."""
        return self._checked.wait(timeout_s)

    def apply_between_visits(self) -> int | None:
        """Make a staged bundle current. Call only while no visit is going on; the caller
        restarts the kiosk with ``begin`` when a version comes back."""
        with self._lock:
            return self.applied.apply_staged()

    def status(self) -> dict:
        return self.applied.status()

    def start(self) -> None:
        if not self.enabled or (self._thread and self._thread.is_alive()):
            self._checked.set()
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="config-agent", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.check_now()
            except Exception:  # noqa: BLE001 - a bug must not end the checks; no data in logs
                log.exception("config-check-crashed")
                self._checked.set()
            self._stop.wait(self.every_s)
