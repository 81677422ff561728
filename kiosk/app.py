"""The composition root: builds one kiosk from ``Settings`` and wires its parts together.

``Kiosk.start(settings)`` builds and starts every part, in this order: the audit log, the
configuration to start with (the installed settings with the applied bundle laid over them,
``kiosk.config.agent``), the kiosk's key, the platform (embedded or configured), the outbox, the
ratings box and the sync worker, the devices under the device manager (the card holder between
the reader and the session), the session, the visit coordinator that does the visit's side
effects, the service desk that does the other citizen services' (帮办, status, licence print,
guide, rating), the technicians' diagnostics (the touch mode and the local socket ``kiosk diag``
asks), the configuration agent and the nightly maintenance window; a clean start commits a
bundle on trial (a software release on trial is committed by the UI once its window is up:
``commit_software``). It returns only a whole kiosk: when a part fails to start, the parts
already started are stopped again.
``stop()`` takes it down in the reverse order. Nothing here decides, words or draws: the session
decides, ``kiosk.visit.paper`` words the paper, the UI draws.

Threads: devices call back on their own threads, and the session is not thread-safe, so
everything that touches it goes through ``post``: by default a queue that a Qt-free owner
drains with ``pump``; the UI passes a call onto the GUI thread instead.
"""
from __future__ import annotations

import datetime as dt
import logging
import queue
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contract import envelope, signing
from devices.camera import Camera, CameraConfig, open_camera
from devices.idcard import IdCardReader, ReaderConfig, open_reader
from devices.manager import CAMERA, IDCARD, LICENCE_PRINTER, RECEIPT_PRINTER, DeviceManager
from devices.printers.receipt import ReceiptPrinter, open_receipt_printer
from kiosk import instance, logs
from kiosk.audit import Audit
from kiosk.audit.log import AuditLog
from kiosk.audit.recorders import DeviceFaults
from kiosk.config import agent as config_agent
from kiosk.config import releases
from kiosk.config.agent import ConfigAgent
from kiosk.config.settings import EMBEDDED, Settings
from kiosk.config.updater import Unreachable, platform_source
from kiosk.diagnostics.channel import ChannelLog, channel_path
from kiosk.diagnostics.mode import DiagnosticsMode
from kiosk.diagnostics.server import DiagnosticsServer
from kiosk.diagnostics.service import Diagnostics, Parts
from kiosk.diagnostics.system import installed_version
from kiosk.domain import catalogues
from kiosk.flow import events as ev
from kiosk.flow.session import Admission, Phase, Session
from kiosk.maintenance import Maintenance, Window
from kiosk.pin import PinGate
from kiosk.platform import identity
from kiosk.platform.client import PlatformClient
from kiosk.platform.embedded import EmbeddedPlatform
from kiosk.services.desk import Printers, ServiceDesk
from kiosk.services.name_check import NameChecker
from kiosk.services.staff import StaffPinGate
from kiosk.visit.card import CardHolder
from kiosk.visit.coordinator import Paperwork, VisitCoordinator
from kiosk.visit.paper import HallTexts
from offline_queue.outbox import Outbox
from offline_queue.port import PlatformError
from offline_queue.ratings import RatingBox
from offline_queue.sync import SyncWorker

