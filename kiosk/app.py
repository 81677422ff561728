"""The composition root: builds the kiosk core from ``Settings`` and wires its parts together.

Order of start: the kiosk's key → the platform (embedded or configured) → the outbox and the sync
worker → the devices under the manager → the session. Devices call back on their own threads;
everything that touches the session goes through ``post`` (a queue the owner drains with
``pump``; the UI replaces it with a call onto the GUI thread), because the session is not
thread-safe. Nothing here draws; the UI wraps this object in bridges.
"""
from __future__ import annotations

import datetime as dt
import logging
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from contract import envelope, signing
from devices.camera import CameraConfig, open_camera
from devices.health import Health
from devices.idcard import ReaderConfig, open_reader
from devices.idcard.reader import CardRead, ReaderFault
from devices.manager import CAMERA, IDCARD, LICENCE_PRINTER, RECEIPT_PRINTER, DeviceManager
from devices.printers.licence import Licence, LicencePrinter
from devices.printers.receipt import Receipt, open_receipt_printer
from kiosk.config.settings import EMBEDDED, Settings
from kiosk.domain.application import Applicant
from kiosk.visit.face_check import FaceCheck
from kiosk.flow import events as ev
from kiosk.flow.session import Admission, Session
from kiosk.platform import identity
from kiosk.platform.client import PlatformClient
from kiosk.platform.embedded import EmbeddedPlatform
from offline_queue.outbox import Outbox
from offline_queue.sync import SyncWorker

log = logging.getLogger(__name__)
TRACKING_URL = "https://zwfw.example.gov.cn/track?id={id}"   # the province's tracking page


