"""The visit coordinator with real parts: a platform on loopback, a sealed outbox, the ESC/POS
printer simulator, the licence printer writing PDFs. What the person is told (the outcome and
the paper) comes from what really happened, and paper never reaches the wrong person."""
from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import running_platform
from devices.camera import CameraConfig, open_camera
from devices.health import DeviceState
from devices.manager import DeviceManager
from devices.printers.licence import LicencePrinter
from devices.printers.receipt import open_receipt_printer
from devices.printers.receipt.journal import JobState
from devices.printers.receipt.simulator import ReceiptPrinterSimulator
from devices.printers.receipt.status import PrinterStatus
from kiosk.domain.samples import trade_name
from kiosk.flow import events as ev
from kiosk.flow.outcome import Outcome, Paper
from kiosk.flow.session import Phase, Session
from kiosk.platform.client import PlatformClient
from kiosk.visit.coordinator import Paperwork, VisitCoordinator
from kiosk.visit.paper import HallTexts
from offline_queue.outbox import Outbox
from offline_queue.sync import SyncWorker
from tests.kiosk.flow.conftest import answers_for, drive_to, person

KIOSK = "kiosk-visit-01"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("central")) as handle:
        yield handle


@pytest.fixture(scope="module")
def kiosk_key(platform):
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk(KIOSK, key.public_key())
    return key


