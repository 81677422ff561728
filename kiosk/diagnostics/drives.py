"""Removable drives, and writing the readiness report to the one a technician picks.

``removable_drives()`` reads the mount table (``/proc/self/mounts``) and keeps the writable
mounts whose block device the kernel marks removable or reaches over USB (sysfs), i.e. a USB
stick plugged into the kiosk, never its own disk. ``export(report, chosen, drives)`` writes the
report there as text and JSON, but only to a drive from that list: the choice comes from a
touch page or a command line, and a path that is not a listed drive is refused, not followed.
Files are written to a temporary name and renamed, then synced, so a stick pulled too early
holds the old file or none, never half of one. Both roots are injectable: a test builds a mount
table and a sysfs tree in a folder, since no USB stick exists on a build machine.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from kiosk.diagnostics.report import Report
from kiosk.diagnostics.tests import DeviceTest

MOUNTS = Path("/proc/self/mounts")
SYS = Path("/sys")
FILESYSTEMS = {"vfat", "exfat", "ntfs", "ntfs3", "fuseblk", "ext2", "ext3", "ext4", "btrfs",
               "xfs", "f2fs", "udf", "iso9660"}
_ESCAPE = re.compile(r"\\([0-7]{3})")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_PATH = 4096
NOT_A_DRIVE = DeviceTest(False, "请从列表中选择一个已插入的U盘",
                         "只能导出到本机识别为可移动存储的U盘", {"status": "not_a_drive"})


@dataclass(frozen=True)
class Drive:
    mount: Path
    device: str
    fstype: str
    free_bytes: int

    def as_dict(self) -> dict[str, object]:
        return {"mount": str(self.mount), "device": self.device, "fstype": self.fstype,
                "freeBytes": self.free_bytes}


def _unescape(field: str) -> str:
    """The mount table writes space, tab, newline and backslash as octal escapes."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def _removable(device: str, sys_root: Path) -> bool:
    name = Path(device).name
    if not device.startswith("/dev/") or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
        return False
    try:
        node = (sys_root / "class" / "block" / name).resolve(strict=True)
        disk = node.parent if (node / "partition").exists() else node
        flag = (disk / "removable").read_text().strip() if (disk / "removable").exists() else "0"
    except (OSError, RuntimeError):
        return False
    return flag == "1" or "/usb" in node.as_posix()


def removable_drives(mounts: Path = MOUNTS, sys_root: Path = SYS) -> list[Drive]:
    """Writable, mounted removable drives, in mount-table order (empty when none or unreadable)."""
    try:
        text = mounts.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    drives: list[Drive] = []
    for line in text.splitlines()[:10_000]:
        fields = line.split()
        if len(fields) < 4:
            continue
        device, mount, fstype, options = (_unescape(fields[0]), _unescape(fields[1]), fields[2],
                                          fields[3].split(","))
        if fstype not in FILESYSTEMS or "rw" not in options or not _removable(device, sys_root):
            continue
        path = Path(mount)
        try:
            free = shutil.disk_usage(path).free
        except OSError:
            continue
        drives.append(Drive(path, device, fstype, free))
    return drives


def find(chosen: object, drives: list[Drive]) -> Drive | None:
    """The listed drive mounted exactly at ``chosen``; None for anything else."""
    if not isinstance(chosen, (str, Path)):
        return None
    text = str(chosen)
    if not text or len(text) > MAX_PATH or "\x00" in text:
        return None
    return next((d for d in drives if str(d.mount) == text), None)


def file_stem(report: Report) -> str:
    when = dt.datetime.fromtimestamp(report.generated_at).strftime("%Y%m%d-%H%M%S")
    return f"kiosk-report-{_SAFE.sub('_', report.kiosk_id)[:40]}-{when}"


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def export(report: Report, chosen: object, drives: list[Drive]) -> DeviceTest:
    """Write the report to the drive mounted at ``chosen`` (one of ``drives``)."""
    drive = find(chosen, drives)
    if drive is None:
        return NOT_A_DRIVE
    stem = file_stem(report)
    text = ("\n".join(report.lines()) + "\n").encode("utf-8")
    body = json.dumps(report.as_json(), ensure_ascii=False, indent=1).encode("utf-8")
    try:
        _write(drive.mount / f"{stem}.txt", text)
        _write(drive.mount / f"{stem}.json", body)
        dir_fd = os.open(drive.mount, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        return DeviceTest(False, "写入U盘失败", f"{exc.strerror or exc}：请检查U盘是否写保护或已满",
                          {"status": "write_failed"})
    return DeviceTest(True, "报告已导出到U盘", f"{drive.mount}/{stem}.txt 和 .json；请先“安全移除”再拔出",
                      {"status": "exported", "file": f"{stem}.txt"})
