"""Fetching and verifying configuration bundles with ``tuf.ngclient``.

``BundleUpdater.check(source)`` runs TUF's client workflow against a repository, from the
platform (``platform_source``: signed requests through the kiosk's client) or from a folder
(``folder_source``: a USB copy imported in diagnostics mode). It verifies against the root the
kiosk was installed with (``[fleet] trusted_root``, then the roots it has followed since, kept
in ``config/tuf/root_history``), finds the most specific bundle for this kiosk, downloads it
and the catalogues it names (TUF targets beside it: length and hashes verified by tuf, then the
content by ``kiosk.domain.catalogues``' own builders), checks it against the settings schema
(its region code against the regions it brings) and the version already applied, and stages it
with its catalogues in ``kiosk.config.applied``. A bundle one of whose catalogues fails any
check is refused whole. Signature thresholds, rollback and freeze protection, expiry and root
rotation are tuf's; this module only names the reason of a refusal for the audit log.

What it does not do: apply a bundle (the kiosk does that between visits) or decide the schema.
"""
from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from securesystemslib.exceptions import UnverifiedSignatureError
from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import Metadata, Root, Snapshot, Targets, Timestamp
from tuf.api.serialization import DeserializationError
from tuf.ngclient import Updater, UpdaterConfig
from tuf.ngclient.fetcher import FetcherInterface

from kiosk.audit import Audit, NullAudit
from kiosk.config.applied import AppliedConfig
from kiosk.config.bundle import (MAX_BUNDLE_BYTES, Bundle, BundleError, Refusal, bundle_path,
                                 candidate_paths, catalogue_targets, parse_bundle, read_bundle)
from kiosk.config.settings import Settings, SettingsError, read_limited
from kiosk.domain import catalogues

log = logging.getLogger(__name__)

MAX_METADATA_BYTES = 512 * 1024
MAX_TARGET_BYTES = max(MAX_BUNDLE_BYTES, catalogues.MAX_FILE_BYTES)   # a bundle or a catalogue
#: Audit event ids this module records (the audit catalogue lists them).
REFUSED = "config-bundle-refused"
STAGED = "config-bundle-staged"


class NotFound(Exception):
    """The repository has no such file (HTTP 404, or not in the folder)."""


class Unreachable(Exception):
    """The repository could not be read at all (offline, refused, broken answer)."""


Get = Callable[[str], bytes]   # a repository-relative path -> its bytes


@dataclass(frozen=True)
class Source:
    """Where a repository is read from: ``get("metadata/3.root.json")`` returns bytes."""

    name: str          # "platform" or "usb" (audited)
    get: Get


def folder_source(folder: Path) -> Source:
    """A repository copy in a folder (``kiosk-admin export`` wrote ``kiosk-config/``)."""
    base = Path(folder)
    if (base / "kiosk-config").is_dir():
        base = base / "kiosk-config"

    def get(rel: str) -> bytes:
        path = (base / rel).resolve()
        if base.resolve() not in path.parents:
            raise NotFound(rel)
        if not path.exists():
            raise NotFound(rel)
        try:
            return read_limited(path, MAX_TARGET_BYTES if rel.startswith("targets/")
                                else MAX_METADATA_BYTES)
        except SettingsError as exc:
            raise Unreachable(str(exc)) from None
    return Source("usb", get)


def platform_source(fetch: Callable[[str], bytes | None]) -> Source:
    """The platform's repository; ``fetch(rel)`` returns bytes, None for 404, or raises."""
    def get(rel: str) -> bytes:
        data = fetch(rel)
        if data is None:
            raise NotFound(rel)
        return data
    return Source("platform", get)


class _Fetcher(FetcherInterface):
    """tuf's fetcher over a ``Source``; remembers the last metadata it fetched, so that an
    unverified one can be explained (unsigned, unknown key, too few keys, tampered)."""

    PREFIX = "repo:/"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.last: tuple[str, bytes] | None = None

    def _fetch(self, url: str) -> Iterator[bytes]:
        rel = url.removeprefix(self.PREFIX)
        try:
            data = self.source.get(rel)
        except NotFound:
            raise tuf_errors.DownloadHTTPError(f"{rel} not found", 404) from None
        except Unreachable as exc:
            raise tuf_errors.DownloadError(f"{rel}: {exc}") from None
        if rel.startswith("metadata/"):
            self.last = (rel, data)
        return iter([data])


