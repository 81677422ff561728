"""What this process holds right now: resident memory, threads and open file descriptors.

Read from ``/proc/self`` (Linux), so native threads (Qt's render and pool threads) count as well
as Python's. For soaks and the technician's system page; no personal data, no clock.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

_PROC = Path("/proc/self")


@dataclass(frozen=True)
class ProcessStats:
    rss_bytes: int
    threads: int
    open_fds: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _status_field(name: str) -> int:
    for line in (_PROC / "status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def current() -> ProcessStats:
    """This process's stats; zeros where ``/proc`` is not there (not Linux)."""
    try:
        return ProcessStats(rss_bytes=_status_field("VmRSS") * 1024,
                            threads=_status_field("Threads"),
                            open_fds=len(os.listdir(_PROC / "fd")))
    except OSError:
        return ProcessStats(0, 0, 0)
