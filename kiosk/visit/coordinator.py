"""The visit coordinator: the side effects of a visit, run off the GUI thread.

It listens to the session's events (on the session's thread) and does what they call for on
threads of its own, posting every result back through ``post`` (which runs a call on the
session's thread), so the GUI thread only draws and forwards:

- the face page: a liveness check on the camera (``FaceCheck``), cancelled when the visit ends;
- a submitted application: one immediate delivery attempt with a short deadline (the queue
  keeps it either way), then the outcome, then the receipt saying that outcome, then the
  licence when approved from a verified decision and the licence printer is ready (counted by
  the platform first when ``count_print`` is given, so a later self-print anywhere is a 补打;
  every licence print is audited);
- the end of a visit: a receipt still held for paper is discarded, never printed for the next
  person (its job id stays in the printer's journal, so staff can reprint it by number);
- device health: handed to the session, which decides what it means for the person.

One worker thread runs the submit work in order; it lives as long as the coordinator, so a
thousand visits start no thousand threads. No Qt; no personal data in logs.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.health import Health
from devices.manager import DeviceManager
from devices.printers.receipt import ReceiptPrinter
from devices.printers.receipt.printer import SubmitResult
from kiosk.audit import Audit, NullAudit
from kiosk.flow import events as ev
from kiosk.flow.session import ReceiptFacts, Session
from kiosk.visit.face_check import FaceCheck
from kiosk.flow.outcome import Outcome, Paper, VisitOutcome
from kiosk.jobs import Jobs
from kiosk.visit.delivery import licence_data, outcome_of
from kiosk.visit.paper import HallTexts, licence_for, receipt_for
from offline_queue.model import SubmissionStatus

if TYPE_CHECKING:       # the printer paints with Qt; the kiosk opens it (kiosk.app)
    from devices.printers.licence import LicencePrinter

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]


StatusOf = Callable[[str], SubmissionStatus]   # what the outbox knows of a submission


@dataclass(frozen=True)
class Paperwork:
    """The printers and the words the coordinator prints with."""

    receipt_printer: ReceiptPrinter
    licence_printer: LicencePrinter
    texts: HallTexts


class VisitCoordinator:
    """Owns what a visit does besides asking questions.

    Args:
        session: the visit's session; called only through ``post``.
        post: runs a call on the session's thread (the GUI thread in the app).
        deliver_now: sends one submission at once and returns its status
            (``SyncWorker.deliver_now``); failures show in the status, it does not raise.
        status: what the outbox knows of a submission (``Outbox.status``).
        devices: the device manager, for "can the licence printer print now".
        camera: the camera the face check reads.
        paperwork: printers and hall texts.
        deadline_s: how long the person waits for the immediate delivery; after that the
            application counts as queued (the attempt goes on, the queue keeps it either way).
        face_challenges: fixed liveness steps (scripted visits); None draws them per visit.
        count_print: asks the platform to count the on-the-spot print of an application and
            returns its signed licence print (``PlatformClient.citizen_print`` for this kiosk);
            None prints from the decision uncounted.
        audit: where licence prints are recorded.
    """

    def __init__(self, session: Session, post: Post, deliver_now: StatusOf, status: StatusOf,
                 devices: DeviceManager, camera: Any, paperwork: Paperwork, *,
                 deadline_s: float = 5.0, face_challenges: Sequence[Any] | None = None,
                 count_print: Callable[[str], Any] | None = None,
                 audit: Audit | None = None) -> None:
        self._session = session
        self._post = post
        self._deliver_now = deliver_now
        self._status = status
        self._deadline_s = deadline_s
        self._devices = devices
        self._camera = camera
        self._paper = paperwork
        self.face_challenges = face_challenges
        self._count_print = count_print
        self._audit = audit or NullAudit()
        self._face: FaceCheck | None = None
        self._frames: Callable[[Any], None] | None = None
        self._waiting_for_paper: str | None = None   # the application whose person is still here
        self._jobs = Jobs("visit-coordinator")
        self._delivery = ThreadPoolExecutor(1, thread_name_prefix="visit-delivery")

    # ----- life cycle ---------------------------------------------------------------------
    def start(self) -> VisitCoordinator:
        self._jobs.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Cancel the face check, finish the queued work, and end the worker thread."""
        self._cancel_face()
        self._jobs.stop(timeout)
        self._delivery.shutdown(wait=True, cancel_futures=True)

    def idle(self, timeout: float = 30.0) -> bool:
        """Wait until the worker has done everything queued so far (tests, scripted visits)."""
        return self._jobs.idle(timeout)

    # ----- what the session and the devices say -------------------------------------------
    def on_session_event(self, event: ev.Event) -> None:
        """The session's listener (its own thread): start or stop what the event calls for."""
        if isinstance(event, ev.StepChanged) and event.step == "face":
            self.start_face_check()
        elif isinstance(event, ev.StepChanged) and self._face is not None:
            self._cancel_face()      # the person went back from the face page: stop looking
        elif isinstance(event, ev.SubmissionQueued):
            facts = self._session.receipt
            if facts is not None:
                self._waiting_for_paper = facts.application_id
                self._jobs.put(lambda: self._after_submit(facts))
        elif isinstance(event, ev.SessionEnded):
            self._waiting_for_paper = None
            self._cancel_face()
            self._jobs.put(self._discard_held_receipts)

    def on_health(self, health: Health) -> None:
        """The device manager's listener (its own thread)."""
        self._post(lambda: self._session.device_changed(health))

    # ----- face ---------------------------------------------------------------------------
    def start_face_check(self) -> None:
        """Start (or start again, 再试一次) the liveness check of the face page."""
        self._cancel_face()
        session, post = self._session, self._post

        def prompt(text: str) -> None:
            post(lambda: session.device_notice("face", text))

        def result(passed: bool, jpeg: bytes | None, message: str) -> None:
            post(lambda: session.face_checked(passed, jpeg, message))

        self._face = FaceCheck(self._camera, prompt, result, challenges=self.face_challenges,
                               on_frame=self._frames)
        self._face.start()

    def show_frames_to(self, sink: Callable[[Any], None] | None) -> None:
        """Where the face check's camera frames go for the live preview (the UI's; called on
        the face check's thread, then with None when the check stops). None: nowhere."""
        self._frames = sink

    def _cancel_face(self) -> None:
        face, self._face = self._face, None
        if face:
            face.cancel()

    # ----- after submit (worker thread) ---------------------------------------------------
    def _tell(self, outcome: VisitOutcome) -> None:
        self._post(lambda: self._session.outcome_known(outcome))

    def _deliver(self, application_id: str) -> SubmissionStatus:
        """One immediate attempt, waited for at most ``deadline_s``; then what the outbox knows."""
        attempt = self._delivery.submit(self._deliver_now, application_id)
        try:
            return attempt.result(timeout=self._deadline_s)
        except FutureTimeout:
            log.info("visit-delivery-slow submission=%s: left to the queue", application_id)
        except Exception:  # noqa: BLE001 - the queue still holds it; the person is told so
            log.exception("visit-delivery-failed submission=%s", application_id)
        return self._status(application_id)

    def _after_submit(self, facts: ReceiptFacts) -> None:
        status = self._deliver(facts.application_id)
        outcome = outcome_of(status)
        licence = licence_data(status) if outcome.outcome is Outcome.APPROVED else None
        if licence is not None:   # said at once, so the page waits for it and says where it is
            outcome = outcome.with_licence(
                Paper.PRINTING if self._devices.can_print_licence() else Paper.FAILED)
        self._tell(outcome)
        log.info("visit-outcome submission=%s outcome=%s", facts.application_id,
                 outcome.outcome.value)
        outcome = outcome.with_receipt(self._print_receipt(facts, outcome))
        self._tell(outcome)
        if licence is not None and outcome.licence is Paper.PRINTING:
            self._tell(outcome.with_licence(self._print_licence(facts.application_id, licence)))

    def _print_receipt(self, facts: ReceiptFacts, outcome: VisitOutcome) -> Paper:
        if self._waiting_for_paper != facts.application_id:
            # The person left before it could print: never hand it to the next one.
            self._paper.receipt_printer.discard(facts.application_id)
            log.info("receipt-discarded-visit-ended submission=%s", facts.application_id)
            return Paper.HELD
        try:
            result = self._paper.receipt_printer.submit(
                receipt_for(facts, outcome, self._paper.texts))
        except Exception:  # noqa: BLE001 - a printer bug: staff print it, the visit goes on
            log.exception("receipt-print-failed submission=%s", facts.application_id)
            return Paper.HELD
        return Paper.HELD if result is SubmitResult.WAITING else Paper.PRINTED

    def _print_licence(self, application_id: str, data: dict) -> Paper:
        if self._waiting_for_paper != application_id:
            log.info("licence-not-printed-visit-ended submission=%s", application_id)
            return Paper.FAILED                       # the window prints it
        self._audit.record("licence-print-init", application=application_id,
                           print_id=f"spot-{application_id}", verified_by="visit")
        number = 1
        try:
            if self._count_print is not None:
                grant = self._count_print(application_id)
                data, number = grant.licence.model_dump(mode="json"), grant.number
            self._paper.licence_printer.print_licence(
                licence_for(application_id, data, self._paper.texts, print_number=number))
        except Exception as exc:  # noqa: BLE001 - not counted, bad data, a printer fault: the
            #                       window prints it, or the person prints it here later
            log.warning("licence-print-failed submission=%s error=%s", application_id,
                        type(exc).__name__)
            self._audit.record("licence-print-complete", application=application_id,
                               print_id=f"spot-{application_id}", disposition="failure",
                               error=type(exc).__name__)
            return Paper.FAILED
        self._audit.record("licence-print-complete", application=application_id,
                           print_id=f"spot-{application_id}", number=number,
                           reprint=number > 1, disposition="success")
        log.info("licence-printed submission=%s number=%d", application_id, number)
        return Paper.PRINTED

    def _discard_held_receipts(self) -> None:
        dropped = self._paper.receipt_printer.discard_pending()
        if dropped:
            log.info("receipt-discarded-at-wipe count=%d", dropped)
