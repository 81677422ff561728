"""The configuration versions this kiosk applied, read from what it already keeps.

``applications(audit_path)`` reads the audit log's configuration events
(``config-trial-started``, ``config-applied``, ``config-rolled-back``, recorded by
``kiosk.config.applied``) into one ``Applied`` per time a bundle was applied: its version,
when, and what became of it (on trial, kept after a good start, rolled back and why).
``bundle_label`` reads the scope and the administrators' note of a bundle still kept in
``config/bundles/``. Reading only, bounded (a damaged line is skipped, never a reason to
fail), and every string is cleaned for a screen (``clean``): what is on disk may be damaged.
"""
from __future__ import annotations

import collections
import json
from dataclasses import dataclass, replace
from pathlib import Path

from contract.text import shown
from kiosk.audit.log import parse_line
from kiosk.config.applied import APPLIED, ROLLED_BACK, TRIAL_STARTED

MAX_LINE = 64 * 1024          # an entry is a few hundred bytes (as kiosk.audit.verify)
KEEP = 50                     # applications remembered; the page shows fewer
_MARK = b'"event":"config-'   # canonical JSON: cheap to look for before parsing a line

TRIAL, KEPT, ROLLED = "trial", "kept", "rolled-back"


def clean(value: object, limit: int = 200) -> str:
    """Text from a state file or a bundle fit for the page (``contract.text.shown``), at most
    ``limit`` characters."""
    return shown(value, limit)


def version_of(value: object) -> int | None:
    """A bundle version (1 … 2**31), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**31:
        return value
    return None


@dataclass(frozen=True)
class Applied:
    """One application of a bundle: ``at`` is the audit entry's UTC time (ISO 8601)."""

    version: int
    at: str | None
    outcome: str = TRIAL            # TRIAL, KEPT or ROLLED
    why: str = ""                   # a rollback's reason


def applications(audit_path: Path) -> list[Applied]:
    """Every bundle applied on this kiosk, oldest first (the last ``KEEP``)."""
    found: collections.deque[Applied] = collections.deque(maxlen=KEEP)
    try:
        fh = open(audit_path, "rb")          # noqa: SIM115 - closed below, read bounded
    except OSError:
        return []
    with fh:
        while raw := fh.readline(MAX_LINE):
            if _MARK not in raw:
                continue
            entry = parse_line(raw.rstrip(b"\n"))
            if entry is None:
                continue
            fields = entry["fields"]
            version = version_of(fields.get("version"))
            if version is None:
                continue
            event = entry["event"]
            if event == TRIAL_STARTED:
                found.append(Applied(version, clean(entry["at"], 40) or None))
                continue
            if event not in (APPLIED, ROLLED_BACK):
                continue
            for i in range(len(found) - 1, -1, -1):
                if found[i].version == version and found[i].outcome == TRIAL:
                    found[i] = (replace(found[i], outcome=KEPT) if event == APPLIED else
                                replace(found[i], outcome=ROLLED, why=clean(fields.get("reason"))))
                    break
    return list(found)


def bundle_label(raw: bytes | None) -> tuple[str, str]:
    """(scope, note) of a kept bundle's bytes; ("", "") when unreadable."""
    if raw is None:
        return "", ""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "", ""
    if not isinstance(doc, dict):
        return "", ""
    return clean(doc.get("scope"), 80), clean(doc.get("note"), 200)
