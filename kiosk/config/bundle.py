"""A configuration bundle: what administrators sign and kiosks apply, and why one is refused.

A bundle is a JSON document ``{"format": 1, "version": N, "scope": S, "note": ..., "settings":
{...}}``: its ``settings`` are any of ``kiosk.config.schema.BUNDLE_SECTIONS``, laid over the
installed settings and validated by the same schema as the settings file. ``scope`` is
``all``, ``group:<group>`` or ``kiosk:<kiosk id>``; each scope has one fixed TUF target path
(``bundle_path``), and a kiosk applies the most specific bundle there is for it
(``candidate_paths``: its own, then its groups in the order it lists them, then all).

``Refusal`` is the closed set of reasons a bundle is refused; each is audited with
``config-bundle-refused``. No I/O, no TUF here (``kiosk.config.updater`` verifies).
"""
from __future__ import annotations

import enum
import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.wire import ID_PATTERN
from kiosk.config.schema import GROUP_PATTERN, BundleSettings
from kiosk.config.settings import Settings, SettingsError, describe, with_bundle

FORMAT = 1
MAX_BUNDLE_BYTES = 256 * 1024
ALL = "all"
SCOPE_PATTERN = (rf"^(all|group:{GROUP_PATTERN[1:-1]}|kiosk:{ID_PATTERN[1:-1]})$")


class Refusal(str, enum.Enum):
    """Why a kiosk refused a bundle and kept its configuration (audited as ``reason``)."""

    UNSIGNED = "unsigned"            # metadata carries no signature
    UNKNOWN_KEY = "unknown-key"      # signed, but by no key its root trusts for the role
    TOO_FEW_KEYS = "too-few-keys"    # fewer trusted signatures than the threshold
    TAMPERED = "tampered"            # a signature or hash does not match the bytes
    ROLLBACK = "rollback"            # metadata older than what the kiosk already saw
    OLDER = "older"                  # a bundle version below the one applied
    EXPIRED = "expired"              # metadata past its expiry (a frozen repository)
    INVALID = "invalid"              # not a bundle, or breaks the settings schema
    NOT_JSON = "not-json"            # the bundle's bytes are not JSON at all
    UNREACHABLE = "unreachable"      # no repository could be read (offline): nothing changes


class BundleError(Exception):
    """A bundle refused; ``reason`` is a ``Refusal`` value, the message says what failed."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason.value


class Bundle(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    format: Literal[1]
    version: Annotated[int, Field(ge=1, le=2**31)]
    scope: Annotated[str, Field(pattern=SCOPE_PATTERN)]
    note: Annotated[str, Field(max_length=200)] = ""
    settings: BundleSettings


def bundle_path(scope: str) -> str:
    """The TUF target path of a scope's bundle.

    Raises:
        ValueError: not a scope (``all``, ``group:<g>``, ``kiosk:<id>``).
    """
    if not re.match(SCOPE_PATTERN, scope):
        raise ValueError(f"not a scope: {scope!r} (all, group:<group>, kiosk:<kiosk id>)")
    if scope == ALL:
        return "bundles/all.json"
    kind, name = scope.split(":", 1)
    return f"bundles/{kind}/{name}.json"


def candidate_paths(kiosk_id: str, groups: list[str]) -> list[str]:
    """The bundle paths that would apply to this kiosk, the most specific first."""
    return [bundle_path(f"kiosk:{kiosk_id}"), *(bundle_path(f"group:{g}") for g in groups),
            bundle_path(ALL)]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a bundle may hold")


def parse_bundle(raw: bytes, installed: Settings, where: str = "bundle") -> tuple[Bundle, Settings]:
    """A bundle's bytes checked against the schema, and the settings it would give.

    Raises:
        BundleError: ``not-json`` or ``invalid`` (the message names the key).
    """
    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError(Refusal.INVALID, f"{where}: larger than {MAX_BUNDLE_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError(Refusal.NOT_JSON, f"{where}: not JSON ({type(exc).__name__})") from None
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        raise BundleError(Refusal.INVALID, f"{where}: {describe(exc)}") from None
    except (RecursionError, TypeError, ValueError) as exc:
        raise BundleError(Refusal.INVALID, f"{where}: {type(exc).__name__}") from None
    try:
        return bundle, with_bundle(installed, bundle.settings, where)
    except SettingsError as exc:
        raise BundleError(Refusal.INVALID, str(exc)) from None


def bundle_from_toml(values: dict[str, Any], version: int, scope: str,
                     installed: Settings | None = None) -> bytes:
    """The bundle bytes for a readable TOML's tables (``kiosk-admin build``), validated.

    Raises:
        BundleError: the TOML's settings break the schema.
    """
    note = values.pop("note", "") if isinstance(values.get("note", ""), str) else ""
    doc = {"format": FORMAT, "version": version, "scope": scope, "note": note,
           "settings": values}
    try:
        raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1,
                         allow_nan=False).encode()
    except ValueError as exc:   # NaN or infinity from the TOML
        raise BundleError(Refusal.INVALID, f"bundle: {exc}") from None
    parse_bundle(raw, installed or Settings(), "bundle")
    return raw
