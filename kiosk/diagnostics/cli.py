"""``kiosk diag``: the readiness report and the device tests for a technician with a keyboard.

    kiosk diag [--json]                 every check; exit 1 when any is not ready
    kiosk diag test-read | test-print | licence-test-page | print-report [--json]
    kiosk diag export --to MOUNT        write the report to a mounted USB drive
    kiosk diag drives                   list the removable drives it would write to
    kiosk diag hash-pin                 make the [diagnostics] pin_hash for a PIN (= kiosk hash-pin)

When a kiosk runs on this data directory, the command asks it over its local socket (the
running kiosk holds the serial ports and the printer); when none runs, it opens the devices
itself, runs the same checks and closes them again. ``--json`` prints one JSON object:
``{"checks": [{"name", "ok", "detail", "fix"}, ...], "config": {...}, ...}`` for the report
(``config``: the configuration channel's facts, ``kiosk.diagnostics.config``), the test's
result for a test. ``register`` adds the verbs to the kiosk's parser, as ``offline_queue/cli.py`` does.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any, TextIO

from devices.health import DeviceState
from devices.manager import DeviceManager
from kiosk import logs
from kiosk.audit.log import AuditLog
from kiosk.config.settings import EMBEDDED, Settings
from kiosk.diagnostics import drives as drive_files
from kiosk.diagnostics.channel import ChannelLog, channel_path
from kiosk.diagnostics.report import Check, Report
from kiosk.diagnostics.server import NotRunning, ServerError, ask
from kiosk.diagnostics.service import Diagnostics, Parts
from kiosk.diagnostics.tests import DeviceTest
from kiosk.pin import hash_pin_command
from offline_queue.outbox import Outbox

SETTLE_S = 8.0          # how long a device opened here may take to come up
TESTS = ("test-read", "test-print", "licence-test-page", "print-report")


def register(subparsers: argparse._SubParsersAction, *,
             load_settings: Callable[[], Settings]) -> None:
    parser = subparsers.add_parser("diag", help="技术人员：就绪检查、设备测试（kiosk diag --json）")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    sub = parser.add_subparsers(dest="diag_command")
    for name, text in (("test-read", "read the card on the reader: card type and masked number"),
                       ("test-print", "print the receipt printer's test page"),
                       ("licence-test-page", "print the licence printer's test page"),
                       ("print-report", "print the readiness report on the receipt printer")):
        test = sub.add_parser(name, help=text)
        test.add_argument("--json", action="store_true", help="print the result as JSON")
    export = sub.add_parser("export", help="write the readiness report to a USB drive")
    export.add_argument("--to", required=True, help="the drive's mount point (see: kiosk diag drives)")
    sub.add_parser("drives", help="list mounted removable drives")
    sub.add_parser("hash-pin", help="read a PIN and print its Argon2id hash for [diagnostics] pin_hash")
    parser.set_defaults(func=lambda args: handle(args, load_settings()))


def handle(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    logs.configure(None, journald=False, console=True)     # redacted, to stderr only
    command = args.diag_command or "report"
    if command == "hash-pin":
        return hash_pin_command(out)
    if command == "drives":
        drives = drive_files.removable_drives()
        for d in drives:
            print(f"{d.mount}  ({d.device}, {d.fstype}, 剩余 {d.free_bytes // 2**20} MiB)", file=out)
        if not drives:
            print("没有找到已挂载的U盘 (no removable drive mounted)", file=out)
        return 0 if drives else 1
    try:
        if command == "report":
            return _print_report(_run(settings, "report"), args.json, out)
        if command == "export":
            report = _report_of(_run(settings, "report"))
            result = drive_files.export(report, args.to, drive_files.removable_drives())
            AuditLog(settings.audit_path).record(
                "diagnostics-report-exported", surface="cli",
                disposition="success" if result.ok else "failure", file=result.data.get("file"))
            return _print_test(result.as_dict(), False, out)
        return _print_test(_run(settings, command), args.json, out)
    except ServerError as exc:
        print(f"自助机程序应答出错 (the running kiosk failed): {exc}", file=out)
        return 2


def _run(settings: Settings, op: str) -> dict[str, Any]:
    """Ask the running kiosk, or open the devices here when none runs."""
    try:
        return ask(settings.diagnostics_socket, op)
    except NotRunning:
        pass
    with local_diagnostics(settings) as diagnostics:
        return diagnostics.answer(op)


@contextlib.contextmanager
def local_diagnostics(settings: Settings, settle_s: float = SETTLE_S) -> Iterator[Diagnostics]:
    """The checks over devices opened by this process (no kiosk runs); all closed afterwards."""
    from kiosk.app import open_devices         # the composition root's own device opening
    started = time.monotonic()
    with ExitStack() as stack:
        devices = open_devices(settings, lambda event: None, stack)
        manager = DeviceManager(devices.by_id())
        stack.callback(manager.stop)
        deadline = time.monotonic() + settle_s
        manager.poll_once()
        while (any(h.state is DeviceState.STARTING for h in manager.all_health())
               and time.monotonic() < deadline):
            time.sleep(0.1)        # a technician waits for the devices to come up
            manager.poll_once()
        audit = AuditLog(settings.audit_path)
        outbox = None
        if settings.outbox_path.exists():
            outbox = Outbox(settings.outbox_path, None, audit=audit)
            stack.callback(outbox.close)
        url = "" if settings.platform.url == EMBEDDED else settings.platform.url
        parts = Parts(settings, manager, devices.reader, devices.camera, devices.receipt_printer,
                      devices.licence_printer, outbox, None, url, started_at=started,
                      channel=ChannelLog(channel_path(settings)))
        yield Diagnostics(parts, audit=audit)


def _report_of(body: dict[str, Any]) -> Report:
    checks = tuple(Check(c["name"], bool(c["ok"]), c["detail"], c.get("fix", ""))
                   for c in body["checks"])
    when = dt.datetime.fromisoformat(body["generated_at"]).timestamp()
    return Report(body["kiosk_id"], body["version"], when, checks, dict(body.get("queue") or {}))


def _print_report(body: dict[str, Any], as_json: bool, out: TextIO) -> int:
    ok = all(c["ok"] for c in body["checks"])
    if as_json:
        print(json.dumps(body, ensure_ascii=False), file=out)
    else:
        print("\n".join(_report_of(body).lines()), file=out)
        rows = (body.get("config") or {}).get("rows") or []
        if rows:
            print("\n配置 (configuration):", file=out)
        for row in rows:
            print(f"  {row['k']}: {row['v']}", file=out)
    return 0 if ok else 1


def _print_test(result: dict[str, Any], as_json: bool, out: TextIO) -> int:
    if as_json:
        print(json.dumps(result, ensure_ascii=False), file=out)
    else:
        print(("成功 (OK): " if result["ok"] else "失败 (FAILED): ") + result["title"], file=out)
        if result.get("detail"):
            print(f"  {result['detail']}", file=out)
    return 0 if result["ok"] else 1


__all__ = ["DeviceTest", "handle", "local_diagnostics", "register"]