@dataclass(frozen=True)
class CheckResult:
    """What one check did: ``staged`` a new version, found it ``current``, found ``none``,
    or ``refused`` with a reason (the kiosk keeps its configuration)."""

    outcome: str
    version: int | None = None
    reason: str = ""
    message: str = ""


class BundleUpdater:
    """Checks a repository for this kiosk's bundle and stages a good one.

    Args:
        installed: the settings from the install-time file (kiosk id, groups, trusted root).
        applied: the kiosk's applied bundles.
        audit: where refusals and staged bundles are recorded.
    """

    def __init__(self, installed: Settings, applied: AppliedConfig,
                 audit: Audit | None = None) -> None:
        self.installed = installed
        self.applied = applied
        self.audit = audit or NullAudit()
        self.metadata_dir = metadata_dir(installed)

    @property
    def enabled(self) -> bool:
        return bool(self.installed.fleet.trusted_root)

    def check(self, source: Source) -> CheckResult:
        """Fetch, verify and stage. Never raises for what a repository holds."""
        if not self.enabled:
            return CheckResult("none", message="no trusted root installed: signed "
                                               "configuration is off")
        try:
            return self._check(source)
        except BundleError as exc:
            return self._refused(source, exc.reason, str(exc))

    def _check(self, source: Source) -> CheckResult:
        try:
            bootstrap = read_limited(Path(self.installed.fleet.trusted_root), MAX_METADATA_BYTES)
        except SettingsError as exc:
            raise BundleError(Refusal.INVALID, f"trusted root: {exc}") from None
        self.metadata_dir.mkdir(parents=True, exist_ok=True)
        fetcher = _Fetcher(source)
        with tempfile.TemporaryDirectory(dir=self.installed.config_dir) as downloads:
            try:
                updater = Updater(str(self.metadata_dir), _Fetcher.PREFIX + "metadata/",
                                  downloads, _Fetcher.PREFIX + "targets/", fetcher,
                                  UpdaterConfig(prefix_targets_with_hash=True),
                                  bootstrap=bootstrap)
                updater.refresh()
                found = None
                for path in candidate_paths(self.installed.kiosk_id, self.installed.fleet.groups):
                    found = updater.get_targetinfo(path)
                    if found is not None:
                        break
                if found is None:
                    return CheckResult("none", message="no bundle for this kiosk")
                version = (found.custom or {}).get("bundle_version")
                if not isinstance(version, int) or isinstance(version, bool):
                    raise BundleError(Refusal.INVALID, f"{found.path}: no bundle_version")
                current = self.applied.newest_version()
                if current is not None and version == current:
                    return CheckResult("current", version)
                if current is not None and version < current:
                    raise BundleError(Refusal.OLDER, f"bundle version {version} is older than "
                                                     f"the applied version {current}")
                raw = Path(updater.download_target(found)).read_bytes()
                bundle = read_bundle(raw, found.path)
                if bundle.version != version or bundle_path(bundle.scope) != found.path:
                    raise BundleError(Refusal.TAMPERED, "the bundle's own version or scope "
                                                        "differs from its signed target metadata")
                files = self._catalogues(updater, found.path, bundle)
                parse_bundle(raw, self.installed, found.path,
                             regions=catalogues.region_lookup(files.get(catalogues.REGIONS)))
                kept = {kind: read_limited(path, catalogues.MAX_FILE_BYTES)
                        for kind, path in files.items()}
            except tuf_errors.DownloadError as exc:
                return self._refused(source, Refusal.UNREACHABLE.value, str(exc))
            except tuf_errors.RepositoryError as exc:
                reason = _explain(exc, fetcher.last, self.metadata_dir)
                return self._refused(source, reason.value, f"{type(exc).__name__}: {exc}")
            except (OSError, ValueError) as exc:   # e.g. metadata that is not JSON
                return self._refused(source, Refusal.INVALID.value, type(exc).__name__)
        self.applied.stage(version, raw, source=source.name, catalogue_files=kept)
        self.audit.record(STAGED, version=version, source=source.name, scope=bundle.scope)
        return CheckResult("staged", version)

    def _catalogues(self, updater: Updater, where: str, bundle: Bundle) -> dict[str, Path]:
        """Download the catalogues the bundle names (tuf checks length and hashes against the
        signed targets metadata) and check each with the catalogues' own rules.

        Raises:
            BundleError: ``invalid`` for a catalogue the repository lacks, too large or
                malformed; tuf's errors for one that does not verify.
        """
        files: dict[str, Path] = {}
        for kind, target in catalogue_targets(self.installed, bundle).items():
            info = updater.get_targetinfo(target)
            if info is None:
                raise BundleError(Refusal.INVALID, f"{where} names the catalogue {target}, "
                                                   "which the repository does not hold")
            if info.length > catalogues.MAX_FILE_BYTES:
                raise BundleError(Refusal.INVALID, f"{target}: {info.length} bytes, more than "
                                                   f"a catalogue may hold "
                                                   f"({catalogues.MAX_FILE_BYTES})")
            files[kind] = Path(updater.download_target(info))
            try:
                catalogues.check_file(kind, files[kind])
            except catalogues.CatalogueError as exc:
                raise BundleError(Refusal.INVALID, f"{target}: {exc}") from None
        return files

    def _refused(self, source: Source, reason: str, message: str) -> CheckResult:
        if reason != Refusal.UNREACHABLE.value:
            log.warning("config-bundle-refused reason=%s source=%s", reason, source.name)
            self.audit.record(REFUSED, reason=reason, source=source.name, detail=message[:200])
            self.applied.note_refused(reason, message[:200])
        return CheckResult("refused", reason=reason, message=message)