if TYPE_CHECKING:       # the printer paints with Qt: imported where it is opened
    from devices.printers.licence import LicencePrinter

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
    # Imported here: the printer paints with Qt, and a process that imports PySide6 pays its
    # import hook on every module imported after it (it reads each one's source).
    from devices.printers.licence import LicencePrinter
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
                 config: ConfigAgent, calls: queue.Queue[Callable[[], None]], stack: ExitStack,
                 audit: Audit, diagnostics: Diagnostics, mode: DiagnosticsMode,
                 services: ServiceDesk, ratings: RatingBox, cards: CardHolder,
                 maintenance: Maintenance | None = None,
                 software: releases.Releases | None = None,
                 names: NameChecker | None = None) -> None:
        self.settings = settings
        self.config = config
        self.embedded = platform
        self.client = client
        self.outbox = outbox
        self.sync = sync
        self.devices = devices
        self.manager = manager
        self.session = session
        self.coordinator = coordinator
        self.audit = audit
        self.diagnostics = diagnostics
        self.mode = mode
        self.services = services
        self.ratings = ratings
        self.cards = cards
        self.maintenance = maintenance
        self.software = software
        self.names = names            # the name page's preview check (kiosk.services.name_check)
        self._calls = calls
        self._stack = stack

    @classmethod
    def start(cls, settings: Settings, *, post: Post | None = None,
              listeners: Iterable[Callable[[ev.Event], None]] = (),
              audit: Audit | None = None) -> Kiosk:
        """Build and start every part of a kiosk.

        Args:
            settings: the installed settings (the applied bundle, if any, is laid over them).
            post: runs a call on the session's thread; default: a queue drained by ``pump``.
            listeners: also told every session event (the UI's relay), after the coordinator.
            audit: where security-relevant events go (default: the hash-chained audit log at
                ``settings.audit_path``; tests pass a recorder).
        Raises:
            Whatever a part raised on start; the parts started before it are stopped again,
            and the start counts as failed for a bundle on trial.
        """
        calls: queue.Queue[Callable[[], None]] = queue.Queue()
        post = post or calls.put
        started = time.monotonic()
        audit = audit or AuditLog(settings.audit_path)
        software = releases.from_environ()     # None unless installed by deploy/
        s, applied = config_agent.begin(settings, audit)
        with ExitStack() as stack:
            config_agent.use_catalogues(applied, s, audit)   # the bundle's scope and regions
            stack.callback(catalogues.use)                  # stopped: the shipped ones again
            s.data_dir.mkdir(parents=True, exist_ok=True)
            stack.enter_context(instance.hold(s.instance_lock_path))
            instance.clear_leftover_visits(s.sessions_dir)
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
            outbox = Outbox(s.outbox_path, envelope.load_public_key(public_key), audit=audit)
            stack.callback(outbox.close)
            ratings = RatingBox(s.ratings_path)
            stack.callback(ratings.close)

            fanout = ev.Fanout()
            mode = DiagnosticsMode(PinGate(s.diagnostics.pin_hash, audit=audit), audit=audit,
                                   is_idle=lambda: session.phase is Phase.IDLE,
                                   timeout_s=s.diagnostics.timeout_s)
            staff = StaffPinGate(s.help, post, audit) if s.help.staff_pin_hash else None
            if staff is not None:
                stack.callback(staff.close)
            session = Session(outbox, s.sessions_dir, timeouts=s.timeouts,
                              admission=lambda: _admission(outbox, mode, maintenance),
                              listener=fanout, staff=staff, hall_region=s.profile.region_code)
            session.elderly_default = session.elderly = s.elderly_default
            cards = CardHolder(session, post)
            devices = open_devices(s, cards.on_reader_event, stack)
            manager = DeviceManager(devices.by_id())
            stack.callback(manager.stop)
            manager.subscribe(DeviceFaults(audit))
            channel = ChannelLog(channel_path(settings))     # the diagnostics' record of reads
            agent = ConfigAgent(settings, applied,
                                channel.watch(platform_source(_repository(client))), audit=audit)
            visits = _LastVisit()
            sync = SyncWorker(outbox, client, ratings=ratings,
                              heartbeat_s=s.fleet.heartbeat_every_s,
                              heartbeat_extra=lambda: _heartbeat(s, manager, agent, visits, audit,
                                                                 software, maintenance))
            stack.callback(sync.stop)
            stack.callback(sync.heartbeat_if_changed)   # on stopping: the last visit, reported
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
            fanout.add(logs.forget_visitor, coordinator.on_session_event, cards.on_session_event,
                       services.on_session_event, visits.on_session_event, *listeners)
            manager.subscribe(coordinator.on_health)
            coordinator.start()
            stack.callback(coordinator.stop)
            services.start()
            stack.callback(services.stop)
            names = NameChecker(new_client((3.05, 5.0)).check_name,
                                online=lambda: services.online, post=post)
            stack.callback(names.stop)

            diagnostics = Diagnostics(
                Parts(s, manager, devices.reader, devices.camera, devices.receipt_printer,
                      devices.licence_printer, outbox, sync, url, started_at=started,
                      import_config=agent.import_folder, config_agent=agent, channel=channel),
                audit=audit, is_idle=lambda: session.phase is Phase.IDLE)
            stack.callback(DiagnosticsServer(s.diagnostics_socket, diagnostics.answer).start().stop)
            maintenance = Maintenance(
                purge=outbox.purge_expired, vacuum=outbox.vacuum_if_idle,
                readiness=diagnostics.report, audit=audit,
                is_idle=lambda: session.phase is Phase.IDLE and mode.why_not_start() == "",
                window=Window(*s.maintenance.hours()),
                on_readiness=lambda _: sync.heartbeat_if_changed())

            manager.poll_once()
            manager.start_polling()
            agent.start()
            stack.callback(agent.stop)
            sync.start()
            maintenance.start()
            stack.callback(maintenance.stop)
            kiosk = cls(s, platform=platform, client=client, outbox=outbox, sync=sync,
                        devices=devices, manager=manager, session=session,
                        coordinator=coordinator, config=agent, calls=calls,
                        stack=stack.pop_all(), audit=audit, diagnostics=diagnostics, mode=mode,
                        services=services, ratings=ratings, cards=cards,
                        maintenance=maintenance, software=software, names=names)
        applied.commit_start()   # a clean start: a bundle on trial is kept
        return kiosk

    def between_visits(self, wait_for_check_s: float = 0.0) -> int | None:
        """Apply a staged configuration bundle if no visit is going on.

        Returns the version applied: the owner then stops this kiosk and starts a new one
        (``kiosk run`` restarts its process), which runs on the new bundle on trial. None
        when nothing changed. ``wait_for_check_s``: first wait that long for the agent's
        first check since start (a headless run, so that a bundle published before it
        starts is applied after its first visit).
        """
        if self.session.phase is not Phase.IDLE or self.mode.why_not_start():
            return None      # a visit, or a technician at work (a USB import waits for them)
        if wait_for_check_s:
            self.config.wait_checked(wait_for_check_s)
        return self.config.apply_between_visits()

    def commit_software(self) -> bool:
        """The kiosk is up with its window: a software release on trial is kept
        (``kiosk.config.releases``). Returns whether a trial ended."""
        if self.software is None:
            return False
        return self.software.commit_start(Path(sys.prefix), self.audit)

    def stop(self) -> None:
        """Stop every part, the last started first; then wipe a visit the stop cut short, so
        that its files do not wait on disk for the next start."""
        self._stack.close()
        self.session.wipe()

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


