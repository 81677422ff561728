"""A signed configuration copy on a USB drive, imported from the diagnostics mode.

``import_from_drive`` takes the drive the technician picked (only one of the listed removable
drives, ``kiosk.diagnostics.drives``), copies the repository that ``kiosk-admin export`` wrote
there (``kiosk-config/metadata/*.json`` and ``kiosk-config/targets/...``) into a private folder
of the kiosk, and hands that copy to the configuration agent, which verifies it with TUF
against the kiosk's own root and stages a good bundle for the next moment between visits.

Nothing on a drive is ever executed, and nothing on it is followed: only regular files are
read (opened with ``O_NOFOLLOW``, never a symlink, device or FIFO), only under the two folders
a repository has, with names of the shape TUF writes, within a size and count limit; what the
verification reads is the private copy, never the drive. (The drives are mounted ``noexec``
besides: ``deploy/files/udev/71-kiosk-usb-drives.rules``.) What it does not do: verify or
apply a bundle (``kiosk.config``), or list drives (``kiosk.diagnostics.drives``).
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.config.updater import CheckResult
from kiosk.diagnostics import drives as drive_files
from kiosk.diagnostics.tests import DeviceTest

FOLDER = "kiosk-config"             # what kiosk-admin export writes on the drive
MAX_FILES = 2000
MAX_BYTES = 32 * 1024 * 1024
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 6
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$")   # TUF metadata and target names

Importer = Callable[[Path], CheckResult]


class UnsafeCopy(Exception):
    """The drive's copy holds something that is not a plain repository file."""


def _read(dir_fd: int, name: str) -> bytes:
    # O_NOFOLLOW: a symlink is refused by the kernel, not looked at; O_NONBLOCK: a FIFO
    # cannot make us wait.
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeCopy(f"{name} 不是普通文件")
        if info.st_size > MAX_FILE_BYTES:
            raise UnsafeCopy(f"{name} 太大")
        chunks, left = [], MAX_FILE_BYTES + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _copy_tree(dir_fd: int, into: Path, depth: int, budget: list[int]) -> None:
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    for entry in sorted(os.listdir(dir_fd)):
        if not _NAME.match(entry):
            raise UnsafeCopy(f"文件名 {entry[:40]!r} 不是配置仓库的文件")
        info = os.stat(entry, dir_fd=dir_fd, follow_symlinks=False)
        budget[0] -= 1
        if budget[0] < 0:
            raise UnsafeCopy("文件太多")
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeCopy(f"{entry} 是符号链接")
        if stat.S_ISDIR(info.st_mode):
            if depth >= MAX_DEPTH:
                raise UnsafeCopy("目录层级太深")
            sub = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
            try:
                _copy_tree(sub, into / entry, depth + 1, budget)
            finally:
                os.close(sub)
            continue
        data = _read(dir_fd, entry)
        budget[1] -= len(data)
        if budget[1] < 0:
            raise UnsafeCopy("文件总量太大")
        fd = os.open(into / entry, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)


def copy_repository(mount: Path, into: Path) -> None:
    """Copy ``<mount>/kiosk-config/{metadata,targets}`` into ``into``. Raises UnsafeCopy."""
    try:
        top = os.open(mount / FOLDER, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        raise UnsafeCopy(f"U盘上没有 {FOLDER} 文件夹（或它是链接）") from None
    try:
        budget = [MAX_FILES, MAX_BYTES]
        for part in ("metadata", "targets"):
            try:
                sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
            except FileNotFoundError:
                if part == "metadata":
                    raise UnsafeCopy(f"{FOLDER}/metadata 不存在") from None
                continue                      # a repository with no bundle yet
            except OSError:
                raise UnsafeCopy(f"{FOLDER}/{part} 是链接或不是文件夹") from None
            try:
                _copy_tree(sub, into / part, 1, budget)
            finally:
                os.close(sub)
    finally:
        os.close(top)


_SAID = {"staged": ("已验证U盘上的配置", "版本 {v} 已暂存：退出维护后、两次办理之间自动生效"),
         "current": ("本机已是这份配置", "U盘上的配置是版本 {v}，与本机相同，无需更新"),
         "none": ("U盘上没有本机可用的配置", "{m}")}


def import_from_drive(chosen: object, drives: list[drive_files.Drive], importer: Importer,
                      work_dir: Path) -> DeviceTest:
    """Import the configuration copy on the drive mounted at ``chosen`` (one of ``drives``)."""
    drive = drive_files.find(chosen, drives)
    if drive is None:
        return drive_files.NOT_A_DRIVE
    work_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(work_dir, 0o700)
    staging = Path(tempfile.mkdtemp(prefix="usb-config-", dir=work_dir))
    try:
        try:
            copy_repository(drive.mount, staging / FOLDER)
        except UnsafeCopy as exc:
            return DeviceTest(False, "U盘上的配置不能使用", f"{exc}；本机配置未改变",
                              {"status": "refused", "reason": "unsafe-copy"})
        except OSError as exc:
            return DeviceTest(False, "读取U盘失败", f"{exc.strerror or exc}：请重新插入U盘再试",
                              {"status": "refused", "reason": "unreadable"})
        result = importer(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if result.outcome == "refused":
        return DeviceTest(False, "U盘上的配置未通过验证", f"{result.reason}：{result.message[:120]}"
                          "；本机配置未改变，请联系管理员重新导出", {"status": "refused",
                                                     "reason": result.reason})
    title, detail = _SAID.get(result.outcome, ("已检查U盘", "{m}"))
    return DeviceTest(result.outcome in ("staged", "current"), title,
                      detail.format(v=result.version, m=result.message or "请确认导出的是本机所在分组的配置"),
                      {"status": result.outcome, "version": result.version})
