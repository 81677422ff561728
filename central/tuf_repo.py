"""The platform serves the fleet's TUF repository of configuration bundles (and takes new ones).

Kiosks read ``GET /v1/tuf/metadata/{name}`` and ``GET /v1/tuf/targets/{path}`` (signed kiosk
requests, like every ``/v1/`` call): exactly the files ``kiosk-admin`` published, byte for byte.
Administrators publish with ``POST /admin/tuf/publish`` (HTTP Basic, role administrator): the
platform checks that every metadata file verifies against the roots it already holds (a new
root against the one before it, and against itself) and that no version goes backwards, then
writes the files, the timestamp last, so a kiosk never sees a half-published repository.

The platform holds no signing key for configuration: the administrators sign offline, kiosks
verify against the root they were installed with. These checks only keep a mistaken or hostile
upload from breaking the repository for everyone. ``GET /admin/fleet`` lists what each kiosk
reported having applied (``kiosk-admin status``).
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tuf.api.exceptions import UnsignedMetadataError
from tuf.api.metadata import Metadata, Root

from central.console.users import Role, basic_user
from central.errors import ApiError
from central.models import ErrorOut
from central.routes import _ERRORS, Kiosk
from contract.wire import describe

if TYPE_CHECKING:
    from central.app import Platform

METADATA_NAME = r"^(?:[1-9][0-9]{0,8}\.(?:root|targets|snapshot)|timestamp)\.json$"
TARGET_PATH = r"^(?:[a-z0-9_-]+/){0,3}[0-9a-f]{64}\.[a-z0-9_.-]{1,80}\.json$"
MAX_PUBLISH_BYTES = 8 * 1024 * 1024

kiosk_router = APIRouter(prefix="/v1/tuf", responses=_ERRORS)  # type: ignore[arg-type]
admin_router = APIRouter(prefix="/admin")


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    metadata: dict[Annotated[str, Field(pattern=METADATA_NAME)], str] = Field(
        max_length=64, description="file name -> the metadata file's text")
    targets: dict[Annotated[str, Field(pattern=TARGET_PATH)], str] = Field(
        default_factory=dict, max_length=256, description="target path -> base64 bytes")


class PublishOut(BaseModel):
    root_version: int
    timestamp_version: int
    written: int


def repo_dir(platform: Platform) -> Path:
    return platform.data_dir / "tuf"


def _read(path: Path) -> Response:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise ApiError(404, "not_found", "no such file in the repository") from None
    return Response(data, media_type="application/json")


@kiosk_router.get("/metadata/{name}", responses={404: {"model": ErrorOut}},
                  response_class=Response)
async def get_metadata(request: Request, kiosk: Kiosk,
                       name: Annotated[str, PathParam(pattern=METADATA_NAME)]) -> Response:
    """One TUF metadata file (``N.root.json``, ``N.targets.json``, ``N.snapshot.json``,
    ``timestamp.json``), as signed by the administrators."""
    return _read(repo_dir(request.app.state.platform) / "metadata" / name)


@kiosk_router.get("/targets/{path:path}", responses={404: {"model": ErrorOut}},
                  response_class=Response)
async def get_target(request: Request, kiosk: Kiosk, path: str) -> Response:
    """One target file (a bundle or a catalogue) under its hash-prefixed name."""
    if not re.match(TARGET_PATH, path):
        raise ApiError(404, "not_found", "no such file in the repository")
    return _read(repo_dir(request.app.state.platform) / "targets" / path)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _version_of(name: str) -> int:
    return int(name.split(".", 1)[0]) if name[0].isdigit() else 0


def _stored_root(meta_dir: Path) -> Metadata[Root] | None:
    roots = sorted(meta_dir.glob("*.root.json"), key=lambda p: _version_of(p.name))
    return Metadata[Root].from_file(str(roots[-1])) if roots else None


def check_upload(meta_dir: Path, files: dict[str, bytes]) -> tuple[Metadata[Root], int]:
    """Verify an upload against the stored repository. Returns (newest root, timestamp v).

    Raises:
        ApiError: 422 for anything that does not verify or goes backwards.
    """
    parsed: dict[str, Metadata] = {}
    for name, data in files.items():
        try:
            parsed[name] = Metadata.from_bytes(data)
        except Exception:  # noqa: BLE001 - tuf raises several kinds for bad bytes
            raise ApiError(422, "invalid_metadata", f"{name} is not TUF metadata") from None
        kind = name.split(".")[-2]
        if parsed[name].signed.type != kind or (name[0].isdigit() and
                                                 parsed[name].signed.version != _version_of(name)):
            raise ApiError(422, "invalid_metadata", f"{name} does not hold {kind} of its version")
    root = _stored_root(meta_dir)
    for name in sorted((n for n in parsed if n.endswith(".root.json")), key=_version_of):
        new = parsed[name]
        try:
            if root is not None:
                if new.signed.version <= root.signed.version:
                    if (meta_dir / name).read_bytes() == files[name]:
                        continue   # the same root again: nothing to check
                    raise ApiError(422, "version_rollback", f"{name} is not newer")
                if new.signed.version != root.signed.version + 1:
                    raise ApiError(422, "version_gap", f"{name} skips a root version")
                root.verify_delegate(Root.type, new)
            new.verify_delegate(Root.type, new)
        except UnsignedMetadataError as exc:
            raise ApiError(422, "bad_signature", f"{name}: {exc}") from None
        root = new
    if root is None:
        raise ApiError(422, "no_root", "the first upload must carry 1.root.json")
    timestamp_version = 0
    for name, md in parsed.items():
        if md.signed.type == Root.type:
            continue
        try:
            root.verify_delegate(md.signed.type, md)
        except UnsignedMetadataError as exc:
            raise ApiError(422, "bad_signature", f"{name}: {exc}") from None
        if name == "timestamp.json":
            timestamp_version = md.signed.version
            current = meta_dir / "timestamp.json"
            if current.exists() and Metadata.from_file(str(current)).signed.version > \
                    md.signed.version:
                raise ApiError(422, "version_rollback", "timestamp.json is older than the one "
                                                        "the platform serves")
    return root, timestamp_version


@admin_router.post("/tuf/publish", response_model=PublishOut,
                   responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                              413: {"model": ErrorOut}, 422: {"model": ErrorOut}})
async def publish(request: Request,
                  user: Annotated[dict, Depends(basic_user(Role.ADMINISTRATOR))]) -> dict:
    """Take a signed repository update from ``kiosk-admin publish``."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_PUBLISH_BYTES:
        raise ApiError(413, "too_large", f"send a Content-Length of at most {MAX_PUBLISH_BYTES}")
    raw = await request.body()
    if len(raw) > MAX_PUBLISH_BYTES:
        raise ApiError(413, "too_large", "body larger than declared")
    try:
        body = PublishIn.model_validate_json(raw)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", describe(exc)) from None
    files = {name: text.encode("utf-8") for name, text in body.metadata.items()}
    try:
        targets = {p: base64.b64decode(b, validate=True) for p, b in body.targets.items()}
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_request", "a target is not base64") from None
    base = repo_dir(request.app.state.platform)
    root, ts_version = check_upload(base / "metadata", files)
    for path, data in targets.items():
        _write(base / "targets" / path, data)
    ordered = sorted(files, key=lambda n: (n == "timestamp.json", _version_of(n)))
    for name in ordered:               # the timestamp last: it points at everything else
        _write(base / "metadata" / name, files[name])
    return {"root_version": root.signed.version, "timestamp_version": ts_version,
            "written": len(files) + len(targets)}


@admin_router.get("/fleet", responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}})
async def fleet(request: Request,
                user: Annotated[dict, Depends(basic_user(Role.ADMINISTRATOR))]) -> dict:
    """Every registered kiosk with what it last reported having applied."""
    from central.console.fleet import kiosk_rows
    rows = kiosk_rows(request.app.state.platform.store())
    return {"kiosks": [json.loads(json.dumps(r.as_dict(), default=str)) for r in rows]}