class Kiosk:
    def __init__(self, settings: Settings, *, post: Callable[[Callable[[], None]], None] | None = None,
                 listeners: list[Callable[[ev.Event], None]] | None = None) -> None:
        self.settings = settings
        self._calls: queue.Queue[Callable[[], None]] = queue.Queue()
        self.post = post or self._calls.put
        self.listeners = list(listeners or [])
        self.health_listeners: list[Callable[[Health], None]] = []
        self.face_challenges: tuple[Any, ...] | None = None   # None: drawn at random per visit
        self.embedded: EmbeddedPlatform | None = None
        self.receipt_simulator: Any = None
        self._face: FaceCheck | None = None

    # ----- start and stop -----------------------------------------------------------------
    def start(self) -> Kiosk:
        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        key = identity.load_or_create(s.key_path)
        url, public_key = s.platform.url, s.platform.public_key
        decision_key = s.platform.decision_key
        if url == EMBEDDED:
            self.embedded = EmbeddedPlatform(s.data_dir / "central", s.kiosk_id,
                                             identity.public_text(key)).start()
            url, public_key = self.embedded.url, public_key or self.embedded.public_key
            decision_key = decision_key or self.embedded.decision_key
        self.client = PlatformClient(url, s.kiosk_id, key,
                                     decision_key=signing.load_public_key(decision_key),
                                     timeout=(s.platform.timeout_s, s.platform.timeout_s))
        self.outbox = Outbox(s.outbox_path, envelope.load_public_key(public_key))
        self.sync = SyncWorker(self.outbox, self.client, heartbeat_extra=self._heartbeat)
        self.devices = DeviceManager(self._build_devices(), on_change=self._health_changed)
        self.session = Session(self.outbox, s.sessions_dir, timeouts=s.timeouts,
                               admission=self._admission, listener=self._session_event)
        self.session.elderly = s.elderly_default
        self.devices.poll_once()
        self.devices.start_polling()
        self.sync.start()
        return self

    def stop(self) -> None:
        if self._face:
            self._face.cancel()
        for part in ("sync", "devices"):
            if hasattr(self, part):
                getattr(self, part).stop()
        if hasattr(self, "reader"):
            self.reader.close()            # also stops an in-process simulator
        if hasattr(self, "outbox"):
            self.outbox.close()
        if self.receipt_simulator:
            self.receipt_simulator.stop()
        if self.embedded:
            self.embedded.stop()

    def _build_devices(self) -> dict[str, Any]:
        d, data = self.settings.devices, self.settings.data_dir
        printer_uri = d.receipt_printer
        if printer_uri == "sim":
            from devices.printers.receipt.simulator import ReceiptPrinterSimulator
            self.receipt_simulator = ReceiptPrinterSimulator(out_dir=data / "printed").start()
            printer_uri = self.receipt_simulator.uri
        self.receipt_printer = open_receipt_printer(printer_uri, data / "receipts.db")
        licence_uri = (f"pdf://{(data / 'licences').resolve()}" if d.licence_printer == "pdf"
                       else "cups://" + d.licence_printer.removeprefix("cups:"))
        self.licence_printer = LicencePrinter(licence_uri)
        reader = open_reader(ReaderConfig(port=d.idcard, photo_library=d.wlt_decoder or None),
                             on_event=self._reader_event)
        camera_source: int | str = int(d.camera) if d.camera.isdigit() else d.camera
        self.camera = open_camera(CameraConfig(source=camera_source))
        self.reader = reader
        return {IDCARD: reader, CAMERA: self.camera, RECEIPT_PRINTER: self.receipt_printer,
                LICENCE_PRINTER: self.licence_printer}

    def pump(self, timeout: float = 0.0) -> int:
        """Run calls posted from device threads (headless owners call this in their loop)."""
        try:
            first = self._calls.get(timeout=timeout) if timeout else self._calls.get_nowait()
        except queue.Empty:
            return 0
        first()
        done = 1
        while True:  # then drain what is already waiting, without waiting for more
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                return done
            call()
            done += 1

    # ----- wiring -------------------------------------------------------------------------
    def _admission(self) -> Admission:
        a = self.outbox.can_accept()
        return Admission(a.ok, a.message_zh)

    def _heartbeat(self) -> dict:
        return {"devices": [{"device": h.device, "state": h.state.value, "code": h.code}
                            for h in self.devices.all_health()]}

    def _health_changed(self, health: Health) -> None:
        for listener in self.health_listeners:
            listener(health)

    def _reader_event(self, event: Any) -> None:
        # Reader thread: never touch the session here.
        if isinstance(event, CardRead):
            applicant = Applicant.from_identity(event.identity)
            self.post(lambda: self.session.card_read(applicant))
        elif isinstance(event, ReaderFault):
            log.warning("card-read-fault status=%s", getattr(event.status, "value", event.status))

    def _session_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.StepChanged) and event.step == "face":
            self.start_face_check()
        elif isinstance(event, ev.SubmissionQueued):
            self.print_receipt()
            self.sync.kick()
        elif isinstance(event, ev.SessionEnded) and self._face:
            self._face.cancel()
            self._face = None
        for listener in self.listeners:
            listener(event)

    # ----- face ---------------------------------------------------------------------------
    def start_face_check(self, run_here: bool = False) -> None:
        """Start the liveness check; a camera that gives no frames fails it with a message."""
        def prompt(text: str) -> None:
            self.post(lambda: self.session.device_notice("face", text))

        def result(passed: bool, jpeg: bytes | None, message: str) -> None:
            self.post(lambda: self.session.face_checked(passed, jpeg, message))

        self._face = FaceCheck(self.camera, prompt, result, challenges=self.face_challenges)
        self._face.run() if run_here else self._face.start()

    # ----- paper --------------------------------------------------------------------------
    def receipt(self) -> Receipt | None:
        facts = self.session.receipt
        if facts is None:
            return None
        s = self.settings
        return Receipt(
            job_id=facts.application_id, title="自助申报回执",
            application_number=facts.application_id,
            rows=(("办理事项", f"设立登记（{facts.subject_type_label}）"),
                  ("名称", facts.business_name), ("申请人", facts.applicant_masked),
                  ("领取方式", facts.delivery), ("办理地点", s.hall)),
            qr_payload=TRACKING_URL.format(id=facts.application_id),
            notes=("审核结果将以短信通知您，也可扫描二维码查询办理进度。",
                   f"如有疑问，请拨打 {s.hotline} 政务服务热线。"),
            printed_at=dt.datetime.fromtimestamp(facts.submitted_at))

    def print_receipt(self) -> Any:
        receipt = self.receipt()
        if receipt is None:
            return None
        with self.session.paused():
            return self.receipt_printer.submit(receipt)

    def licence(self, application_id: str, copy: str = "正本") -> Licence | None:
        """The licence of an approved application, from the platform's answer."""
        data = self.outbox.status(application_id).licence
        if not data:
            return None
        def day(iso: str) -> str:  # licences print dates as 2026年11月21日
            d = dt.date.fromisoformat(iso)
            return f"{d.year}年{d.month}月{d.day}日"

        return Licence(name=data["name"], uscc=data["uscc"], licence_number=data["licence_number"],
                       subject_type_label=data["subject_type_label"],
                       person_label=data["person_label"], person_name=data["legal_person"],
                       premises_label=data["premises_label"], premises=data["premises"],
                       scope=data["scope"], established=day(data["established"]),
                       authority=data["authority"], issued_on=day(data["issued_on"]),
                       qr_payload=TRACKING_URL.format(id=application_id), copy=copy,
                       capital=data.get("capital"))

    def print_licence(self, application_id: str) -> Path | None:
        licence = self.licence(application_id)
        if licence is None:
            return None
        return self.licence_printer.print_licence(licence).pdf