def metadata_dir(installed: Settings) -> Path:
    """Where tuf keeps the metadata this kiosk verified (``root.json``, ``timestamp.json``…)."""
    return installed.config_dir / "tuf"


@dataclass(frozen=True)
class TrustedRole:
    """One role's metadata as this kiosk last verified and kept it."""

    version: int
    expires: dt.datetime          # aware, UTC
    keyids: tuple[str, ...]       # the keys whose signatures it carries


def trusted_roles(installed: Settings) -> dict[str, TrustedRole]:
    """The kept metadata's versions and expiry, for the diagnostics (read only: nothing is
    verified again or written; a role missing or unreadable is left out)."""
    out: dict[str, TrustedRole] = {}
    for role in (Root.type, Timestamp.type, Snapshot.type, Targets.type):
        try:
            md = Metadata.from_bytes(read_limited(metadata_dir(installed) / f"{role}.json",
                                                  MAX_METADATA_BYTES))
        except (SettingsError, DeserializationError):
            continue
        out[role] = TrustedRole(md.signed.version, md.signed.expires, tuple(md.signatures))
    return out


def _explain(exc: tuf_errors.RepositoryError, last: tuple[str, bytes] | None,
             metadata_dir: Path) -> Refusal:
    """The audit reason of a TUF refusal. tuf decided; this only names it for people."""
    if isinstance(exc, tuf_errors.ExpiredMetadataError):
        return Refusal.EXPIRED
    if isinstance(exc, tuf_errors.LengthOrHashMismatchError):
        return Refusal.TAMPERED
    if isinstance(exc, tuf_errors.BadVersionNumberError):
        return Refusal.ROLLBACK
    if not isinstance(exc, tuf_errors.UnsignedMetadataError) or last is None:
        return Refusal.INVALID
    try:
        md = Metadata.from_bytes(last[1])
        root = Metadata[Root].from_file(str(metadata_dir / "root.json")).signed
        role = root.roles[md.signed.type]
    except Exception:  # noqa: BLE001 - an unreadable file is simply "tampered"
        return Refusal.TAMPERED
    if not md.signatures:
        return Refusal.UNSIGNED
    known = [s for s in md.signatures.values() if s.keyid in role.keyids]
    if not known:
        return Refusal.UNKNOWN_KEY
    good = 0
    for sig in known:
        try:
            root.get_key(sig.keyid).verify_signature(sig, md.signed_bytes)
            good += 1
        except UnverifiedSignatureError:
            pass
    return Refusal.TOO_FEW_KEYS if good else Refusal.TAMPERED
