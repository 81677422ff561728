"""``Diagnostics``: the technician's checks and actions over one kiosk's parts.

One object serves the touch pages, the local socket and ``kiosk diag``: ``report()`` runs
every check and returns the readiness report; the device tests (test read, test print, licence
test page), printing and exporting the report, importing a signed configuration copy from a
USB drive (``usb_config``), and the queue's staff actions (force a sync,
release a held submission, reprint a receipt by application number) each return a
``DeviceTest`` and record themselves in the audit log with the surface they came from. Device
tests and printing are refused while a person's visit is under way (``is_idle``): a test read
would read the person's card, a test page would come out with their receipt.

It holds references to the parts (``Parts``) and decides nothing about a visit. Calls may
take seconds (a printer, the network): callers run them off the GUI thread.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.camera import Camera
from devices.idcard import IdCardReader
from devices.manager import CAMERA, IDCARD, LICENCE_PRINTER, RECEIPT_PRINTER, DeviceManager
from devices.printers.receipt import ReceiptPrinter
from kiosk import logs
from kiosk.audit import Audit
from kiosk.audit.verify import verify
from kiosk.config import agent as config_agent
from kiosk.config.agent import ConfigAgent
from kiosk.config.settings import Settings
from kiosk.config.updater import CheckResult
from kiosk.diagnostics import camera as camera_checks
from kiosk.diagnostics import clock as clock_checks
from kiosk.diagnostics import config as config_checks
from kiosk.diagnostics import drives as drive_files
from kiosk.diagnostics import idcard_reader, licence_printer, platform, queue, receipt_printer, system
from kiosk.diagnostics import usb_config
from kiosk.diagnostics.channel import ChannelLog
from kiosk.diagnostics.report import Check, Report
from kiosk.diagnostics.tests import DeviceTest
from kiosk.visit.paper import HallTexts
from offline_queue.model import InvalidSubmission, QueueError, QueueState, UnknownSubmission, check_submission_id
from offline_queue.outbox import Outbox
from offline_queue.sync import SyncWorker

if TYPE_CHECKING:       # the printer paints with Qt: imported where it is opened (kiosk.app)
    from devices.printers.licence import LicencePrinter

log = logging.getLogger(__name__)


@dataclass
class Parts:
    """What the checks look at. ``outbox`` is None before the kiosk ever stored one; ``sync``
    is None outside a running kiosk; ``platform_url`` is "" when no platform is running."""

    settings: Settings
    manager: DeviceManager
    reader: IdCardReader
    camera: Camera
    receipt_printer: ReceiptPrinter
    licence_printer: LicencePrinter
    outbox: Outbox | None
    sync: SyncWorker | None
    platform_url: str
    config_path: Path | None = None
    started_at: float = 0.0          # monotonic seconds when the kiosk started
    #: verifies and stages a repository copy in a folder (the running kiosk's agent, so it
    #: never races the agent's own check); None: ``kiosk.config.agent.import_folder``.
    import_config: Callable[[Path], CheckResult] | None = None
    #: the running kiosk's configuration agent (its last check); None outside a running kiosk
    config_agent: ConfigAgent | None = None
    #: the record of the configuration channel's reads (``kiosk.diagnostics.channel``)
    channel: ChannelLog | None = None


def _audit_check(path: Path) -> Check:
    verdict = verify(path)
    if verdict.ok:
        return Check("audit", True, f"{verdict.entries} 条记录，哈希链完整")
    first = verdict.findings[0].message
    more = f"（共 {len(verdict.findings)} 处）" if len(verdict.findings) > 1 else ""
    return Check("audit", False, first + more,
                 "运行 kiosk audit verify 查看每一处问题，并立即报告管理员：日志可能被改动")


class Diagnostics:
    """Args: ``parts``; ``audit``; ``is_idle``, whether no visit is under way; ``clock``
    (monotonic) and ``wall_clock`` (epoch); ``mounts``/``sys_root``, where drives are found."""

    def __init__(self, parts: Parts, *, audit: Audit, is_idle: Callable[[], bool] = lambda: True,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time,
                 mounts: Path = drive_files.MOUNTS, sys_root: Path = drive_files.SYS) -> None:
        self.parts = parts
        self._audit = audit
        self._is_idle = is_idle
        self._clock = clock
        self._wall = wall_clock
        self._mounts, self._sys = mounts, sys_root
        s = parts.settings
        self.texts = HallTexts(s.hall, s.hotline, s.tracking_url)

    @property
    def camera(self) -> Camera:
        return self.parts.camera

    def idle(self) -> bool:
        return self._is_idle()

    # ----- the report ---------------------------------------------------------------------------
    def report(self) -> Report:
        p, m = self.parts, self.parts.manager
        probe = platform.probe(p.platform_url, wall_clock=self._wall)
        summary = p.outbox.summary() if p.outbox else None
        admission = p.outbox.can_accept() if p.outbox else None
        checks = (
            idcard_reader.check(m.health(IDCARD), p.reader.sam_id),
            camera_checks.check(m.health(CAMERA)),
            receipt_printer.check(m.health(RECEIPT_PRINTER)),
            licence_printer.check(p.licence_printer, m.health(LICENCE_PRINTER)),
            platform.check(probe),
            clock_checks.check(probe),
            queue.check(summary),
            config_checks.check(self.config()),
            system.disk_check(p.settings.data_dir, admission.ok if admission else None,
                              admission.needed_bytes if admission else None),
            system.memory_check(),
            system.uptime_check(p.started_at, self._clock),
            system.version_check(),
            _audit_check(p.settings.audit_path),
        )
        counts = {s.value: summary.counts.get(s, 0) for s in QueueState} if summary else {}
        return Report(p.settings.kiosk_id, system.version(), self._wall(), checks, counts)

    def config(self) -> config_checks.ConfigFacts:
        p = self.parts
        return config_checks.config_facts(
            p.settings, p.config_path, now=self._wall(), agent=p.config_agent,
            channel=p.channel.state() if p.channel else None)

    def log_lines(self, n: int = 100) -> list[str]:
        return logs.recent_lines(n)

    def reader_facts(self) -> dict[str, Any]:
        h = self.parts.manager.health(IDCARD)
        return {"state": h.state.value, "code": h.code, "message": h.message,
                "samId": self.parts.reader.sam_id or "未读到", "usable": h.usable}

    def health(self, device: str) -> dict[str, Any]:
        h = self.parts.manager.health(device)
        return {"state": h.state.value, "code": h.code, "message": h.message, "usable": h.usable}

    # ----- device tests ---------------------------------------------------------------------------
    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._wall())

    def test_read(self, surface: str) -> DeviceTest:
        result = idcard_reader.test_read(self.parts.reader) if self.idle() else DeviceTest.busy()
        self._audit.record("diagnostics-test-read", surface=surface,
                           disposition="success" if result.ok else "failure",
                           card_type=result.data.get("card_type") or result.data.get("status"))
        return result

    def test_print(self, surface: str) -> DeviceTest:
        result = (receipt_printer.test_print(self.parts.receipt_printer,
                                             self.parts.settings.kiosk_id, self._now())
                  if self.idle() else DeviceTest.busy())
        self._audit.record("diagnostics-test-print", surface=surface,
                           disposition="success" if result.ok else "failure",
                           status=result.data.get("status"))
        return result

    def licence_test_page(self, surface: str) -> DeviceTest:
        result = (licence_printer.print_test_page(self.parts.licence_printer, self._now().date())
                  if self.idle() else DeviceTest.busy())
        self._audit.record("diagnostics-licence-test-page", surface=surface,
                           disposition="success" if result.ok else "failure",
                           status=result.data.get("status"))
        return result

    def print_report(self, surface: str, report: Report | None = None) -> DeviceTest:
        if not self.idle():
            result = DeviceTest.busy()
        else:
            result = receipt_printer.print_report(self.parts.receipt_printer,
                                                  report or self.report())
        self._audit.record("diagnostics-report-printed", surface=surface,
                           disposition="success" if result.ok else "failure",
                           status=result.data.get("status"))
        return result

    def drives(self) -> list[drive_files.Drive]:
        return drive_files.removable_drives(self._mounts, self._sys)

    def export_report(self, mount: object, surface: str, report: Report | None = None) -> DeviceTest:
        drives = self.drives()
        if drive_files.find(mount, drives) is None:     # before the checks: they take seconds
            result = drive_files.NOT_A_DRIVE
        else:
            result = drive_files.export(report or self.report(), mount, drives)
        self._audit.record("diagnostics-report-exported", surface=surface,
                           disposition="success" if result.ok else "failure",
                           file=result.data.get("file"))
        return result

    def import_config(self, mount: object, surface: str) -> DeviceTest:
        """Verify and stage the signed configuration copy on the USB drive at ``mount``."""
        s = self.parts.settings
        importer = self.parts.import_config or (
            lambda folder: config_agent.import_folder(s, folder, self._audit))
        result = usb_config.import_from_drive(mount, self.drives(), importer,
                                              s.data_dir / "run" / "usb")
        self._audit.record("config-usb-imported", surface=surface,
                           outcome=result.data.get("status"), version=result.data.get("version"),
                           reason=result.data.get("reason"))
        return result

    # ----- the queue ------------------------------------------------------------------------------
    def queue_facts(self) -> dict[str, Any]:
        outbox = self.parts.outbox
        if outbox is None:
            return {"exists": False, "counts": [], "oldest": "无", "lastError": "无", "held": [],
                    "heldReceipts": []}
        s = outbox.summary()
        held = [r["submission_id"] for r in outbox.report_rows() if r["state"] == QueueState.HELD.value]
        receipts = queue.held_receipts(self.parts.receipt_printer.journal.recent(50))
        return {"exists": True,
                "counts": [{"state": st.value, "label": queue.STATE_ZH[st], "count": s.counts.get(st, 0)}
                           for st in QueueState],
                "oldest": s.oldest_text,
                "lastError": s.last_error or "无", "held": held,
                "heldReceipts": [{"applicationId": r.application_id, "reprinted": r.reprinted}
                                 for r in receipts]}

    def force_sync(self, surface: str) -> DeviceTest:
        sync, outbox = self.parts.sync, self.parts.outbox
        if sync is None or outbox is None:
            result = DeviceTest(False, "自助机程序没有运行，无法立即同步", "请用 kiosk queue sync")
            delivered = failed = depth = 0
        else:
            outbox.retry_now()      # forced: now, not when each one's backoff says
            r = sync.run_once()
            delivered, failed, depth = r.delivered, r.failed + r.held, outbox.summary().depth
            title = "网络不通，未能发送" if r.network_down else f"本次送达 {delivered} 份"
            result = DeviceTest(not r.network_down, title, f"失败 {failed} 份，仍未送达 {depth} 份",
                                {"delivered": delivered, "failed": failed, "depth": depth})
        self._audit.record("queue-sync-forced", surface=surface, delivered=delivered,
                           failed=failed, depth=depth)
        return result

    def release(self, submission_id: object, surface: str) -> DeviceTest:
        outbox = self.parts.outbox
        try:
            sid = check_submission_id(submission_id)
        except InvalidSubmission:
            return DeviceTest(False, "申请编号格式不对", "", {"status": "invalid"})
        if outbox is None:
            return DeviceTest(False, "本机还没有离线队列", "", {"status": "no_queue"})
        count = outbox.release_held([sid])          # the outbox records it in the audit log
        if not count:
            return DeviceTest(False, f"{sid} 不在“被拒待处理”中", "它可能已经放行或已送达",
                              {"status": "not_held"})
        if self.parts.sync is not None:
            self.parts.sync.kick()
        return DeviceTest(True, f"已放行 {sid}", "队列会马上重新发送", {"status": "released"})

    def reprint(self, application_id: object, surface: str) -> DeviceTest:
        """Staff reprint a receipt by application number, from what the outbox knows."""
        text = application_id.strip().upper().replace(" ", "") if isinstance(application_id, str) else None
        try:
            sid = check_submission_id(text)
        except InvalidSubmission:
            return DeviceTest(False, "申请编号格式不对", "申请编号形如 20261121-7KQ4M2XP",
                              {"status": "invalid"})
        if not self.idle():
            result = DeviceTest.busy()
        elif self.parts.outbox is None:
            result = DeviceTest(False, "本机没有这个申请编号", "", {"status": "unknown"})
        else:
            try:
                status = self.parts.outbox.status(sid)
            except UnknownSubmission:
                result = DeviceTest(False, f"本机没有申请编号 {sid}", "请核对编号；在其他自助机办理的请到那台补打",
                                    {"status": "unknown"})
            except QueueError as exc:
                result = DeviceTest(False, "读取离线队列失败", type(exc).__name__, {"status": "error"})
            else:
                result = receipt_printer.print_now(
                    self.parts.receipt_printer, queue.reprint_receipt(status, self.texts, self._now()),
                    "补打回执")
        self._audit.record("receipt-reprinted", surface=surface, application_id=sid,
                           disposition="success" if result.ok else "failure",
                           status=result.data.get("status"))
        return result

    # ----- the local socket -----------------------------------------------------------------------
    def answer(self, op: str) -> dict[str, Any]:
        """One ``kiosk diag`` request from the local socket. Raises KeyError for an unknown op."""
        if op == "ping":
            return {"kiosk_id": self.parts.settings.kiosk_id}
        if op == "report":
            return {**self.report().as_json(), "config": self.config().as_json()}
        actions = {"test-read": self.test_read, "test-print": self.test_print,
                   "licence-test-page": self.licence_test_page, "print-report": self.print_report}
        return actions[op]("cli").as_dict()
