"""The service desk: the I/O behind 帮办 and the citizen services, off the GUI thread.

It listens to the session's events (on the session's thread) and does what they ask on a
worker thread of its own, posting every result back through ``post`` (the session's thread):

- 帮办: opens the help call on the platform (the kiosk id and the page, nothing about the
  person), polls it until staff answer, cancels it when the person cancels, staff arrive or
  the visit ends; a platform out of reach is said at once (ask at the hall's desk);
- 办件进度查询: the verified person's applications at any kiosk, or one number's public
  progress (a number still sealed in this kiosk's outbox is said so), and the receipt's QR
  code read by the camera (``scanner``);
- 营业执照自助打印: the print counted and signed by the platform, then printed, 补打 when it is
  not the first; every print is audited (``licence-print-init``/``-complete``);
- 办事指南: printed on the receipt printer; 好差评: stored durably, then sent at once if the
  network allows (the sync worker sends it later otherwise);
- the platform's reachability, probed now and then, reported as the ``platform`` device.

The person's identity for a lookup is read from the session when the event arrives and leaves
the kiosk only as ``contract.citizen.person_key``. No Qt; no personal data in logs.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from contract.citizen import Verification, person_key
from contract.wire import DecisionStatus, HelpCallStatus, HelpReason
from devices.health import DeviceState, Health
from devices.printers.receipt.printer import SubmitResult
from kiosk.audit import Audit, NullAudit
from kiosk.flow import events as ev
from kiosk.flow.help import HelpStatus
from kiosk.flow.offers import PLATFORM
from kiosk.flow.services import LookupState, PrintJob, PrintState
from kiosk.jobs import Jobs
from kiosk.services.scanner import QrScan
from kiosk.services.words import LocalProgress, guide_receipt
from kiosk.visit.paper import HallTexts, licence_for
from offline_queue.model import QueueState, UnknownSubmission
from offline_queue.port import ErrorKind, PlatformError
from offline_queue.ratings import RatingBox, RatingState, RatingStatus

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]
ONLINE = Health(PLATFORM, DeviceState.READY, "online", "政务服务平台连接正常")
OFFLINE = Health(PLATFORM, DeviceState.DISCONNECTED, "offline", "无法连接政务服务平台")
_HELP = {HelpCallStatus.OPEN: HelpStatus.OPEN, HelpCallStatus.ANSWERED: HelpStatus.ANSWERED,
         HelpCallStatus.CANCELLED: HelpStatus.NONE, HelpCallStatus.CLOSED: HelpStatus.NONE}
_PRINT_FAILED = {
    "network": "网络暂时中断，营业执照未能打印。请稍后再试，或凭身份证到登记窗口领取。",
    "refused": "未找到可以打印的营业执照。请凭身份证到登记窗口咨询。",
    "printer": "营业执照打印机暂时无法打印，请凭身份证到登记窗口领取，给您带来不便请谅解。",
}
GUIDE_NOT_PRINTED = "回执打印机暂时无法打印。您可以拍下本页，或请工作人员为您打印。"


@dataclasses.dataclass(frozen=True)
class Printers:
    """What the desk prints on, and the hall's words for the paper."""

    receipt: Any                  # devices.printers.receipt.ReceiptPrinter
    licence: Any                  # devices.printers.licence.LicencePrinter
    texts: HallTexts


