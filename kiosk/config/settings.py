"""This kiosk's local settings: identity, where its data lives, the platform, its devices.

Read from a TOML file (``KIOSK_CONFIG`` or ``--config``) over embedded defaults that run the
whole kiosk on one machine: simulated devices, a local platform on loopback, SQLite under
``.kiosk-data/``. Unknown keys and wrong types are refused with a message that names the key,
so a typo never silently falls back to a default. Signed configuration bundles pushed by
administrators are a separate, later layer; this is what a technician sets at install time.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import argon2

from contract import signing
from kiosk.domain import catalogues
from kiosk.flow.timeouts import Timeouts

EMBEDDED = "embedded"   # start the reference platform locally


class SettingsError(ValueError):
    """The configuration file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class PlatformSettings:
    url: str = EMBEDDED
    public_key: str = ""         # base64 X25519; read from the embedded platform when empty
    decision_key: str = ""       # base64 Ed25519 the platform signs decisions with; likewise
    timeout_s: float = 10.0
    submit_deadline_s: float = 5.0   # how long a person waits at submit for the platform's answer


@dataclass(frozen=True)
class DeviceSettings:
    idcard: str = "sim:"                     # /dev/idcard, /dev/ttyUSB0, sim: (empty), sim:<card>
    camera: str = "sim://live"               # 0, /dev/video0, a folder, sim://live
    receipt_printer: str = "sim"             # tcp://host:9100, serial:///dev/ttyS0, usb://..., sim
    licence_printer: str = "pdf"             # pdf (to the data dir), cups:<printer name>
    wlt_decoder: str = ""                    # vendor photo library (.so); empty: keep raw


@dataclass(frozen=True)
class StaffSettings:
    """Hall staff at the kiosk (帮办): their PIN opens the staff actions on the screen."""

    pin_hash: str = ""           # Argon2id hash ("kiosk hash-pin" makes one); empty: no actions
    max_failures: int = 5        # wrong PINs in a row before the pad locks
    lockout_s: float = 30.0      # the first lockout; each further wrong PIN doubles it


@dataclass(frozen=True)
class Settings:
    kiosk_id: str = "kiosk-dev-0001"
    data_dir: Path = Path(".kiosk-data")
    hall: str = "西湖区政务服务中心"           # printed on receipts
    region_code: str = "330106"              # the hall's county (GB/T 2260): names, addresses
    hotline: str = "12345"
    tracking_url: str = "https://zwfw.example.gov.cn/track?id={id}"   # the receipt's QR code
    elderly_default: bool = False
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    timeouts: Timeouts = field(default_factory=Timeouts)
    staff: StaffSettings = field(default_factory=StaffSettings)

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
    def ratings_path(self) -> Path:
        """好差评 ratings waiting for the platform."""
        return self.data_dir / "queue" / "ratings.db"


_SECTIONS = {"platform": PlatformSettings, "devices": DeviceSettings, "timeouts": Timeouts,
             "staff": StaffSettings}


def _coerce(where: str, name: str, value: Any, default: Any) -> Any:
    expected = type(default)
    if isinstance(default, Path):
        if not isinstance(value, str) or not value:
            raise SettingsError(f"{where}: {name} must be a path (text), got {value!r}")
        return Path(value)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise SettingsError(f"{where}: {name} must be {expected.__name__}, got {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        raise SettingsError(f"{where}: {name} must not be negative, got {value!r}")
    return value


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise SettingsError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(known))}")
    defaults = cls()
    kwargs = {}
    for name, value in values.items():
        if name in _SECTIONS:
            if not isinstance(value, dict):
                raise SettingsError(f"{where}: [{name}] must be a table")
            kwargs[name] = _build(_SECTIONS[name], value, f"{where} [{name}]")
        else:
            kwargs[name] = _coerce(where, name, value, getattr(defaults, name))
    return cls(**kwargs)


def parse(text: str, where: str = "<config>") -> Settings:
    """Settings from TOML text. Raises SettingsError for anything unusable."""
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where}: not valid TOML: {exc}") from None
    settings = _build(Settings, values, where)
    p = settings.platform
    if p.url != EMBEDDED and not (p.public_key and p.decision_key):
        # Only the embedded platform can hand the kiosk its keys; without the decision key no
        # approval would ever verify, and no licence would be printed.
        raise SettingsError(f"{where} [platform]: with a url, set public_key and decision_key "
                            "(the platform's keys/platform_x25519.pub and decision_ed25519.pub)")
    if p.decision_key:
        try:
            signing.load_public_key(p.decision_key)
        except signing.KeyTextError as exc:
            raise SettingsError(f"{where} [platform]: decision_key: {exc}") from None
    if settings.timeouts.warning_s < 20:
        raise SettingsError(f"{where} [timeouts]: warning_s must be at least 20 (WCAG 2.2.1)")
    if settings.timeouts.max_extensions < 10:
        raise SettingsError(f"{where} [timeouts]: max_extensions must be at least 10 (WCAG 2.2.1)")
    _check_staff(settings.staff, where)
    region = catalogues.region(settings.region_code)
    if region is None or not region.current or region.level == "province":
        raise SettingsError(f"{where}: region_code must be the hall's current county (or city) "
                            f"code of GB/T 2260, e.g. 330106; got {settings.region_code!r}")
    return settings


def _check_staff(staff: StaffSettings, where: str) -> None:
    if staff.pin_hash:
        try:
            params = argon2.extract_parameters(staff.pin_hash)
        except argon2.exceptions.InvalidHashError:
            params = None
        if params is None or params.type is not argon2.Type.ID:
            raise SettingsError(f"{where} [staff]: pin_hash must be an Argon2id hash "
                                "(make one with: kiosk hash-pin)")
    if staff.max_failures < 1 or staff.lockout_s <= 0:
        raise SettingsError(f"{where} [staff]: max_failures must be at least 1 and lockout_s "
                            "more than 0")


def load(path: Path | str | None = None) -> Settings:
    """Settings from ``path``, else ``$KIOSK_CONFIG``, else the embedded defaults."""
    chosen = path or os.environ.get("KIOSK_CONFIG")
    if not chosen:
        return Settings()
    p = Path(chosen)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{p}: cannot be read: {exc}") from None
    return parse(text, str(p))
