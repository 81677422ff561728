"""The citizen services played by a script on the real kiosk, as ``kiosk run --headless
--service NAME`` does: what a resident does at the kiosk besides filing.

Like ``ScriptedVisit`` (which this extends), the script uses the window (``ui.robot``) and the
simulators' control channels only: it taps the home screen's service, lays the card on the
reader, confirms it is them, faces the camera, holds a receipt's QR code up to the camera
(``show <png>``), types on the number page, taps faces and reasons, and, as a member of staff,
enters the staff PIN on the kiosk's own pad. What the platform and the desk did shows on the
screen and in the paper that came out, and goes into ``VisitReport.service``.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.manager import CAMERA
from devices.simcontrol import send
from offline_queue.ratings import RatingState
from ui.scripted_visit import ScriptedVisit, VisitError, VisitReport

Announce = Callable[[dict[str, Any]], None]


class ScriptedServices(ScriptedVisit):
    """``announce`` hears what a watching test may need to act on (a help call is open)."""

    def __init__(self, *args: Any, announce: Announce | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.announce = announce or (lambda _: None)
        self.services = self.robot.ui.services

    # ----- 办件进度查询 --------------------------------------------------------------------
    def status(self, how: str, *, card: str = "resident_valid", number: str = "",
               receipt: Path | None = None) -> VisitReport:
        """A status query ``how``: "card", "number" (typed) or "scan" (``receipt``'s QR code)."""
        report = VisitReport()
        self._start(report, "service_status")
        self._expect("status_start")
        self._shoot(report, "01-status_start")
        self.robot.tap(f"statusBy_{how}")
        if how == "card":
            self._expect("id_card")
            self._card_page(report, card)
            self._identity_page(report)
            self._face_page(report)
        elif how == "number":
            self._expect("status_number")
            self.robot.fill(number)
            self._shoot(report, "02-status_number")
            self.robot.tap("continueButton")                 # 查询
        else:
            if receipt is None:
                raise VisitError("a scan needs a receipt to hold up")
            self._expect("status_scan")
            self._shoot(report, "02-status_scan")
            send(self.controls[CAMERA], f"show {receipt}")   # the receipt held to the camera
        try:
            self._expect("status_list")
            self.robot.wait(lambda: self.services.lookup.get("state") != "loading",
                            "the platform's answer", self.deadline_s)
        finally:
            send(self.controls[CAMERA], "mode live")
        lookup = self.services.lookup
        report.service = {"kind": "status", "by": how, "state": lookup["state"],
                          "items": [{"application_id": i["applicationId"], "state": i["state"],
                                     "business_name": i["businessName"]}
                                    for i in lookup["items"]]}
        self._shoot(report, "09-status_list")
        self._finish(report, card if how == "card" else "")
        return report

    # ----- 营业执照自助打印 --------------------------------------------------------------------
    def licence(self, *, card: str = "resident_valid") -> VisitReport:
        """Print the person's first approved licence (a 补打 when it was printed before)."""
        report = VisitReport()
        self._start(report, "service_licence")
        self._expect("id_card")
        self._card_page(report, card)
        self._identity_page(report)
        self._face_page(report)
        self._expect("licence_list")
        self.robot.wait(lambda: self.services.lookup.get("state") != "loading",
                        "the person's licences", self.deadline_s)
        items = self.services.lookup["items"]
        self._shoot(report, "04-licence_list")
        if not items:
            raise VisitError(f"no licence to print: {self.services.lookup}")
        self.robot.tap("printLicence0")
        self._expect("licence_print")
        self.robot.wait(lambda: self.services.job.get("state") in ("printed", "failed"),
                        "the licence to print", self.deadline_s)
        job = self.services.job
        report.application_id = job["applicationId"]
        report.service = {"kind": "licence", "state": job["state"], "number": job["number"],
                          "heading": job["heading"], "credit_code": items[0]["creditCode"]}
        self._shoot(report, "05-licence_print")
        report.licence = self._collect_reprint(items[0]["creditCode"], job["number"])
        self._finish(report, card)
        return report

    def _collect_reprint(self, credit_code: str, number: int) -> Path | None:
        again = f"-reprint{number}" if number > 1 else ""
        pdf = self.kiosk.settings.data_dir / "licences" / f"{credit_code}-original{again}.pdf"
        if not pdf.exists() or self.out is None:
            return pdf if pdf.exists() else None
        from devices.printers.licence import render_png
        copy = Path(shutil.copy(pdf, self.out / f"licence-print{number}.pdf"))
        render_png(copy, copy.with_suffix(".png"), 100)
        return copy

    # ----- 办事指南 -------------------------------------------------------------------------
    def guide(self, subject: str) -> VisitReport:
        report = VisitReport()
        printed_before = self._printed()
        self._start(report, "service_guide")
        self._expect("guide")
        self.robot.tap(f"guideType_{subject}")
        self._shoot(report, "01-guide")
        self.robot.tap("printGuide")
        self.robot.wait(lambda: self.services.job.get("state") in ("printed", "failed"),
                        "the guide to print", self.deadline_s)
        report.service = {"kind": "guide", "state": self.services.job["state"],
                          "title": self.services.guide["title"]}
        self._shoot(report, "02-guide-printed")
        report.receipt = self._collect_receipt(printed_before)
        self._finish(report, "")
        return report

    # ----- 好差评 ---------------------------------------------------------------------------
    def rating(self, level: int, *, reasons: int = 2, comment: str = "",
               offline: bool = False) -> VisitReport:
        """From the home screen: a face, and for a 差评 the first ``reasons`` reasons. With
        ``offline`` the platform is down meanwhile; then it returns and the queue sends it."""
        report = VisitReport()
        if offline:
            self._platform().stop()
        self._start(report, "service_rating")
        self._expect("rating")
        if comment:
            self.robot.fill({"level": level, "comment": comment})
        self.robot.tap(f"rate{level}")
        for i in range(reasons if level < 3 else 0):
            self.robot.tap(f"reason{i}")
        self._shoot(report, "01-rating")
        self.robot.tap("submitRating")
        self.robot.wait(lambda: self.services.rating.get("delivery") in ("sent", "queued", "failed"),
                        "the rating to be kept", self.deadline_s)
        report.rating = self.services.rating["delivery"]
        report.service = {"kind": "rating", "level": level, "delivery": report.rating}
        self._shoot(report, "02-rating-given")
        self.robot.tap("ratingDone")
        self.robot.wait(lambda: self.bridge.screen == "AttractScreen", "the start page")
        if offline:
            self._platform().start()
            self.kiosk.sync.kick()
            self.robot.wait(lambda: self.kiosk.ratings.counts()[RatingState.QUEUED] == 0,
                            "the kept rating to be sent once the network is back",
                            self.deadline_s)
            report.service["delivery_after"] = "sent"
        return report

    # ----- 帮办: the face fails three times, staff come and verify --------------------------
    def face_by_staff(self, pin: str) -> Callable[[VisitReport], None]:
        """A face page on which the check fails three times (a photo held up), the person calls
        staff, and staff who came enter their PIN and verify the person instead."""
        def face(report: VisitReport) -> None:
            report.steps.append("face")
            send(self.controls[CAMERA], "mode still")
            try:
                for _ in range(3):
                    self.robot.wait(lambda: bool(self.bridge.errors) or self.bridge.step != "face",
                                    "the face check to fail", self.deadline_s)
                    if self.robot.showing("retryFace"):
                        self.robot.tap("retryFace")
                self.robot.wait(lambda: self.robot.showing("faceCallStaff"),
                                "staff verification to be offered", self.deadline_s)
            finally:
                send(self.controls[CAMERA], "mode live")
            self._shoot(report, f"{len(report.steps):02d}-face-staff-needed")
            self.robot.tap("faceCallStaff")
            self.robot.wait(lambda: self.services.help.get("status") in ("open", "unreached"),
                            "the help call to be sent", self.deadline_s)
            report.service["help"] = [self.services.help["status"]]
            if self.services.help["status"] != "open":
                raise VisitError(f"staff were not reached: {self.services.help}")
            self._shoot(report, f"{len(report.steps):02d}-help-open")
            self.announce({"event": "help-call-open"})
            self.robot.wait(lambda: self.services.help.get("status") == "answered",
                            "staff to answer the call", self.deadline_s)
            report.service["help"].append("answered")
            report.service["staff"] = self.services.help["staff"]
            self._shoot(report, f"{len(report.steps):02d}-help-answered")
            self.robot.tap("staffButton")
            for digit in pin:
                self.robot.tap(f"pinKey{digit}")
            self.robot.tap("pinEnter")
            self.robot.wait(lambda: self.services.staff.get("unlocked") is True
                            or bool(self.services.staff.get("message")),
                            "the staff PIN to be checked", self.deadline_s)
            if not self.services.staff["unlocked"]:
                raise VisitError(f"the staff PIN was refused: {self.services.staff}")
            self._shoot(report, f"{len(report.steps):02d}-staff-actions")
            self.robot.tap("staffVerify")
            self.robot.wait(lambda: self.bridge.step != "face", "the visit to go on")
            report.service["help"].append(self.services.help["status"])
        return face

    # ----- helpers ------------------------------------------------------------------------
    def _finish(self, report: VisitReport, card: str) -> None:
        """完成, then the start page; the card taken away if one was laid down."""
        self.robot.tap("continueButton")
        self.robot.wait(lambda: self.bridge.screen == "AttractScreen", "the start page")
        if self.out is not None:
            self.robot.grab(self.out / "screens" / f"99-ended-{report.service.get('kind', '')}.png")
        if card:
            self._take_card()
