"""``kiosk audit verify | head``: the technician's commands for the audit log.

``verify`` reads the log (``--file``, default the kiosk's ``<data_dir>/audit/audit.log``) and
prints every edited, removed, reordered, duplicated, garbled or torn entry, with its line and
number; ``--head HASH`` also checks that the head the platform last received is still there.
Exit status 0 when the chain is whole, 1 when it is not, 2 when the command cannot run.
``head`` prints the newest entry's number and hash (what the heartbeat sends). ``register``
adds them to the kiosk's parser, as ``offline_queue/cli.py`` does for ``queue``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TextIO

from kiosk.audit.log import AuditLog
from kiosk.audit.verify import verify

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _head_hash(text: str) -> str:
    value = text.strip().lower()
    if not HEX64.fullmatch(value):
        raise argparse.ArgumentTypeError("a head hash is 64 hexadecimal characters")
    return value


def register(subparsers: argparse._SubParsersAction, *, default_path: Path) -> None:
    """Add ``audit`` with ``verify`` and ``head`` to the kiosk's parser."""
    parser = subparsers.add_parser("audit", help="审计日志：校验哈希链、查看日志头")
    parser.add_argument("--file", type=Path, default=default_path, help="the audit log file")
    sub = parser.add_subparsers(dest="audit_command", required=True)
    check = sub.add_parser("verify", help="find edited, removed or reordered entries")
    check.add_argument("--head", type=_head_hash,
                       help="the head hash the platform last received (from its heartbeat)")
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    sub.add_parser("head", help="the newest entry's number and hash")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    path = Path(args.file)
    if path.exists() and not path.is_file():
        print(f"不是审计日志文件 (not a file): {path}", file=out)
        return 2
    try:
        if args.audit_command == "head":
            head = AuditLog(path).head()
            print(f"{head.seq} {head.hash}" if head else "审计日志为空 (empty)", file=out)
            return 0
        verdict = verify(path, args.head)
    except OSError as exc:
        print(f"无法读取审计日志 {path}: {exc.strerror or exc}", file=out)
        return 2
    if getattr(args, "json", False):
        print(json.dumps(verdict.as_dict(), ensure_ascii=False), file=out)
        return 0 if verdict.ok else 1
    print(f"审计日志 (audit log) {path}: {verdict.entries} 条", file=out)
    if verdict.head:
        print(f"  日志头 (head): 第{verdict.head.seq}条 {verdict.head.hash}", file=out)
    if verdict.ok:
        print("  哈希链完整，没有发现改动、删除或调换 (chain intact)", file=out)
        return 0
    print(f"  发现 {len(verdict.findings)} 处问题 (problems):", file=out)
    for f in verdict.findings:
        print(f"  - [{f.problem.value}] {f.message}", file=out)
    return 1
