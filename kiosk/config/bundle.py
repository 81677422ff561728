"""A configuration bundle: what administrators sign and kiosks apply, and why one is refused.

A bundle is a JSON document ``{"format": 1, "version": N, "scope": S, "note": ..., "settings":
{...}}``: its ``settings`` are any of ``kiosk.config.schema.BUNDLE_SECTIONS``, laid over the
installed settings and validated by the same schema as the settings file. ``scope`` is
``all``, ``group:<group>`` or ``kiosk:<kiosk id>``; each scope has one fixed TUF target path
(``bundle_path``), and a kiosk applies the most specific bundle there is for it
(``candidate_paths``: its own, then its groups in the order it lists them, then all).

A bundle may name replacement catalogues in ``[catalogues]`` (TUF target paths beside it,
``catalogue_targets``); its ``[profile] region_code`` is checked against the regions catalogue
it brings, or the shipped one, wherever it is checked (``parse_bundle``'s ``regions``).

Where bundles live and which one applies is ``contract.bundles`` (shared with ``kiosk-admin``
and the platform's console), as is ``Refusal``, the closed set of reasons a bundle is refused;
each refusal is audited with ``config-bundle-refused``. No I/O, no TUF here
(``kiosk.config.updater`` verifies).
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.bundles import (ALL, SCOPE_PATTERN, Refusal, bundle_path, candidate_paths)
from kiosk.config.schema import BundleSettings, Catalogues
from kiosk.domain import catalogues
from kiosk.config.settings import Settings, SettingsError, describe, with_bundle

FORMAT = 1
MAX_BUNDLE_BYTES = 256 * 1024
__all__ = ["ALL", "FORMAT", "Bundle", "BundleError", "Refusal", "bundle_from_toml",
           "bundle_path", "candidate_paths", "catalogue_targets", "parse_bundle", "read_bundle"]


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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a bundle may hold")


def read_bundle(raw: bytes, where: str = "bundle") -> Bundle:
    """A bundle's document checked (format, version, scope, sections by name), before its
    settings are laid over the installed ones.

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
    return bundle


def parse_bundle(raw: bytes, installed: Settings, where: str = "bundle", *,
                 regions: catalogues.RegionLookup | None = None) -> tuple[Bundle, Settings]:
    """A bundle's bytes checked against the schema, and the settings it would give.

    ``regions``: the regions catalogue the bundle brings (``catalogues.region_lookup``); the
    callers that hold a bundle's files pass it, and the shipped catalogue is the default.

    Raises:
        BundleError: ``not-json`` or ``invalid`` (the message names the key).
    """
    bundle = read_bundle(raw, where)
    try:
        return bundle, with_bundle(installed, bundle.settings, where,
                                   regions=regions or catalogues.region_lookup(None))
    except SettingsError as exc:
        raise BundleError(Refusal.INVALID, str(exc)) from None


def catalogue_targets(installed: Settings, bundle: Bundle) -> dict[str, str]:
    """The catalogues the bundle's settings name: ``{"scope": "catalogues/x.json"}``, each a
    TUF target to fetch and check beside the bundle (an empty path: the shipped catalogue).

    Raises:
        BundleError: ``invalid``: a path the schema refuses.
    """
    named = {**installed.catalogues.model_dump(), **(bundle.settings.catalogues or {})}
    try:
        section = Catalogues.model_validate(named)
    except ValidationError as exc:
        raise BundleError(Refusal.INVALID, f"bundle: [catalogues] {describe(exc)}") from None
    return {kind: path for kind, path in section.model_dump().items() if path}


def bundle_from_toml(values: dict[str, Any], version: int, scope: str,
                     installed: Settings | None = None, *,
                     regions: catalogues.RegionLookup | None = None) -> bytes:
    """The bundle bytes for a readable TOML's tables (``kiosk-admin build``), validated
    (``regions``: the regions catalogue published with it, else the shipped one).

    Raises:
        BundleError: the TOML's settings break the schema.
    """
    note = values.pop("note", "") if isinstance(values.get("note", ""), str) else ""
    regions = regions or catalogues.region_lookup(None)
    try:   # first against the schema, so a NaN is named by its key, not by the JSON encoder
        with_bundle(installed or Settings(), BundleSettings.model_validate(values), "bundle",
                    regions=regions)
    except ValidationError as exc:
        raise BundleError(Refusal.INVALID, f"bundle: {describe(exc)}") from None
    except SettingsError as exc:
        raise BundleError(Refusal.INVALID, str(exc)) from None
    doc = {"format": FORMAT, "version": version, "scope": scope, "note": note,
           "settings": values}
    try:
        raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1,
                         allow_nan=False).encode()
    except ValueError as exc:   # NaN or infinity from the TOML
        raise BundleError(Refusal.INVALID, f"bundle: {exc}") from None
    parse_bundle(raw, installed or Settings(), "bundle", regions=regions)
    return raw
