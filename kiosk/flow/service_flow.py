"""The session's verbs for 帮办, the staff panel and the citizen services beyond filing.

``ServiceFlow`` is a part of ``kiosk.flow.session.Session`` (its base class), kept apart so each
file stays readable: it works on the session's own state (``step``, ``phase``, ``applicant``)
and goes through its ``_go``, ``_refuse`` and ``_emit``. Every verb here is what a person or a
member of staff did (``call_help``, ``status_by``, ``rate``...) or what the service desk found
out (``help_known``, ``lookup_known``, ``print_known``...), and each decides what it means for
the visit; the I/O behind it (the platform, the camera, the printers, the PIN's hash) is the
service desk's (``kiosk.services``), which hears the events emitted here. No I/O, no clock.
"""
from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from contract.codes import DecisionStatus, HelpReason
from kiosk.domain import subject_types
from kiosk.domain.application import application_number
from kiosk.flow import events as ev
from kiosk.flow.help import Help, HelpStatus, StaffCheck, StaffPanel
from kiosk.flow.offers import status_methods
from kiosk.flow.rating import rating_body
from kiosk.flow.services import Lookup, LookupState, PrintJob, PrintState

if TYPE_CHECKING:
    from kiosk.flow.session import Session

NO_STAFF_PIN = "本机未设置工作人员密码，工作人员操作暂不可用。请联系技术人员设置。"
RATED = "您已评价过本次服务，谢谢您的评价"


class StaffGate(Protocol):
    """Checks a staff PIN off the session's thread and calls ``done`` back on it."""

    def check(self, pin: str, done: Callable[[StaffCheck], None]) -> None: ...


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


