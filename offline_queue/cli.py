"""Technician commands for the outbox: ``kiosk queue status | sync | report --out FILE``.

What it does: `register(subparsers, ...)` adds the ``queue`` command to the kiosk's argparse
parser; `handle(args, ...)` runs it. ``status`` prints counts by state, the oldest unsent item's
age, the last error and the disk state; ``sync`` runs sync rounds now (optionally releasing
held submissions first); ``report`` writes a redacted JSON report (ids, times, sizes, states,
error codes: never a name, ID number, licence or reason text). What it does not do: build the
platform client (the composition root passes a ``port_factory``, since this package never
imports ``kiosk``), or decrypt anything.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from offline_queue.model import QueueError, QueueState
from offline_queue.outbox import Outbox
from offline_queue.port import PlatformPort
from offline_queue.sync import SyncWorker

DEFAULT_DB = "/var/lib/kiosk/outbox.db"
_STATE_ZH = {QueueState.QUEUED: "待发送", QueueState.SENDING: "发送中", QueueState.FAILED: "失败待重试",
             QueueState.HELD: "被拒待处理", QueueState.SENT: "已送达"}


def register(subparsers: argparse._SubParsersAction, *,
             port_factory: Callable[[], PlatformPort] | None = None,
             outbox_factory: Callable[[Path], Outbox] | None = None,
             default_db: Path | None = None) -> argparse.ArgumentParser:
    """Add ``queue`` with its sub-commands to the kiosk's parser.

    Args:
        subparsers: the kiosk parser's ``add_subparsers()`` result.
        port_factory: builds the platform client for ``queue sync`` (from the kiosk config).
        outbox_factory: opens the outbox at a path (default: read-only `Outbox(path, None)`;
            ``sync`` needs nothing more, since it never seals).
        default_db: the outbox file when ``--db`` is not given (the kiosk settings' path);
            otherwise $KIOSK_QUEUE_DB, otherwise /var/lib/kiosk/outbox.db.
    Returns:
        the ``queue`` parser.
    """
    parser = subparsers.add_parser("queue", help="离线队列：状态、立即同步、脱敏报告")
    parser.add_argument("--db", type=Path,
                        default=Path(default_db or os.environ.get("KIOSK_QUEUE_DB", DEFAULT_DB)),
                        help="outbox database file (env KIOSK_QUEUE_DB)")
    sub = parser.add_subparsers(dest="queue_command", required=True)
    sub.add_parser("status", help="counts by state, oldest item age, last error")
    sync = sub.add_parser("sync", help="send now instead of waiting for the next round")
    sync.add_argument("--release-held", action="store_true",
                      help="retry submissions the platform refused, after fixing the cause")
    sync.add_argument("--rounds", type=int, default=3, help="at most this many rounds")
    report = sub.add_parser("report", help="write a redacted report (no personal data)")
    report.add_argument("--out", type=Path, required=True)
    parser.set_defaults(func=handle, queue_port_factory=port_factory,
                        queue_outbox_factory=outbox_factory)
    return parser


def handle(args: argparse.Namespace, *, outbox: Outbox | None = None,
           port: PlatformPort | None = None, out: TextIO | None = None) -> int:
    """Run one ``queue`` sub-command.

    Args:
        args: parsed arguments from the parser `register` built.
        outbox: an open outbox (tests, or a caller that has one); otherwise opened from --db.
        port: the platform client for ``sync``; otherwise from the registered factory.
        out: where to print (default stdout).
    Returns:
        0 on success; 1 when ``sync`` left submissions unsent; 2 when the command cannot run.
    """
    out = out or sys.stdout
    own = outbox is None
    try:
        if outbox is None:
            if not Path(args.db).exists():
                print(f"离线队列文件不存在 (no outbox file): {args.db}", file=out)
                return 2
            factory = getattr(args, "queue_outbox_factory", None)
            outbox = factory(args.db) if factory else Outbox(args.db, None)
    except QueueError as exc:
        print(f"无法打开离线队列 {args.db}: {exc}", file=out)
        return 2
    try:
        command = args.queue_command
        if command == "status":
            return _status(outbox, out)
        if command == "sync":
            if port is None:
                factory = getattr(args, "queue_port_factory", None)
                if factory is None:
                    print("无法同步：没有配置平台客户端（请通过 kiosk 命令运行）", file=out)
                    return 2
                port = factory()
            return _sync(outbox, port, args.release_held, max(1, args.rounds), out)
        if command == "report":
            return _report(outbox, args.out, out)
        print(f"unknown queue command {command!r}", file=out)
        return 2
    finally:
        if own:
            outbox.close()


def _status(outbox: Outbox, out: TextIO) -> int:
    s = outbox.summary()
    print("离线队列状态 (queue status)", file=out)
    for state in QueueState:
        print(f"  {_STATE_ZH[state]} ({state.value}): {s.counts[state]}", file=out)
    print(f"  未送达合计 (depth): {s.depth}", file=out)
    print(f"  最早未送达 (oldest unsent): {s.oldest_text}", file=out)
    print(f"  最近错误 (last error): {s.last_error or '无'}", file=out)
    disk = f"{s.free_bytes / 1024 ** 2:.0f} MiB"
    print(f"  磁盘剩余 (disk free): {disk}{'  空间不足，已停止受理新申请' if s.low_disk else ''}",
          file=out)
    return 0


def _sync(outbox: Outbox, port: PlatformPort, release: bool, rounds: int, out: TextIO) -> int:
    if release:
        print(f"重新排队被拒申请 (released held): {outbox.release_held()}", file=out)
    worker = SyncWorker(outbox, port, heartbeat_s=0)
    delivered = failed = 0
    for _ in range(rounds):
        report = worker.run_once()
        delivered += report.delivered
        failed += report.failed + report.held
        if report.network_down or not outbox.due(1):
            break
    s = outbox.summary()
    print(f"本次送达 (delivered): {delivered}; 失败 (failed): {failed}; "
          f"仍未送达 (depth): {s.depth}", file=out)
    if s.last_error:
        print(f"最近错误 (last error): {s.last_error}", file=out)
    return 0 if s.depth == 0 else 1


def _report(outbox: Outbox, path: Path, out: TextIO) -> int:
    s = outbox.summary()
    report = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "summary": {"counts": {k.value: v for k, v in s.counts.items()},
                    "remote_counts": {k.value: v for k, v in s.remote_counts.items()},
                    "depth": s.depth, "oldest_age_s": s.oldest_age_s,
                    "last_error": s.last_error, "disk_free_bytes": s.free_bytes,
                    "low_disk": s.low_disk},
        "submissions": outbox.report_rows(),
    }
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    print(f"已写入脱敏报告 (report written): {path} ({len(report['submissions'])} 条)", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m offline_queue.cli queue status``) for bench machines."""
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
