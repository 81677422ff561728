"""The audit log: an append-only file of hash-chained entries, one JSON object per line.

Each entry is ``{"seq", "at", "event", "fields", "prev", "hash"}``: its number (1, 2, …), the
UTC time, a catalogue event id, its declared fields, the previous entry's hash (64 zeros for
the first) and its own hash, SHA-256 over the canonical JSON of everything else. Editing an
entry breaks its hash; removing, reordering or inserting one breaks the numbering and the chain
(``verify.py`` says which). Rewriting the whole tail consistently is possible for someone with
the disk, which is why the head hash goes out in every heartbeat: the platform keeps what it saw.

Appends take an exclusive ``flock`` and write one whole line with ``O_APPEND``, then ``fsync``,
so the running kiosk and a technician's ``kiosk`` command can both record. The file and its
folder are owner-only. ``record`` refuses (ValueError) an id missing from the catalogue or a
field the catalogue does not list for it: those are programming errors, found by the tests.
Values are short scalars, passed through the log redactor besides, so a mistake cannot store an
ID number. A failure to write is logged and counted (``failures``), never raised into the part
that recorded: the audit log must not stop a visit.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.audit import Field
from kiosk.audit.catalogue import CATALOGUE, Catalogue
from kiosk.redact import Redactor

log = logging.getLogger(__name__)

GENESIS = "0" * 64
MAX_VALUE = 120            # characters of one string field: ids and codes, not prose
TAIL_CHUNK = 64 * 1024
ENTRY_KEYS = ("seq", "at", "event", "fields", "prev", "hash")


@dataclass(frozen=True)
class Head:
    """The newest entry: how many there are and its hash (what the heartbeat sends)."""

    seq: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "head": self.hash}


def canonical(entry: dict[str, Any]) -> bytes:
    """The bytes an entry's hash covers: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def parse_line(raw: bytes) -> dict[str, Any] | None:
    """One line as an entry, or None when it is not one (garbled, truncated, wrong shape)."""
    try:
        entry = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or tuple(sorted(entry)) != tuple(sorted(ENTRY_KEYS)):
        return None
    seq, h, prev = entry["seq"], entry["hash"], entry["prev"]
    if (not isinstance(seq, int) or isinstance(seq, bool) or seq < 1
            or not all(isinstance(x, str) and len(x) == 64 for x in (h, prev))
            or not isinstance(entry["event"], str) or not isinstance(entry["fields"], dict)
            or not isinstance(entry["at"], str)):
        return None
    return entry


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class AuditLog:
    """The kiosk's audit log at ``path`` (created on first record).

    Args:
        path: the log file, e.g. ``<data_dir>/audit/audit.log``.
        catalogue: the declared events (default: ``events.toml``).
        clock: seconds since the epoch, for each entry's time.
        redactor: scrubs string values (the process's log redactor by default).
    """

    def __init__(self, path: Path | str, *, catalogue: Catalogue = CATALOGUE,
                 clock: Callable[[], float] = time.time, redactor: Redactor | None = None) -> None:
        self.path = Path(path)
        self._catalogue = catalogue
        self._clock = clock
        if redactor is None:
            from kiosk.logs import REDACTOR
            redactor = REDACTOR
        self._redactor = redactor
        self._lock = threading.Lock()
        self.failures = 0

    # ----- writing ------------------------------------------------------------------------------
    def record(self, event: str, **fields: Field) -> None:
        """Append one event (see the module docstring for what is refused)."""
        clean = self._check(event, fields)
        try:
            with self._lock:
                self._append(event, clean)
        except OSError as exc:
            self.failures += 1
            log.error("audit-write-failed event=%s error=%s", event, type(exc).__name__)

    def _check(self, event: str, fields: dict[str, Any]) -> dict[str, Field]:
        spec = self._catalogue.get(event)
        if spec is None:
            raise ValueError(f"audit event {event!r} is not in kiosk/audit/events.toml")
        unknown = sorted(set(fields) - set(spec.fields))
        if unknown:
            raise ValueError(f"audit event {event!r} does not declare field(s) {unknown}")
        clean: dict[str, Field] = {}
        for name, value in fields.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"audit field {name!r} must be a finite number")
            if isinstance(value, str):
                value = self._redactor.redact(value.replace("\n", " "))[:MAX_VALUE]
            elif not (value is None or isinstance(value, (bool, int, float))):
                raise ValueError(f"audit field {name!r} must be text, a number, a flag or None")
            clean[name] = value
        return clean

    def _append(self, event: str, fields: dict[str, Field]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path.parent, 0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last, torn = _last_entry(fd)
            entry: dict[str, Any] = {
                "seq": (last["seq"] + 1) if last else 1,
                "at": dt.datetime.fromtimestamp(self._clock(), dt.timezone.utc)
                        .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "event": event, "fields": fields, "prev": last["hash"] if last else GENESIS}
            entry["hash"] = entry_hash(entry)
            # A torn last line (a crash mid-write) stays for verify to report; start afresh.
            line = (b"\n" if torn else b"") + canonical(entry) + b"\n"
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)     # also releases the lock

    # ----- reading ------------------------------------------------------------------------------
    def head(self) -> Head | None:
        """The newest readable entry's number and hash; None for an empty or missing log."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            last, _ = _last_entry(fd)
        finally:
            os.close(fd)
        return Head(last["seq"], last["hash"]) if last else None


def _last_entry(fd: int) -> tuple[dict[str, Any] | None, bool]:
    """The last readable entry of the file, and whether its last line is torn (no newline).

    Reads backwards a chunk at a time, so a long log costs no more than a short one.
    """
    size = os.fstat(fd).st_size
    if size == 0:
        return None, False
    torn = os.pread(fd, 1, size - 1) != b"\n"
    end, carry, first = size, b"", True
    while end > 0:
        start = max(0, end - TAIL_CHUNK)
        parts = (os.pread(fd, end - start, start) + carry).split(b"\n")
        end = start
        carry = parts[0] if end > 0 else b""           # may begin before this chunk
        candidates = parts[1:] if end > 0 else parts
        if first:       # the piece after the last newline: empty, or a torn line
            candidates, first = candidates[:-1], False
        for raw in reversed(candidates):
            entry = parse_line(raw) if raw else None
            if entry is not None:
                return entry, torn
    return None, torn
