"""Fixtures for the kiosk core's tests: a cheap Argon2id hash of a known PIN, and an audit log
that keeps what was recorded in memory, checked against the real catalogue."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from kiosk.audit.catalogue import CATALOGUE

PIN = "246810"
# Verification reads the cost from the hash itself: a cheap hash keeps the tests fast.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Recorded:
    entries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def record(self, event: str, **fields: Any) -> None:
        spec = CATALOGUE[event]                          # a KeyError fails the test
        assert set(fields) <= set(spec.fields), (event, fields)
        self.entries.append((event, fields))

    def events(self) -> list[str]:
        return [e for e, _ in self.entries]


@pytest.fixture
def pin_hash() -> str:
    return CHEAP.hash(PIN)


@pytest.fixture
def audit() -> Recorded:
    return Recorded()


@pytest.fixture
def usb(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A mount table and a sysfs tree in a folder: one USB stick, one internal disk."""
    sys_root, stick, internal = tmp_path / "sys", tmp_path / "media" / "U 盘", tmp_path / "data"
    for disk, removable, bus in (("sdz", "1", "usb1/1-1"), ("nvme9n1", "0", "pci0000:00")):
        dev = sys_root / "devices" / bus / "block" / disk
        (dev / f"{disk}p1" if disk.startswith("nvme") else dev / f"{disk}1").mkdir(parents=True)
        (dev / "removable").write_text(removable + "\n")
    (sys_root / "devices/usb1/1-1/block/sdz/sdz1/partition").write_text("1\n")
    (sys_root / "devices/pci0000:00/block/nvme9n1/nvme9n1p1/partition").write_text("1\n")
    (sys_root / "class" / "block").mkdir(parents=True)
    (sys_root / "class/block/sdz1").symlink_to(sys_root / "devices/usb1/1-1/block/sdz/sdz1")
    (sys_root / "class/block/nvme9n1p1").symlink_to(
        sys_root / "devices/pci0000:00/block/nvme9n1/nvme9n1p1")
    stick.mkdir(parents=True)
    internal.mkdir()
    mounts = tmp_path / "mounts"
    escaped = str(stick).replace(" ", "\\040")
    mounts.write_text(f"/dev/nvme9n1p1 {internal} ext4 rw,relatime 0 0\n"
                      f"/dev/sdz1 {escaped} vfat rw,nosuid,nodev 0 0\n"
                      "proc /proc proc rw 0 0\ngarbage\n\x00\x01 weird line\n"
                      f"/dev/sdz1 {tmp_path}/ro vfat ro 0 0\n", encoding="utf-8")
    return mounts, sys_root, stick
