"""This kiosk's settings: read a TOML file safely and validate it with the one schema.

Read from a TOML file (``KIOSK_CONFIG`` or ``--config``) over embedded defaults that run the
whole kiosk on one machine: simulated devices, a local platform on loopback, SQLite under
``.kiosk-data/``. The schema is ``kiosk.config.schema``; a signed configuration bundle is laid
over the file's values (``with_bundle``) and validated by the same schema.

Whatever the input (a huge file, a device or FIFO, bytes that are not UTF-8, deep nesting, NaN,
control characters, wrong types, unknown keys), the only exception is ``SettingsError``, whose
message names the file and the key. What it does not do: fetch or verify bundles
(``kiosk.config.updater``) or decide which bundle applies (``kiosk.config.applied``).
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import assets
from kiosk.config.schema import (EMBEDDED, BundleSettings, DeviceSettings, DiagnosticsSettings,
                                 FleetSettings, HelpSettings, PlatformSettings, SettingsModel)
from kiosk.domain import catalogues
from kiosk.flow.timeouts import Timeouts

__all__ = ["EMBEDDED", "MAX_FILE_BYTES", "DeviceSettings", "DiagnosticsSettings", "FleetSettings",
           "HelpSettings", "PlatformSettings",
           "Settings", "SettingsError", "load", "parse", "read_limited", "with_bundle"]

MAX_FILE_BYTES = 256 * 1024   # a settings file is a page of TOML; a bundle a few pages
MAX_DOTS_PER_LINE = 200       # see parse_toml


class SettingsError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


class Settings(SettingsModel):
    """A kiosk's whole settings, with the paths and texts the parts read."""

    @property
    def timeouts(self) -> Timeouts:
        return self.timeouts_settings.timeouts()

    @property
    def hall(self) -> str:
        return self.profile.hall_name

    @property
    def hotline(self) -> str:
        return self.texts.hotline

    @property
    def tracking_url(self) -> str:
        return self.texts.tracking_url

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "queue" / "outbox.db"

    @property
    def key_path(self) -> Path:
        """This kiosk's private signing key (created on first start)."""
        return self.data_dir / "identity" / "kiosk.key"

    @property
    def config_dir(self) -> Path:
        """Applied bundles and the TUF client's metadata (``kiosk.config.applied``)."""
        return self.data_dir / "config"

    def values(self) -> dict[str, Any]:
        """The settings as the file would spell them (for laying a bundle over them)."""
        return self.model_dump(mode="json", by_alias=True)

    @property
    def audit_path(self) -> Path:
        """The hash-chained audit log (kiosk.audit)."""
        return self.data_dir / "audit" / "audit.log"

    @property
    def instance_lock_path(self) -> Path:
        """Held by the running kiosk process (kiosk.instance): one process per data folder."""
        return self.data_dir / "run" / "kiosk.lock"

    @property
    def diagnostics_socket(self) -> Path:
        """Where a running kiosk answers ``kiosk diag`` (owner-only folder)."""
        return self.data_dir / "run" / "diag.sock"

    @property
    def ratings_path(self) -> Path:
        """好差评 ratings waiting for the platform."""
        return self.data_dir / "queue" / "ratings.db"