class ServiceDesk:
    """Args: ``session`` (called only through ``post``), ``post``, ``platform`` (a
    ``PlatformClient`` of its own: the sync worker's is busy on another thread), ``camera``,
    ``printers``, ``ratings`` with ``send_rating`` (``SyncWorker.send_rating_now``),
    ``outbox_status`` (``Outbox.status``), ``audit``, ``probe_s`` (how often the platform's
    reachability is checked) and ``help_poll_s`` (how often an open call is read back)."""

    def __init__(self, session: Any, post: Post, platform: Any, *, camera: Any,
                 printers: Printers, ratings: RatingBox,
                 send_rating: Callable[[str], RatingStatus | None],
                 outbox_status: Callable[[str], Any], audit: Audit | None = None,
                 probe_s: float = 15.0, help_poll_s: float = 3.0) -> None:
        self._session = session
        self._post = post
        self._platform = platform
        self._camera = camera
        self._printers = printers
        self._ratings = ratings
        self._send_rating = send_rating
        self._outbox_status = outbox_status
        self._audit = audit or NullAudit()
        self.probe_s = probe_s
        self.help_poll_s = help_poll_s
        self._jobs = Jobs("service-desk")
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._call: str | None = None          # this kiosk's open help call
        self._scan: QrScan | None = None
        self._online: bool | None = None

    @property
    def online(self) -> bool:
        """The platform was reachable when last tried (True before the first try)."""
        return self._online is not False

    # ----- life cycle ---------------------------------------------------------------------
    def start(self) -> ServiceDesk:
        self._jobs.start()
        thread = threading.Thread(target=self._tick, name="service-desk-tick", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop_scan()
        self._stop.set()
        self._jobs.stop(timeout)
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def idle(self, timeout: float = 30.0) -> bool:
        """Wait until the worker has done everything queued so far (tests, scripted visits)."""
        return self._jobs.idle(timeout)

    def _tick(self) -> None:
        next_probe = 0.0            # probe at once
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_probe:
                next_probe = now + self.probe_s
                self._jobs.put(self._probe)
            if self._call:
                self._jobs.put(self._read_call)
            self._stop.wait(min(self.help_poll_s, self.probe_s))

    # ----- what the session says (its thread) ----------------------------------------------
    def on_session_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.HelpCalled):
            self._jobs.put(lambda: self._open_call(event))
        elif isinstance(event, ev.HelpCancelled):
            self._jobs.put(lambda: self._cancel_call(event.call_id))
        elif isinstance(event, ev.SessionEnded):
            self._stop_scan()
            if self._call:
                call = self._call
                self._jobs.put(lambda: self._cancel_call(call))
        elif isinstance(event, ev.StepChanged):
            if event.step == "status_scan":
                self._start_scan()
            else:
                self._stop_scan()
        elif isinstance(event, ev.LookupRequested):
            person = self._person()
            self._jobs.put(lambda: self._look_up(event, person))
        elif isinstance(event, ev.LicencePrintRequested):
            person = self._person()
            self._jobs.put(lambda: self._print_licence(event, person))
        elif isinstance(event, ev.GuidePrintRequested):
            self._jobs.put(lambda: self._print_guide(event))
        elif isinstance(event, ev.RatingGiven):
            body = dict(self._session.rating or {})
            self._jobs.put(lambda: self._keep_rating(event.rating_id, body))

    def _person(self) -> tuple[str, Verification] | None:
        """The verified person's key, read now (the session's thread); None before the face."""
        s = self._session
        if s.applicant is None or not (s.identity_verified or s.staff_checked_identity):
            return None
        return (person_key(s.applicant.id_number),
                Verification.FACE if s.identity_verified else Verification.STAFF)

    def _tell(self, call: Callable[[], None]) -> None:
        self._post(call)

    # ----- the platform's reachability -------------------------------------------------------
    def _seen(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            health = ONLINE if online else OFFLINE
            self._tell(lambda: self._session.device_changed(health))

    def _probe(self) -> None:
        try:
            ok = requests.get(self._platform.base_url + "/healthz", timeout=3).ok
        except requests.RequestException:
            ok = False
        self._seen(ok)

    def _failed(self, exc: PlatformError) -> None:
        if exc.kind is ErrorKind.NETWORK:
            self._seen(False)

    # ----- 帮办 --------------------------------------------------------------------------------
    def _open_call(self, event: ev.HelpCalled) -> None:
        try:
            call = self._platform.call_help(event.call_id, event.page, HelpReason(event.reason))
        except PlatformError as exc:
            log.info("help-call-unreached error=%s", exc.summary)
            self._failed(exc)
            self._tell(lambda: self._session.help_known(event.call_id, HelpStatus.UNREACHED))
            return
        self._seen(True)
        self._call = event.call_id
        self._audit.record("help-call-opened", page=event.page, reason=event.reason)
        self._tell_call(call)

    def _tell_call(self, call: Any) -> None:
        status = _HELP[call.status]
        if status is HelpStatus.NONE:
            self._call = None
        self._tell(lambda: self._session.help_known(call.call_id, status, call.answered_by))

    def _read_call(self) -> None:
        call_id = self._call
        if not call_id:
            return
        try:
            self._tell_call(self._platform.help_call(call_id))
        except PlatformError as exc:
            self._failed(exc)        # still open on the platform: read again next time

    def _cancel_call(self, call_id: str) -> None:
        if call_id == self._call:
            self._call = None
        try:
            self._platform.cancel_help(call_id)
        except PlatformError as exc:   # the staff page shows it still: staff find nobody waiting
            log.info("help-call-cancel-failed error=%s", exc.summary)
            self._failed(exc)

    # ----- 办件进度查询 ---------------------------------------------------------------------------
    def _look_up(self, event: ev.LookupRequested, person: tuple[str, Verification] | None) -> None:
        state, items = LookupState.FAILED, ()
        try:
            if event.query == "number":
                state, items = self._by_number(event.number)
            elif person is not None:
                found = self._platform.citizen_applications(*person).applications
                if event.query == "licences":
                    found = [a for a in found if a.status is DecisionStatus.APPROVED]
                state, items = LookupState.READY, tuple(found)
            self._seen(True)
        except PlatformError as exc:
            self._failed(exc)
            state = LookupState.OFFLINE if exc.kind in (ErrorKind.NETWORK, ErrorKind.SERVER) \
                else LookupState.FAILED
            log.info("citizen-lookup-failed query=%s error=%s", event.query, exc.summary)
        self._tell(lambda: self._session.lookup_known(event.query_id, state, items))

    def _by_number(self, number: str) -> tuple[LookupState, tuple[Any, ...]]:
        try:
            local = self._outbox_status(number)
        except UnknownSubmission:
            local = None
        if local is not None and local.state is not QueueState.SENT:
            received = dt.datetime.fromtimestamp(local.created_at, dt.timezone.utc).isoformat()
            return LookupState.READY, (LocalProgress(number, local.subject_type, received),)
        try:
            return LookupState.READY, (self._platform.citizen_progress(number),)
        except PlatformError as exc:
            if exc.http_status == 404:
                return LookupState.NOT_FOUND, ()
            raise

    # ----- 营业执照自助打印 -------------------------------------------------------------------------
    def _print_licence(self, event: ev.LicencePrintRequested,
                       person: tuple[str, Verification] | None) -> None:
        job = PrintJob(event.print_id, "licence", event.application_id)
        if person is None:
            self._tell(lambda: self._session.print_known(dataclasses.replace(
                job, state=PrintState.FAILED, reason=_PRINT_FAILED["refused"])))
            return
        self._audit.record("licence-print-init", application=event.application_id,
                           print_id=event.print_id, verified_by=person[1].value)
        try:
            grant = self._platform.citizen_print(event.application_id, event.print_id, *person)
        except PlatformError as exc:
            self._failed(exc)
            why = "network" if exc.retryable else "refused"
            self._audit.record("licence-print-complete", application=event.application_id,
                               print_id=event.print_id, disposition="failure", error=exc.code)
            self._tell(lambda: self._session.print_known(dataclasses.replace(
                job, state=PrintState.FAILED, reason=_PRINT_FAILED[why])))
            return
        self._seen(True)
        try:
            licence = licence_for(event.application_id, grant.licence.model_dump(mode="json"),
                                  self._printers.texts, print_number=grant.number)
            self._printers.licence.print_licence(licence)
        except Exception:  # noqa: BLE001 - bad data or a printer fault: the window prints it
            log.exception("licence-print-failed application=%s", event.application_id)
            self._audit.record("licence-print-complete", application=event.application_id,
                               print_id=event.print_id, number=grant.number,
                               disposition="failure", error="printer")
            self._tell(lambda: self._session.print_known(dataclasses.replace(
                job, state=PrintState.FAILED, number=grant.number,
                reason=_PRINT_FAILED["printer"])))
            return
        self._audit.record("licence-print-complete", application=event.application_id,
                           print_id=event.print_id, number=grant.number,
                           reprint=grant.reprint, disposition="success")
        log.info("licence-printed application=%s number=%d", event.application_id, grant.number)
        self._tell(lambda: self._session.print_known(dataclasses.replace(
            job, state=PrintState.PRINTED, number=grant.number)))

    # ----- 办事指南 and 好差评 -------------------------------------------------------------------
    def _print_guide(self, event: ev.GuidePrintRequested) -> None:
        job = PrintJob(event.job_id, "guide")
        receipt = guide_receipt(event.subject_type, event.job_id, self._printers.texts,
                                dt.datetime.now())
        try:
            result = self._printers.receipt.submit(receipt)
        except Exception:  # noqa: BLE001 - a printer bug: the page says so, nothing is lost
            log.exception("guide-print-failed")
            result = SubmitResult.WAITING
        if result is SubmitResult.WAITING:
            self._printers.receipt.discard(event.job_id)   # not for whoever comes next
            job = dataclasses.replace(job, state=PrintState.FAILED, reason=GUIDE_NOT_PRINTED)
        else:
            job = dataclasses.replace(job, state=PrintState.PRINTED)
        self._tell(lambda: self._session.print_known(job))

    def _keep_rating(self, rating_id: str, body: dict) -> None:
        try:
            self._ratings.add(rating_id, body)
        except Exception:  # noqa: BLE001 - the disk refused it: say so, the visit goes on
            log.exception("rating-not-stored")
            self._tell(lambda: self._session.rating_known(rating_id, "failed"))
            return
        status = self._send_rating(rating_id)
        sent = status is not None and status.state is RatingState.SENT
        if sent:
            self._seen(True)
        delivery = "sent" if sent else "queued"
        self._tell(lambda: self._session.rating_known(rating_id, delivery))

    # ----- the QR code --------------------------------------------------------------------
    def _start_scan(self) -> None:
        self._stop_scan()
        session, post, texts = self._session, self._post, self._printers.texts

        def read(text: str) -> None:
            number = texts.tracked(text)
            post(lambda: session.number_scanned(number))

        def notice(text: str) -> None:
            post(lambda: session.device_notice("status_scan", text))

        self._scan = QrScan(self._camera, read, notice).start()

    def _stop_scan(self) -> None:
        scan, self._scan = self._scan, None
        if scan:
            scan.cancel()