def _admission(outbox: Outbox, mode: DiagnosticsMode,
               nightly: Maintenance | None = None) -> Admission:
    if maintenance := mode.why_not_start():      # no visit while a technician works
        return Admission(False, maintenance)
    if nightly is not None and nightly.blocks_visits:   # nor while the nightly work runs
        return Admission(False, nightly.blocks_visits)
    a = outbox.can_accept()
    return Admission(a.ok, a.message_zh)


def _audit_head(audit: Audit) -> dict | None:
    head = audit.head() if isinstance(audit, AuditLog) else None   # a test's recorder: none
    return head.as_dict() if head else None


def _health_report(manager: DeviceManager) -> list[dict]:
    return [{"device": h.device, "state": h.state.value, "code": h.code}
            for h in manager.all_health()]


def _utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class _LastVisit:
    """When the last visit ended (for the heartbeat; the time only, nothing about it)."""

    def __init__(self) -> None:
        self.at: str | None = None

    def on_session_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.SessionEnded):
            self.at = _utc_now()


def _heartbeat(s: Settings, manager: DeviceManager, agent: ConfigAgent, visits: _LastVisit,
               audit: Audit, software: releases.Releases | None,
               nightly: Maintenance) -> dict:
    config = agent.status()
    return {"devices": _health_report(manager), "config_version": config["version"],
            "config": config, "software_version": installed_version() or "unknown",
            "software": software.status() if software else None,
            "readiness": nightly.last_readiness,
            "groups": list(s.fleet.groups), "audit": _audit_head(audit),
            "last_visit_at": visits.at, "generated_at": _utc_now(),
            "heartbeat_every_s": round(s.fleet.heartbeat_every_s)}


def _repository(client: PlatformClient) -> Callable[[str], bytes | None]:
    def fetch(rel: str) -> bytes | None:
        try:
            return client.fetch_repository(rel)
        except PlatformError as exc:
            raise Unreachable(exc.summary) from None
    return fetch

