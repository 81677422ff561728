"""The composition root: builds one kiosk from ``Settings`` and wires its parts together.

``Kiosk.start(settings)`` builds and starts every part, in this order: the kiosk's key, the
platform (embedded or configured), the outbox, the ratings box and the sync worker, the devices
under the device manager, the session, the visit coordinator that does the visit's side effects
and the service desk that does the other citizen services' (帮办, status, licence print, guide,
rating), with the card holder between the reader and the session. It returns
only a whole kiosk: when a part fails to start, the parts already started are stopped again.
``stop()`` takes it down in the reverse order. Nothing here decides, words or draws: the session
decides, ``kiosk.visit.paper`` words the paper, the UI draws.

Threads: devices call back on their own threads, and the session is not thread-safe, so
everything that touches it goes through ``post``: by default a queue that a Qt-free owner
drains with ``pump``; the UI passes a call onto the GUI thread instead.
"""
from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from contract import envelope, signing
from devices.camera import Camera, CameraConfig, open_camera
from devices.idcard import IdCardReader, ReaderConfig, open_reader
from devices.manager import CAMERA, IDCARD, LICENCE_PRINTER, RECEIPT_PRINTER, DeviceManager
from devices.printers.licence import LicencePrinter
from devices.printers.receipt import ReceiptPrinter, open_receipt_printer
from kiosk.audit import Audit, NullAudit
from kiosk.config.settings import EMBEDDED, Settings
from kiosk.flow import events as ev
from kiosk.flow.session import Admission, Session
from kiosk.platform import identity
from kiosk.platform.client import PlatformClient
from kiosk.platform.embedded import EmbeddedPlatform
from kiosk.services.desk import Printers, ServiceDesk
from kiosk.services.staff import StaffPinGate
from kiosk.visit.card import CardHolder
from kiosk.visit.coordinator import Paperwork, VisitCoordinator
from kiosk.visit.paper import HallTexts
from offline_queue.outbox import Outbox
from offline_queue.ratings import RatingBox
from offline_queue.sync import SyncWorker

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]


@dataclass
class Devices:
    """The device drivers of one kiosk, and the simulators' control channels where simulated."""

    reader: IdCardReader
    camera: Camera
    receipt_printer: ReceiptPrinter
    licence_printer: LicencePrinter
    controls: dict[str, str] = field(default_factory=dict)   # device id -> control channel URL

    def by_id(self) -> dict[str, Any]:
        return {IDCARD: self.reader, CAMERA: self.camera, RECEIPT_PRINTER: self.receipt_printer,
                LICENCE_PRINTER: self.licence_printer}


def open_devices(settings: Settings, on_card: Callable[[Any], None], stack: ExitStack) -> Devices:
    """Open the configured devices (simulators where configured so); ``stack`` closes them."""
    d, data = settings.devices, settings.data_dir
    controls: dict[str, str] = {}
    printer_uri = d.receipt_printer
    if printer_uri == "sim":
        from devices.printers.receipt.simulator import ReceiptPrinterSimulator
        sim = ReceiptPrinterSimulator(out_dir=data / "printed", control_port=0).start()
        stack.callback(sim.stop)
        printer_uri, controls[RECEIPT_PRINTER] = sim.uri, f"tcp://127.0.0.1:{sim.control_port}"
    receipt_printer = open_receipt_printer(printer_uri, data / "receipts.db")
    stack.callback(receipt_printer.close)
    licence_uri = (f"pdf://{(data / 'licences').resolve()}" if d.licence_printer == "pdf"
                   else "cups://" + d.licence_printer.removeprefix("cups:"))
    licence_printer = LicencePrinter(licence_uri)
    reader = open_reader(ReaderConfig(port=d.idcard, photo_library=d.wlt_decoder or None),
                         on_event=on_card)
    stack.callback(reader.close)              # also stops an in-process simulator
    if reader.simulator is not None:
        controls[IDCARD] = reader.simulator.open_control()
    camera = open_camera(CameraConfig(source=int(d.camera) if d.camera.isdigit() else d.camera))
    stack.callback(camera.stop)
    if camera.control is not None:
        controls[CAMERA] = camera.control
    return Devices(reader, camera, receipt_printer, licence_printer, controls)


