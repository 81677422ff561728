"""The system page and its report lines: disk, memory, uptime and the software version.

Disk is judged by the outbox's own rule (``Outbox.can_accept``: room for a few more
applications above the system's headroom), so the report and the start page never disagree.
Memory and uptime come from ``/proc`` (Linux), the process's own numbers from
``kiosk.procstats``; where ``/proc`` is missing they say so instead of guessing.
"""
from __future__ import annotations

import platform as py_platform
import shutil
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from kiosk import procstats
from kiosk.diagnostics.report import Check

DIST = "registration-kiosk"
MiB = 1024 * 1024
LOW_MEMORY = 256 * MiB
PROC = Path("/proc")


def installed_version() -> str | None:
    """The kiosk package's version, or None when it runs from source without being installed."""
    try:
        return metadata.version(DIST)
    except metadata.PackageNotFoundError:
        return None


def version() -> str:
    return installed_version() or "未安装（源码运行）"


def size_text(n: float) -> str:
    if n >= 1024 * MiB:
        return f"{n / 1024 / MiB:.1f} GiB"
    return f"{n / MiB:.0f} MiB"


def duration_text(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {minutes} 分钟"
    return f"{minutes} 分钟"


def disk_check(data_dir: Path, accepts: bool | None, needed_bytes: int | None = None) -> Check:
    """``accepts``: the outbox's verdict (None when there is no outbox yet)."""
    try:
        usage = shutil.disk_usage(data_dir if Path(data_dir).exists() else Path(data_dir).parent)
    except OSError as exc:
        return Check("disk", False, f"无法读取磁盘空间：{exc.strerror}", "检查数据目录所在的磁盘")
    detail = f"数据目录所在磁盘剩余 {size_text(usage.free)}，共 {size_text(usage.total)}"
    if accepts is False:
        need = f"（至少需要 {size_text(needed_bytes)}）" if needed_bytes else ""
        return Check("disk", False, detail + need + "：已停止受理新申请",
                     "清理磁盘或更换更大的存储；已受理的申请不受影响")
    return Check("disk", True, detail)


def available_memory(proc: Path = PROC) -> int | None:
    try:
        for line in (proc / "meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def memory_check(proc: Path = PROC) -> Check:
    own = procstats.current()
    free = available_memory(proc)
    detail = f"本程序占用 {size_text(own.rss_bytes)}，{own.threads} 个线程"
    if free is None:
        return Check("memory", True, detail + "；系统可用内存未知")
    if free < LOW_MEMORY:
        return Check("memory", False, detail + f"；系统可用仅 {size_text(free)}",
                     "重启自助机程序；如反复出现，请把导出的报告交给开发人员")
    return Check("memory", True, detail + f"；系统可用 {size_text(free)}")


def system_uptime(proc: Path = PROC) -> float | None:
    try:
        return float((proc / "uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def uptime_check(started_at: float, clock: Callable[[], float] = time.monotonic,
                 proc: Path = PROC) -> Check:
    up = system_uptime(proc)
    mine = f"本程序已运行 {duration_text(max(0.0, clock() - started_at))}"
    return Check("uptime", True, (f"系统已运行 {duration_text(up)}；" if up is not None else "") + mine)


def version_check() -> Check:
    return Check("version", True, f"软件 {version()}；Python {py_platform.python_version()}；"
                 f"{py_platform.system()} {py_platform.release()}")