def _where(loc: tuple[Any, ...]) -> str:
    names = [str(x) for x in loc]
    if len(names) >= 2:
        return f"[{names[0]}] " + ".".join(names[1:])
    return names[0] if names else "(top level)"


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return f"a {'table' if isinstance(value, dict) else 'list'}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe(exc: ValidationError) -> str:
    """Each failed key with what was wrong, the offending value shortened."""
    parts = []
    for e in exc.errors(include_url=False)[:5]:
        where = _where(tuple(e.get("loc", ())))
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        if e.get("type") == "extra_forbidden":
            msg = "unknown key"
        elif e.get("type") != "missing" and "input" in e:
            msg = f"{msg}, got {_shown(e['input'])}"
        parts.append(f"{where}: {msg}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def from_values(values: Any, where: str = "<config>", *,
                regions: catalogues.RegionLookup | None = None) -> Settings:
    """Settings from an already parsed tree. Raises SettingsError for anything unusable.

    ``regions`` is the regions catalogue ``[profile] region_code`` is checked against (default:
    the one in use); a bundle's settings are checked against the regions it brings."""
    if not isinstance(values, dict):
        raise SettingsError(f"{where}: settings must be a table")
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise SettingsError(f"{where}: {describe(exc)}") from None
    except (RecursionError, MemoryError, TypeError, ValueError, OverflowError) as exc:
        raise SettingsError(f"{where}: cannot be used: {type(exc).__name__}") from None
    p = settings.platform
    if p.url != EMBEDDED and not (p.public_key and p.decision_key):
        # Only the embedded platform can hand the kiosk its keys; without the decision key no
        # approval would ever verify, and no licence would be printed.
        raise SettingsError(f"{where}: [platform] url: with a url, set public_key and "
                            "decision_key (the platform's keys/platform_x25519.pub and "
                            "decision_ed25519.pub)")
    region = (regions or catalogues.region)(settings.profile.region_code)
    if region is None or not region.current or region.level == "province":
        # The name's 行政区划 and the address picker start from it.
        raise SettingsError(f"{where}: [profile] region_code: must be the hall's current county "
                            f"(or city) code of GB/T 2260, e.g. 330106; got "
                            f"{settings.profile.region_code!r}")
    return settings


def parse(text: str, where: str = "<config>") -> Settings:
    """Settings from TOML text. Raises SettingsError for anything unusable."""
    return from_values(parse_toml(text, where), where)


def parse_toml(text: str, where: str = "<config>") -> dict[str, Any]:
    """A TOML document as a dict. Raises SettingsError, never anything else."""
    if len(text) > MAX_FILE_BYTES:
        raise SettingsError(f"{where}: larger than {MAX_FILE_BYTES} bytes")
    # tomllib takes time and memory quadratic in a dotted key's parts: one line of 100,000
    # "a.a.a..." (200 KB, within the size limit) ran out of memory. No kiosk setting is nested
    # more than a few levels, and no text needs this many full stops on one line.
    if max((line.count(".") for line in text.splitlines()), default=0) > MAX_DOTS_PER_LINE:
        raise SettingsError(f"{where}: a line with more than {MAX_DOTS_PER_LINE} full stops "
                            "(keys nested too deep)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where}: not valid TOML: {exc}") from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        # tomllib recurses per nesting level: a 5,000-deep array ends here, not in a traceback.
        raise SettingsError(f"{where}: not usable TOML ({type(exc).__name__}: nested too deep "
                            "or too large)") from None


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit`` (``assets.read_regular``).

    Raises:
        SettingsError: missing, unreadable, not a regular file, or larger than ``limit``.
    """
    try:
        return assets.read_regular(path, limit)
    except assets.FileRefused as exc:
        raise SettingsError(str(exc)) from None


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A regular file's UTF-8 text, at most ``limit`` bytes. Raises SettingsError."""
    try:
        return read_limited(path, limit).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def load(path: Path | str | None = None) -> Settings:
    """Settings from ``path``, else ``$KIOSK_CONFIG``, else the embedded defaults."""
    chosen = path or os.environ.get("KIOSK_CONFIG")
    if not chosen:
        return Settings()
    p = Path(chosen)
    return parse(read_text(p), str(p))


def with_bundle(settings: Settings, bundle: BundleSettings, where: str = "<bundle>", *,
                regions: catalogues.RegionLookup | None = None) -> Settings:
    """The installed settings with a bundle's sections laid over them, validated again
    (``[profile] region_code`` against ``regions``, as in ``from_values``).

    A bundle section sets the keys it names and leaves the others as installed.

    Raises:
        SettingsError: the result breaks the schema (named as in ``where``).
    """
    values = settings.values()
    for section, value in bundle.overlay().items():
        if isinstance(value, dict):
            values[section] = {**values.get(section, {}), **value}
        else:
            values[section] = value
    return from_values(values, where, regions=regions)