class Kiosk:
    """One whole, started kiosk. Build it with ``Kiosk.start``; ``stop()`` releases it all."""

    def __init__(self, settings: Settings, *, platform: EmbeddedPlatform | None,
                 client: PlatformClient, outbox: Outbox, sync: SyncWorker, devices: Devices,
                 manager: DeviceManager, session: Session, coordinator: VisitCoordinator,
                 calls: queue.Queue[Callable[[], None]], stack: ExitStack,
                 services: ServiceDesk, ratings: RatingBox, cards: CardHolder,
                 audit: Audit) -> None:
        self.settings = settings
        self.embedded = platform
        self.client = client
        self.outbox = outbox
        self.sync = sync
        self.devices = devices
        self.manager = manager
        self.session = session
        self.coordinator = coordinator
        self.services = services
        self.ratings = ratings
        self.cards = cards
        self.audit = audit
        self._calls = calls
        self._stack = stack

    @classmethod
    def start(cls, settings: Settings, *, post: Post | None = None,
              listeners: Iterable[Callable[[ev.Event], None]] = (),
              audit: Audit | None = None) -> Kiosk:
        """Build and start every part of a kiosk.

        Args:
            settings: the kiosk's settings.
            post: runs a call on the session's thread; default: a queue drained by ``pump``.
            listeners: also told every session event (the UI's relay), after the coordinator.
            audit: where security-relevant events go (default: nowhere, ``NullAudit``).
        Raises:
            Whatever a part raised on start; the parts started before it are stopped again.
        """
        calls: queue.Queue[Callable[[], None]] = queue.Queue()
        post = post or calls.put
        s = settings
        with ExitStack() as stack:
            s.data_dir.mkdir(parents=True, exist_ok=True)
            key = identity.load_or_create(s.key_path)
            url, platform = s.platform.url, None
            public_key, decision_key = s.platform.public_key, s.platform.decision_key
            if url == EMBEDDED:
                platform = EmbeddedPlatform(s.data_dir / "central", s.kiosk_id,
                                            identity.public_text(key)).start()
                stack.callback(platform.stop)
                url = platform.url
                public_key = public_key or platform.public_key
                decision_key = decision_key or platform.decision_key
            def new_client(timeout: tuple[float, float]) -> PlatformClient:
                # One client (one HTTP session) per thread that calls the platform.
                made = PlatformClient(url, s.kiosk_id, key, timeout=timeout,
                                      decision_key=signing.load_public_key(decision_key))
                stack.callback(made.close)
                return made

            client = new_client((s.platform.timeout_s, s.platform.timeout_s))
            outbox = Outbox(s.outbox_path, envelope.load_public_key(public_key))
            stack.callback(outbox.close)
            ratings = RatingBox(s.ratings_path)
            stack.callback(ratings.close)
            audit = audit or NullAudit()     # the technicians' hash-chained log goes here

            fanout = ev.Fanout()
            staff = StaffPinGate(s.staff, post, audit) if s.staff.pin_hash else None
            if staff is not None:
                stack.callback(staff.close)
            session = Session(outbox, s.sessions_dir, timeouts=s.timeouts,
                              admission=lambda: _admission(outbox), listener=fanout,
                              staff=staff, hall_region=s.region_code)
            session.elderly_default = session.elderly = s.elderly_default
            cards = CardHolder(session, post)
            devices = open_devices(s, cards.on_reader_event, stack)
            manager = DeviceManager(devices.by_id())
            stack.callback(manager.stop)
            sync = SyncWorker(outbox, client, ratings=ratings,
                              heartbeat_extra=lambda: {"devices": _health_report(manager)})
            stack.callback(sync.stop)
            texts = HallTexts(s.hall, s.hotline, s.tracking_url)
            spot = new_client((3.05, s.platform.submit_deadline_s))
            coordinator = VisitCoordinator(
                session, post, sync.deliver_now, outbox.status, manager, devices.camera,
                Paperwork(devices.receipt_printer, devices.licence_printer, texts),
                deadline_s=s.platform.submit_deadline_s, audit=audit,
                count_print=lambda sid: spot.citizen_print(sid, f"spot-{sid}", None, None))
            services = ServiceDesk(
                session, post, new_client((3.05, 8.0)), camera=devices.camera,
                printers=Printers(devices.receipt_printer, devices.licence_printer, texts),
                ratings=ratings, send_rating=sync.send_rating_now, outbox_status=outbox.status,
                audit=audit)
            fanout.add(coordinator.on_session_event, cards.on_session_event,
                       services.on_session_event, *listeners)
            manager.subscribe(coordinator.on_health)
            coordinator.start()
            stack.callback(coordinator.stop)
            services.start()
            stack.callback(services.stop)

            manager.poll_once()
            manager.start_polling()
            sync.start()
            kiosk = cls(s, platform=platform, client=client, outbox=outbox, sync=sync,
                        devices=devices, manager=manager, session=session,
                        coordinator=coordinator, calls=calls, stack=stack.pop_all(),
                        services=services, ratings=ratings, cards=cards, audit=audit)
        return kiosk

    def stop(self) -> None:
        """Stop every part, the last started first."""
        self._stack.close()

    def pump(self, timeout: float = 0.0) -> int:
        """Run calls posted from device threads (Qt-free owners call this in their loop)."""
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


def _admission(outbox: Outbox) -> Admission:
    a = outbox.can_accept()
    return Admission(a.ok, a.message_zh)


def _health_report(manager: DeviceManager) -> list[dict]:
    return [{"device": h.device, "state": h.state.value, "code": h.code}
            for h in manager.all_health()]

