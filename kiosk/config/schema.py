"""The one schema of a kiosk's settings (pydantic): every value typed and ranged.

Both the technician's settings file and an administrator's signed configuration bundle are
validated with these models (``kiosk.config.settings`` reads the file, ``kiosk.config.bundle``
the bundle). The sections a bundle may carry are ``BUNDLE_SECTIONS``; ``kiosk_id``,
``data_dir`` and ``[fleet]`` are set at install time only, so a bundle can never move a kiosk's
data or change whom it trusts.

Rules kept here and nowhere else: finite numbers only; timeouts within bounds (WCAG 2.2.1 asks
for at least 20 s of warning and at least ten extensions); ids match ``contract.wire.ID_PATTERN``;
URLs parse; keys decode; text holds no control characters; unknown keys are refused. No I/O:
reading files with a size limit is ``kiosk.config.settings``' job.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import unicodedata
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from contract.bundles import GROUP_PATTERN
from contract.wire import ID_PATTERN
from kiosk.flow.timeouts import Timeouts

EMBEDDED = "embedded"   # start the reference platform locally
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}   # controls, format chars, surrogates, unassigned


def _printable(value: str) -> str:
    for ch in value:
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            raise ValueError(f"contains the control character U+{ord(ch):04X}")
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, Field(min_length=min_length, max_length=max_length),
                     AfterValidator(_printable)]


def _url(value: str) -> str:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise ValueError(f"is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


def _platform_url(value: str) -> str:
    return value if value == EMBEDDED else _url(value)


def _tracking_url(value: str) -> str:
    _url(value.replace("{id}", "ID"))
    if "{id}" not in value:
        raise ValueError("must hold {id} where the application number goes")
    if value.replace("{id}", "").count("{") or value.replace("{id}", "").count("}"):
        raise ValueError("may hold no braces other than {id}")
    return value


def _key_of(length: int, kind: str) -> Any:
    def check(value: str) -> str:
        if not value:
            return value
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"is not base64 of a {kind} public key") from None
        if len(raw) != length:
            raise ValueError(f"an {kind} public key is {length} bytes, this is {len(raw)}")
        return value
    return AfterValidator(check)


def _argon2_hash(value: str) -> str:
    if value and not value.startswith("$argon2id$"):
        raise ValueError("must be an argon2id hash (kiosk-admin hash-pin), never a PIN itself")
    return value


def _path_value(value: Path) -> Path:
    if not str(value).strip() or str(value) == ".":
        raise ValueError("must name a folder")
    _printable(str(value))
    return value


DeviceUri = _text(256)
PinHash = Annotated[str, Field(max_length=256), AfterValidator(_printable),
                    AfterValidator(_argon2_hash)]
Seconds = Annotated[float, Field(allow_inf_nan=False)]


class _Section(BaseModel):
    # strict: 'true' is no boolean and "30" no number; frozen: settings never change in place.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class SiteKind(str, enum.Enum):
    """Where the kiosk stands (DESIGN.md "Where it stands")."""

    HALL = "hall"             # a county service hall (政务服务中心)
    TOWNSHIP = "township"     # a township or village service centre (便民服务中心/站)
    BANK = "bank"             # a bank branch (政银合作)


class Service(str, enum.Enum):
    """The services the start page may offer (the citizen services read this set)."""

    REGISTER = "register"     # 设立登记, the whole visit
    STATUS = "status"         # 进度查询
    REPRINT = "reprint"       # 执照补打
    RATING = "rating"         # 好差评
    HELP = "help"             # 呼叫工作人员 (帮办)


class Profile(_Section):
    site_kind: SiteKind = Field(default=SiteKind.HALL, strict=False)
    hall_name: _text(60, 1) = "西湖区政务服务中心"        # printed on receipts
    address: _text(120) = ""
    region_code: Annotated[str, Field(pattern=r"^[1-8][0-9]{5}$")] = "330106"   # GB/T 2260
    authority: _text(60, 1) = "杭州市西湖区市场监督管理局"                     # 登记机关


class Services(_Section):
    enabled: Annotated[list[Annotated[Service, Field(strict=False)]],
                       Field(min_length=1, max_length=len(Service))] = list(Service)


class Texts(_Section):
    hotline: Annotated[str, Field(pattern=r"^[0-9][0-9-]{2,19}$")] = "12345"
    tracking_url: Annotated[str, Field(max_length=512), AfterValidator(_printable),
                            AfterValidator(_tracking_url)] = \
        "https://zwfw.example.gov.cn/track?id={id}"   # the receipt's QR code
    notice: _text(200) = ""                            # a line on the start page, if any


class TimeoutSettings(_Section):
    """``kiosk.flow.timeouts.Timeouts`` with its bounds (ux.md "Time", WCAG 2.2.1)."""

    idle_warning_s: Annotated[Seconds, Field(ge=30, le=600)] = 120.0
    warning_s: Annotated[Seconds, Field(ge=20, le=300)] = 30.0
    max_extensions: Annotated[int, Field(ge=10, le=100)] = 10
    done_page_s: Annotated[Seconds, Field(ge=10, le=600)] = 60.0
    card_wait_s: Annotated[Seconds, Field(ge=20, le=600)] = 90.0
    paper_wait_s: Annotated[Seconds, Field(ge=20, le=900)] = 120.0

    def timeouts(self) -> Timeouts:
        return Timeouts(**self.model_dump())


class DeviceSettings(_Section):
    idcard: DeviceUri = "sim:"                     # /dev/idcard, /dev/ttyUSB0, sim: (empty), sim:<card>
    camera: DeviceUri = "sim://live"               # 0, /dev/video0, a folder, sim://live
    receipt_printer: DeviceUri = "sim"             # tcp://host:9100, serial:///dev/ttyS0, usb://..., sim
    licence_printer: DeviceUri = "pdf"             # pdf (to the data dir), cups:<printer name>
    wlt_decoder: _text(1024) = ""                  # vendor photo library (.so); empty: keep raw


class PlatformSettings(_Section):
    url: Annotated[str, Field(max_length=512), AfterValidator(_printable),
                   AfterValidator(_platform_url)] = EMBEDDED
    public_key: Annotated[str, Field(max_length=64), _key_of(32, "X25519")] = ""
    decision_key: Annotated[str, Field(max_length=64), _key_of(32, "Ed25519")] = ""
    timeout_s: Annotated[Seconds, Field(ge=0.5, le=120)] = 10.0
    submit_deadline_s: Annotated[Seconds, Field(ge=1, le=60)] = 5.0   # the wait at submit


class Catalogues(_Section):
    """Catalogues a bundle replaces: a TUF target path in the same repository, verified like
    the bundle (empty: the catalogue shipped with the software)."""

    scope: Annotated[str, Field(max_length=200, pattern=r"^(catalogues/[a-z0-9_.-]+\.json)?$")] = ""
    regions: Annotated[str, Field(max_length=200, pattern=r"^(catalogues/[a-z0-9_.-]+\.json)?$")] = ""


class DiagnosticsSettings(_Section):
    pin_hash: PinHash = ""        # the technicians' PIN (argon2id); empty: diagnostics locked
    timeout_s: Annotated[Seconds, Field(ge=30, le=3600)] = 300.0   # closes after this long untouched


class HelpSettings(_Section):
    """Hall staff at the kiosk (帮办): their PIN opens the staff actions on the screen."""

    staff_pin_hash: PinHash = ""  # argon2id ("kiosk hash-pin" makes one); empty: no staff actions
    max_failures: Annotated[int, Field(ge=1, le=20)] = 5       # wrong PINs before the pad locks
    lockout_s: Annotated[Seconds, Field(gt=0, le=3600)] = 30.0  # first lockout; each more doubles


ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]   # "02:00"


class MaintenanceSettings(_Section):
    """The nightly maintenance window (kiosk.maintenance), "HH:MM" in the kiosk's local time;
    an end before the start crosses midnight (a bank branch open late may want 23:00-01:00)."""

    start: ClockTime = "02:00"
    end: ClockTime = "05:00"

    @model_validator(mode="after")
    def _not_empty(self) -> MaintenanceSettings:
        if self.start == self.end:
            raise ValueError("start and end are the same time: the window would never open")
        return self

    def hours(self) -> tuple[dt.time, dt.time]:
        return dt.time.fromisoformat(self.start), dt.time.fromisoformat(self.end)


class ScreenSettings(_Section):
    """Burn-in protection on the idle start page (ui/qml/BurnIn.qml): after ``burn_in_after_min``
    idle minutes the header and footer move one step every ``burn_in_every_s``, at most
    ``burn_in_shift_px`` from their place. An LCD panel needs little; an OLED or plasma panel
    more, and more often; 0 px turns it off."""

    burn_in_shift_px: Annotated[int, Field(ge=0, le=16)] = 4
    burn_in_after_min: Annotated[int, Field(ge=1, le=120)] = 3
    burn_in_every_s: Annotated[Seconds, Field(ge=10, le=3600)] = 60.0


ESPEAK, NO_VOICE = "espeak-ng", "none"


def _voice_engine(value: str) -> str:
    if value in (ESPEAK, NO_VOICE) or value.startswith("/"):
        return value
    raise ValueError(f'must be "{ESPEAK}", "{NO_VOICE}" or the absolute path of a voice engine')


class VoiceSettings(_Section):
    """Voice guidance (kiosk.voice): the engine that turns a page's text into speech.

    An engine given by path reads UTF-8 text on stdin and writes a WAV to stdout
    (kiosk/voice/engines.py); espeak-ng speaks with ``voice`` at ``rate``, and at
    ``elderly_rate`` while the person uses 长辈版 (older listeners follow slower speech better).
    ``volume`` is the level each visit starts at (the person may change it; it is reset at
    every wipe)."""

    engine: Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_printable),
                      AfterValidator(_voice_engine)] = ESPEAK
    voice: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")] = "cmn"
    rate: Annotated[int, Field(ge=80, le=400)] = 150        # words a minute (espeak-ng -s)
    elderly_rate: Annotated[int, Field(ge=80, le=400)] = 120   # the same, in 长辈版
    volume: Annotated[int, Field(ge=10, le=100)] = 70        # per cent of full scale
    timeout_s: Annotated[Seconds, Field(gt=0, le=60)] = 15.0   # one page's synthesis at most

    @property
    def enabled(self) -> bool:
        return self.engine != NO_VOICE


class FleetSettings(_Section):
    """Install-time only: which groups this kiosk is in and the TUF root it trusts."""

    groups: Annotated[list[Annotated[str, Field(pattern=GROUP_PATTERN)]],
                      Field(max_length=8)] = []
    trusted_root: Annotated[str, Field(max_length=1024), AfterValidator(_printable)] = ""
    check_every_s: Annotated[Seconds, Field(ge=30, le=86400)] = 300.0
    heartbeat_every_s: Annotated[Seconds, Field(ge=30, le=3600)] = 300.0


#: What a configuration bundle may set (the install-time keys are not among them).
BUNDLE_SECTIONS = ("profile", "services", "texts", "timeouts", "devices", "catalogues",
                   "platform", "diagnostics", "help", "voice", "maintenance", "screen",
                   "elderly_default")


class SettingsModel(_Section):
    """The whole settings tree; ``kiosk.config.settings.Settings`` adds the derived paths."""

    kiosk_id: Annotated[str, Field(pattern=ID_PATTERN)] = "kiosk-dev-0001"
    data_dir: Annotated[Path, Field(strict=False), AfterValidator(_path_value)] = Path(".kiosk-data")
    elderly_default: bool = False
    # Install-time: the window fills the screen it is on (the kiosk's panel, either way up);
    # false: a window of the screen's available size, for a desk or a second monitor.
    full_screen: bool = True
    profile: Profile = Profile()
    services: Services = Services()
    texts: Texts = Texts()
    timeouts_settings: TimeoutSettings = Field(default=TimeoutSettings(), alias="timeouts")
    devices: DeviceSettings = DeviceSettings()
    catalogues: Catalogues = Catalogues()
    platform: PlatformSettings = PlatformSettings()
    diagnostics: DiagnosticsSettings = DiagnosticsSettings()
    help: HelpSettings = HelpSettings()
    voice: VoiceSettings = VoiceSettings()
    maintenance: MaintenanceSettings = MaintenanceSettings()
    screen: ScreenSettings = ScreenSettings()
    fleet: FleetSettings = FleetSettings()

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False,
                              populate_by_name=True)


class BundleSettings(_Section):
    """The settings part of a bundle: any of ``BUNDLE_SECTIONS``, each whole or in part."""

    elderly_default: bool | None = None
    profile: dict[str, Any] | None = None
    services: dict[str, Any] | None = None
    texts: dict[str, Any] | None = None
    timeouts: dict[str, Any] | None = None
    devices: dict[str, Any] | None = None
    catalogues: dict[str, Any] | None = None
    platform: dict[str, Any] | None = None
    diagnostics: dict[str, Any] | None = None
    help: dict[str, Any] | None = None
    voice: dict[str, Any] | None = None
    maintenance: dict[str, Any] | None = None
    screen: dict[str, Any] | None = None

    def overlay(self) -> dict[str, Any]:
        """The sections it sets, as a settings-shaped dict."""
        return self.model_dump(exclude_none=True)