class ServiceFlow:
    """Mixed into ``Session``; see the module docstring."""

    # ----- 帮办 -------------------------------------------------------------------------------
    def call_help(self: Session) -> None:
        """呼叫工作人员: a call the hall's staff see, from any page (the start page too)."""
        if self.help.status.waiting:
            return
        reason = HelpReason.HELP
        if self.staff_needed:
            reason = HelpReason.DEVICE if self._down("camera") else HelpReason.FACE_FAILED
        self.help = Help(HelpStatus.CALLING, _new_id("help"))
        self.touch()
        self._emit(ev.HelpCalled(self.help.call_id, self.step or "home", reason.value))
        self._emit(ev.HelpChanged(self.help.status.value))

    def cancel_help(self: Session) -> None:
        """取消呼叫, or staff arrived at the kiosk: staff need not come any more."""
        if self.help.status is HelpStatus.NONE:
            return
        call_id, self.help = self.help.call_id, Help()
        if call_id:
            self._emit(ev.HelpCancelled(call_id))
        self._emit(ev.HelpChanged(self.help.status.value))

    def help_known(self: Session, call_id: str, status: HelpStatus, staff: str = "") -> None:
        """What the platform says of this visit's call (another call's news is ignored)."""
        if call_id != self.help.call_id or self.help.status is HelpStatus.NONE:
            return
        if status is HelpStatus.NONE:       # staff closed it on their page
            self.help = Help()
        else:
            self.help = Help(status, call_id, staff)
        self._emit(ev.HelpChanged(self.help.status.value))

    # ----- the staff panel --------------------------------------------------------------------
    def staff_pin(self: Session, pin: str) -> None:
        """A member of staff entered their PIN on the kiosk."""
        if self.staff.checking:
            return
        if self._staff_gate is None:
            self.staff = StaffPanel(message=NO_STAFF_PIN)
            self._emit(ev.StaffChanged(False))
            return
        self.staff = StaffPanel(checking=True)
        self._emit(ev.StaffChanged(False))
        self._staff_gate.check(pin if isinstance(pin, str) else "", self.staff_checked)

    def staff_checked(self: Session, check: StaffCheck) -> None:
        """The gate's answer: the staff actions open, or why not. Staff at the kiosk answer the
        help call."""
        if not self.staff.checking:
            return                      # the panel was closed, or the visit ended, meanwhile
        self.staff = StaffPanel(unlocked=check.ok, message=check.message)
        if check.ok:
            self.cancel_help()
        self._emit(ev.StaffChanged(check.ok))

    def staff_verify(self: Session) -> None:
        """Staff checked the person instead of the face check (the non-biometric fallback)."""
        if self.staff.unlocked and self.step == "face":
            self.staff = StaffPanel()
            self._emit(ev.StaffChanged(False))
            self.staff_verified()

    def staff_finish(self: Session) -> None:
        """Staff finish the visit for the person: it ends and is wiped."""
        if self.staff.unlocked and self.in_visit:
            self.end("staff")
        elif self.staff.unlocked:
            self.staff_close()

    def staff_close(self: Session) -> None:
        if self.staff != StaffPanel():
            self.staff = StaffPanel()
            self._emit(ev.StaffChanged(False))

    # ----- 办件进度查询 and 营业执照自助打印 -----------------------------------------------------
    def _look_up(self: Session, page: str, query: str, number: str = "") -> None:
        self.lookup = dataclasses.replace(self.lookup, query_id=_new_id("lookup"), number=number,
                                          state=LookupState.LOADING, items=())
        self._go(page)
        self._emit(ev.LookupRequested(self.lookup.query_id, query, number))

    def status_by(self: Session, method: str) -> None:
        """How the person looks their applications up: "card", "number" or "scan"."""
        pages = {"card": "id_card", "number": "status_number", "scan": "status_scan"}
        usable = {m.method for m in status_methods(self.devices) if m.available}
        if self.step != "status_start" or method not in pages or method not in usable:
            return
        self.touch()
        self.lookup = Lookup(by=method)
        self._go(pages[method])

    def enter_number(self: Session, text: object) -> list[str]:
        """查询 on the application-number page: the number typed, spaces and hyphens allowed."""
        if self.step != "status_number":
            return []
        self.touch()
        self.raw["status_number"] = text
        number, problem = application_number(text)
        if problem:
            return self._refuse("status_number", problem)
        self._look_up("status_list", "number", number)
        return []

    def number_scanned(self: Session, text: str) -> None:
        """The camera read an application number from a receipt's QR code."""
        if self.step != "status_scan":
            return
        number, problem = application_number(text)
        if problem:
            self.device_notice("status_scan", "这个二维码不是回执上的查询码，请换一张回执再试")
            return
        self.touch()
        self._look_up("status_list", "number", number)

    def lookup_known(self: Session, query_id: str, state: LookupState,
                     items: tuple[Any, ...] = ()) -> None:
        """The desk's answer to this visit's current query (a late answer to another is
        ignored)."""
        if query_id != self.lookup.query_id or not query_id:
            return
        self.lookup = dataclasses.replace(self.lookup, state=state, items=tuple(items))
        self._emit(ev.ServiceChanged("lookup"))

    def status_again(self: Session) -> None:
        """重新查询: back to how to look up (after a number nobody filed, say)."""
        if self.step == "status_list":
            self.touch()
            self.lookup = Lookup()
            self._go("status_start")

    def retry_lookup(self: Session) -> None:
        """再试一次 after the platform could not be reached."""
        if self.lookup.state in (LookupState.OFFLINE, LookupState.FAILED) and self.step in (
                "status_list", "licence_list"):
            query = ("number" if self.lookup.number else
                     "licences" if self.step == "licence_list" else "mine")
            self._look_up(self.step, query, self.lookup.number)

    def choose_licence(self: Session, application_id: str) -> None:
        """打印营业执照 (or 补打) for one of the person's approved applications."""
        if self.step != "licence_list" or self.lookup.state is not LookupState.READY:
            return
        if not any(getattr(a, "application_id", None) == application_id
                   and getattr(a, "status", None) is DecisionStatus.APPROVED
                   for a in self.lookup.items):
            return
        self.touch()
        self.job = PrintJob(_new_id("print"), "licence", application_id)
        self._go("licence_print")
        self._emit(ev.LicencePrintRequested(application_id, self.job.job_id))

    def print_known(self: Session, job: PrintJob) -> None:
        """What became of this visit's print (licence or guide)."""
        if self.job is None or job.job_id != self.job.job_id:
            return
        self.job = job
        self._emit(ev.ServiceChanged("print"))

    # ----- 办事指南 -------------------------------------------------------------------------------
    def choose_guide(self: Session, subject_type: str) -> None:
        if self.step == "guide" and subject_type in subject_types.BY_ID:
            self.touch()
            self.guide_type = subject_type
            if self.job and self.job.what == "guide" and self.job.state is not PrintState.PRINTING:
                self.job = None
            self._emit(ev.ServiceChanged("guide"))

    def print_guide(self: Session) -> None:
        """打印办事指南 on the receipt printer."""
        if self.step != "guide" or (self.job and self.job.state is PrintState.PRINTING):
            return
        self.touch()
        self.job = PrintJob(_new_id("guide"), "guide")
        self._emit(ev.GuidePrintRequested(self.guide_type, self.job.job_id))
        self._emit(ev.ServiceChanged("print"))

    # ----- 好差评 -------------------------------------------------------------------------------
    @property
    def case_number(self: Session) -> str:
        """The case a rating is about: the application filed or looked up, else the visit."""
        if self.receipt is not None:
            return self.receipt.application_id
        if self.job and self.job.application_id:
            return self.job.application_id
        if self.lookup.number:
            return self.lookup.number
        return f"visit-{(self.session_id or '')[:16]}"

    def start_rating(self: Session, level: int = 0) -> None:
        """评价本次服务: the rating page, once per visit (``level``: a face already tapped)."""
        if not self.in_visit or self.rating is not None or self.step == "rating":
            return
        self.touch()
        if level in range(1, 6):
            self.raw["rating"] = {"level": level}
        self._go("rating")

    def rate(self: Session, level: object, reasons: object = (), comment: object = "") -> list[str]:
        """提交评价 on the rating page, or a face tapped on the done page."""
        if self.step not in ("rating", "done") or not self.in_visit:
            return []
        self.touch()
        if self.rating is not None:
            return self._refuse(self.step, RATED)
        result = rating_body(_new_id("rating"), self.case_number, level, reasons, comment)
        if result.body is None:
            return self._refuse(self.step, result.problem)
        self.rating, self.rating_delivery = result.body, "saving"
        self.errors = []
        self._emit(ev.RatingGiven(result.body["rating_id"]))
        self._emit(ev.ServiceChanged("rating"))
        return []

    def rating_known(self: Session, rating_id: str, delivery: str) -> None:
        """Where the rating went: "sent", "queued" (offline, kept on this kiosk) or "failed"."""
        if self.rating is not None and self.rating["rating_id"] == rating_id:
            self.rating_delivery = delivery
            self._emit(ev.ServiceChanged("rating"))