@dataclass
class Visit:
    session: Session
    coordinator: VisitCoordinator
    outbox: Outbox
    printer_sim: ReceiptPrinterSimulator
    receipt_printer: object
    licences: Path
    events: list
    calls: queue.Queue

    def pump_until(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        """Run what the coordinator posted, on this (the session's) thread, until it holds."""
        while not condition():
            self.calls.get(timeout=timeout)()

    def outcomes(self) -> list:
        return [e.outcome for e in self.events if isinstance(e, ev.OutcomeChanged)]

    def submit(self, subject: str = "natural_person_llc", n: int = 0) -> str:
        s = self.session
        s.begin()
        answers = answers_for(subject, person())
        if "name" in answers:
            answers["name"]["trade_name"] = trade_name(n)
        drive_to(s, "done", answers)
        return s.application_id or ""

    def settled(self) -> bool:
        return not self.session.done_held


@pytest.fixture()
def make_visit(tmp_path: Path, platform, kiosk_key) -> Iterator[Callable[..., Visit]]:
    stops: list[Callable[[], None]] = []

    def make(*, url: str | None = None, deadline_s: float = 5.0, licence_dir: Path | None = None,
             printer_state: PrinterStatus = PrinterStatus.READY) -> Visit:
        sim = ReceiptPrinterSimulator().start()
        sim.set_state(printer_state)
        stops.append(sim.stop)
        printer = open_receipt_printer(sim.uri + "?timeout=1", tmp_path / "receipts.db")
        stops.append(printer.close)
        licences = licence_dir or tmp_path / "licences"
        licence_printer = LicencePrinter(f"pdf://{licences}")
        outbox = Outbox(tmp_path / "outbox.db", platform.platform_public_key,
                        disk_free=lambda: 10 * 1024 ** 3)
        stops.append(outbox.close)
        client = PlatformClient(url or platform.base_url, KIOSK, kiosk_key, timeout=(1, 5),
                                decision_key=platform.decision_public_key)
        sync = SyncWorker(outbox, client, heartbeat_s=0)
        camera = open_camera(CameraConfig(source="sim://absent"))   # never started here
        manager = DeviceManager({"receipt_printer": printer, "licence_printer": licence_printer})
        manager.poll_once()
        calls: queue.Queue = queue.Queue()
        events: list = []
        fanout = ev.Fanout()
        session = Session(outbox, tmp_path / "sessions", listener=fanout)
        coordinator = VisitCoordinator(
            session, calls.put, sync.deliver_now, outbox.status, manager, camera,
            Paperwork(printer, licence_printer, HallTexts("西湖区政务服务中心", "12345",
                                                          "https://t.example/{id}")),
            deadline_s=deadline_s)
        fanout.add(lambda e: None if isinstance(e, ev.StepChanged) and e.step == "face"
                   else coordinator.on_session_event(e), events.append)
        coordinator.start()
        stops.append(coordinator.stop)
        return Visit(session, coordinator, outbox, sim, printer, licences, events, calls)

    yield make
    for stop in reversed(stops):
        stop()


def test_an_instantly_approved_application_is_told_printed_and_its_licence_printed(
        make_visit) -> None:
    v = make_visit()
    application = v.submit(n=1)
    v.pump_until(v.settled)
    o = v.session.outcome
    assert (o.outcome, o.receipt, o.licence) == (Outcome.APPROVED, Paper.PRINTED, Paper.PRINTED)
    assert o.credit_code.startswith("9133") and len(o.credit_code) == 18
    assert [x.outcome for x in v.outcomes()][0] is Outcome.APPROVED
    assert Paper.PRINTING in [x.licence for x in v.outcomes()]       # progress was shown
    receipt = v.printer_sim.wait_for_receipt(after=0).text
    assert application in receipt and "已通过审批" in receipt and o.credit_code in receipt
    assert (v.licences / f"{o.credit_code}-original.pdf").stat().st_size > 10_000


def test_with_the_platform_down_the_person_is_told_it_is_queued(make_visit) -> None:
    v = make_visit(url="http://127.0.0.1:9")           # nothing listens there
    application = v.submit(n=2)
    v.pump_until(v.settled)
    o = v.session.outcome
    assert (o.outcome, o.receipt, o.licence) == (Outcome.QUEUED, Paper.PRINTED, Paper.NOT_NEEDED)
    assert "网络恢复后自动上传" in v.printer_sim.wait_for_receipt(after=0).text
    assert v.outbox.status(application).state.value in ("queued", "failed")


def test_a_platform_slower_than_the_deadline_leaves_the_rest_to_the_queue(make_visit,
                                                                         platform) -> None:
    platform.set_faults(slow_rate=1.0, slow_seconds=2.0)
    try:
        v = make_visit(deadline_s=0.3)
        v.submit(n=3)
        v.pump_until(v.settled)
        assert v.session.outcome.outcome is Outcome.QUEUED
    finally:
        platform.set_faults(slow_rate=0.0)


def test_a_receipt_held_for_paper_is_discarded_at_the_wipe_not_printed_for_the_next_person(
        make_visit) -> None:
    v = make_visit(printer_state=PrinterStatus.PAPER_OUT)
    first = v.submit(n=4)
    v.pump_until(v.settled)
    assert v.session.outcome.receipt is Paper.HELD
    v.session.finish()
    v.coordinator.idle()
    assert v.receipt_printer.pending_jobs == ()
    assert v.receipt_printer.journal.state(first) is JobState.DISCARDED   # staff can find it
    v.printer_sim.set_state(PrinterStatus.READY)
    assert v.receipt_printer.retry_pending() == []
    second = v.submit(n=5)
    v.pump_until(v.settled)
    printed = v.printer_sim.wait_for_receipt(after=0).text
    assert second in printed and first not in printed


def test_a_person_who_left_before_the_receipt_came_gets_none_printed_for_them(
        make_visit, platform) -> None:
    platform.set_faults(slow_rate=1.0, slow_seconds=1.0)
    try:
        v = make_visit()
        application = v.submit(n=6)
        v.session.finish()                       # 完成 at once, while delivery still runs
        assert v.session.phase is Phase.IDLE
        v.coordinator.idle()
        assert v.printer_sim.printed == 0
        assert v.receipt_printer.journal.state(application) is JobState.DISCARDED
    finally:
        platform.set_faults(slow_rate=0.0)


def test_a_licence_printer_that_cannot_write_sends_the_person_to_the_window(
        make_visit, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the licence folder should be")
    v = make_visit(licence_dir=blocked)
    v.submit(n=7)
    v.pump_until(v.settled)
    o = v.session.outcome
    assert (o.outcome, o.licence) == (Outcome.APPROVED, Paper.FAILED)
    from kiosk.visit.paper import done_words
    assert "登记窗口" in done_words(o, HallTexts("", "12345", "")).licence


def test_device_health_reaches_the_session_through_the_coordinator(make_visit) -> None:
    from devices.health import Health
    v = make_visit()
    v.coordinator.on_health(Health("idcard", DeviceState.DISCONNECTED, "disconnected", "读卡器未连接"))
    v.pump_until(lambda: "idcard" in v.session.devices)
    assert not v.session.begin().ok
