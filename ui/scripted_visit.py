"""One visit played by a script on the real kiosk: what ``kiosk run`` does where there is no screen.

A simulated resident taps the subject type under 设立登记 on the real window's home screen,
lays a card on the simulated reader (told through the reader simulator's control channel; the
reader reads it over real SAM frames on a pty), confirms it is them, stands in front of the
simulated camera while the visit coordinator runs the real liveness check, fills in every page
with the sample answers and presses the real 继续, signs the pad with a finger, waits on the
done page for the outcome and rates the visit there. The coordinator meanwhile delivers the
sealed application to the platform over signed HTTP, prints the receipt on the simulated ESC/POS
printer and, when approved, the licence. The script uses the window (``ui.robot``) and the
simulators' control channels only; it never reaches into the session or a device.

With ``offline``, the platform is down while the person submits (the outcome is ``queued``);
the script then brings it back and waits for the queue to deliver (``final``).
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.idcard.simulator import simulated_cards
from devices.manager import CAMERA, IDCARD, RECEIPT_PRINTER
from devices.simcontrol import send
from kiosk.app import Kiosk
from kiosk.domain.application import Applicant
from kiosk.domain.questions import Kind
from kiosk.domain.samples import sample_answers, trade_name
from kiosk.maintenance import MESSAGE_ZH as NIGHTLY_MESSAGE
from kiosk.visit.delivery import outcome_of
from offline_queue.model import QueueState
from offline_queue.ratings import RatingState
from ui.app import KioskUi
from ui.robot import Robot

# A name written with three strokes: real ink, not a tap (fractions of the pad).
SIGNATURE = (((0.15, 0.6), (0.25, 0.3), (0.35, 0.65), (0.45, 0.35)),
             ((0.5, 0.5), (0.7, 0.45), (0.85, 0.55)),
             ((0.6, 0.3), (0.62, 0.75)))
PAGE_LIMIT = 60
MAINTENANCE_WAIT_S = 600   # the nightly maintenance's "about a minute", on a loaded machine
NAME_TRIES = 20         # other 字号 tried when the platform says a name is taken
SPARE_NAMES = 1000      # where they start among the samples: past those a soak's visits use


class VisitError(RuntimeError):
    """The visit could not go on as a person's would; the message says where."""


@dataclass
class VisitReport:
    """What one scripted visit did, and where its files are (no personal data)."""

    application_id: str = ""
    outcome: str = ""
    final: str = ""
    steps: list[str] = field(default_factory=list)
    screens: list[Path] = field(default_factory=list)
    receipt: Path | None = None
    licence: Path | None = None
    rating: str = ""                  # where the visit's rating went: sent, queued, failed
    service: dict[str, Any] = field(default_factory=dict)   # what a citizen service showed

    def as_json(self) -> dict[str, Any]:
        return {"application_id": self.application_id, "outcome": self.outcome,
                "final": self.final, "screens": [str(p) for p in self.screens],
                "receipt": str(self.receipt) if self.receipt else None,
                "licence": str(self.licence) if self.licence else None,
                "rating": self.rating, "service": self.service}


class ScriptedVisit:
    """A person at a started kiosk with its UI. ``out``: where pictures and paper go (None:
    none, as in a soak); ``deadline_s``: the longest any one wait may take."""

    def __init__(self, kiosk: Kiosk, ui: KioskUi, out: Path | None, *,
                 deadline_s: float = 60.0) -> None:
        self.kiosk = kiosk
        self.robot = Robot(ui)
        self.bridge = ui.session
        self.out = out
        self.deadline_s = deadline_s
        self.controls = kiosk.devices.controls
        missing = {IDCARD, CAMERA, RECEIPT_PRINTER} - set(self.controls)
        if missing:
            raise VisitError(f"a scripted visit needs simulated devices; not simulated: {missing}")

    # ----- one visit ----------------------------------------------------------------------
    def run(self, subject: str, *, card: str = "resident_valid", trade: str = "青禾",
            offline: bool = False, elderly: bool = False, rate: int = 5,
            face: Callable[[VisitReport], None] | None = None,
            free_name: bool = True) -> VisitReport:
        """One 设立登记 of ``subject``; ``face`` replaces the face page (staff verify). With
        ``free_name`` the name page waits for the platform's name check and types another 字号
        if the name is taken (a visit of an earlier run on the same data filed it)."""
        report = VisitReport()
        applicant = Applicant.from_identity(simulated_cards()[card])
        answers = dict(sample_answers(subject, applicant, trade), subject_type=subject)
        printed_before = self._printed()
        if offline:
            self._platform().stop()          # the network is down while the person applies
        self._start(report, f"start_{subject}", elderly)
        self._expect("id_card")
        self._card_page(report, card)
        self._identity_page(report)
        (face or self._face_page)(report)
        for n in range(len(report.steps) + 1, PAGE_LIMIT):
            step = self.bridge.step
            report.steps.append(step)
            if self.bridge.kind == Kind.DONE.value:
                break
            self._answer_page(report, n, step, answers, free_name)
        else:
            raise VisitError(f"the visit did not reach the done page (on {self.bridge.step})")
        self._done_page(report, len(report.steps), printed_before)
        if rate:
            self._rate_on_done_page(report, rate)
        if offline:
            report.final = self._after_the_network_returns(report.application_id)
        self.robot.tap("continueButton")                  # 完成
        self.robot.wait(lambda: self.bridge.screen == "AttractScreen", "the start page")
        if self.out is not None:        # after the list, which ends on the page of the outcome
            self.robot.grab(self.out / "screens" / "99-ended.png")
        self._take_card()
        return report

    # ----- pages --------------------------------------------------------------------------
    def _start(self, report: VisitReport, button: str, elderly: bool = False) -> None:
        """On the home screen: 长辈版 if wanted (it is the person's own choice, every visit),
        then the service's button. During the nightly maintenance (the start page says it
        takes about a minute) the person waits for it to end, and taps again if it turned them
        away."""
        nightly = self.kiosk.maintenance
        self.robot.wait(lambda: self.robot.showing(button),
                        f"the kiosk to be ready ({button} offered)",
                        MAINTENANCE_WAIT_S if nightly is not None and nightly.blocks_visits
                        else self.deadline_s)
        if elderly and not self.bridge.elderly:
            self.robot.tap("elderlySwitch")
        self._shoot(report, "00-start")
        self.robot.tap(button)
        while nightly is not None and self.bridge.phase == "idle" \
                and NIGHTLY_MESSAGE in self.bridge.endedMessage:
            self.robot.wait(lambda: not nightly.blocks_visits, "the nightly maintenance to end",
                            MAINTENANCE_WAIT_S)
            self.robot.wait(lambda: self.robot.showing(button), f"{button} offered again",
                            self.deadline_s)
            self.robot.tap(button)

    def _card_page(self, report: VisitReport, card: str) -> None:
        report.steps.append("id_card")
        self._shoot(report, f"{len(report.steps):02d}-id_card")
        send(self.controls[IDCARD], f"place {card}")
        self.robot.wait(lambda: self.bridge.step != "id_card" or bool(self.bridge.errors),
                        "the card to be read", self.deadline_s)
        if self.bridge.step == "id_card":
            raise VisitError(f"the card page refused the card: {self.bridge.errors}")

    def _identity_page(self, report: VisitReport) -> None:
        """Who was read, masked: 是本人，继续."""
        self._expect("confirm_identity")
        report.steps.append("confirm_identity")
        self._shoot(report, f"{len(report.steps):02d}-confirm_identity")
        self.robot.tap("confirmIdentity")

    def _face_page(self, report: VisitReport) -> None:
        report.steps.append("face")
        self.robot.wait(lambda: self.bridge.notice != "" or self.bridge.step != "face",
                        "the camera's first instruction", self.deadline_s)
        self._shoot(report, f"{len(report.steps):02d}-face")
        for _ in range(3):
            self.robot.wait(lambda: self.bridge.step != "face" or bool(self.bridge.errors),
                            "the face check", self.deadline_s)
            if self.bridge.step != "face":
                return
            if not self.robot.showing("retryFace"):
                break
            self.robot.tap("retryFace")                   # 再试一次, as the person would
        raise VisitError(f"the face check did not pass: {self.bridge.errors}")

    def _answer_page(self, report: VisitReport, n: int, step: str, answers: dict,
                     free_name: bool) -> None:
        kind = self.bridge.kind
        if kind == Kind.SIGNATURE.value:
            self.robot.stroke("signaturePad", SIGNATURE)
        elif kind not in (Kind.REVIEW.value, Kind.DONE.value):
            if step not in answers:
                self._shoot(report, f"{n:02d}-{step}")
                self.robot.tap("skipButton")
                self._moved_on(step)
                return
            self.robot.fill(answers[step])
            if free_name and isinstance(answers[step], dict) \
                    and "trade_name" in answers[step]:
                self._name_not_taken(step, answers)
        self._shoot(report, f"{n:02d}-{step}")
        self.robot.tap("continueButton")
        self._moved_on(step)

    def _name_not_taken(self, step: str, answers: dict) -> None:
        """As a person would: when the name page's check says the name is taken (a sample
        filed on this platform before, by an earlier run), type another 字号 before going on.
        The spares start past the samples a soak uses and past the outbox's count of
        submissions, so a run after many others finds a free one at once; offline, or with no
        check, the name goes on as it is."""
        names = self.robot.ui.names
        if names is None:
            return
        spare = SPARE_NAMES + sum(self.kiosk.outbox.summary().counts.values())
        for tries in range(NAME_TRIES):
            trade = answers[step]["trade_name"]
            self.robot.wait(lambda: trade in names.name
                            and names.checkState in ("available", "taken", "later"),
                            f"the name check of {trade}", self.deadline_s)
            if names.checkState != "taken":
                return
            answers[step] = {**answers[step], "trade_name": trade_name(spare + tries + 1)}
            self.robot.fill(answers[step])
        raise VisitError(f"{NAME_TRIES} names in a row were taken on the platform")

    def _moved_on(self, step: str) -> None:
        self.robot.wait(lambda: self.bridge.step != step or bool(self.bridge.errors),
                        f"the page after {step}")
        if self.bridge.step == step:
            raise VisitError(f"page {step} refused the answer: {list(self.bridge.errors)}")

    def _done_page(self, report: VisitReport, n: int, printed_before: int) -> None:
        self.robot.wait(lambda: not self.bridge.outcome.get("pending", True),
                        "the outcome and the paper", self.deadline_s)
        outcome = self.bridge.outcome
        report.application_id = self.bridge.receipt.get("applicationId", "")
        report.outcome = report.final = outcome["kind"]
        self._shoot(report, f"{n:02d}-done-{report.outcome}")
        report.receipt = self._collect_receipt(printed_before)
        report.licence = self._collect_licence(outcome.get("creditCode", ""))

    def _rate_on_done_page(self, report: VisitReport, level: int) -> None:
        """A face tapped on the done page: 好差评 right after the visit."""
        self.robot.tap(f"doneRate{level}")
        services = self.robot.ui.services
        self.robot.wait(lambda: services.rating.get("delivery") in ("sent", "queued", "failed"),
                        "the rating to be kept", self.deadline_s)
        report.rating = services.rating["delivery"]

    # ----- devices, network and paper -----------------------------------------------------
    def _printed(self) -> int:
        return int(send(self.controls[RECEIPT_PRINTER], "last").split()[1])

    def _take_card(self) -> None:
        """The person takes the card away; wait until the reader has looked and seen it gone."""
        reader = self.controls[IDCARD]
        send(reader, "remove")
        polls = int(send(reader, "polls").split()[1])
        self.robot.wait(lambda: int(send(reader, "polls").split()[1]) >= polls + 2,
                        "the reader to see the card gone", self.deadline_s)

    def _collect_receipt(self, printed_before: int) -> Path | None:
        reply = send(self.controls[RECEIPT_PRINTER], "last").split(maxsplit=2)
        if int(reply[1]) <= printed_before or len(reply) < 3:
            return None                                   # held for paper: staff print it
        png = Path(reply[2])
        if self.out is None:
            return png
        for source in (png, png.with_suffix(".txt")):
            shutil.copy(source, self.out / f"receipt{source.suffix}")
        return self.out / "receipt.png"

    def _collect_licence(self, credit_code: str) -> Path | None:
        if not credit_code:
            return None
        pdf = self.kiosk.settings.data_dir / "licences" / f"{credit_code}-original.pdf"
        if not pdf.exists():
            return None
        if self.out is None:
            return pdf
        from devices.printers.licence import render_png
        copy = Path(shutil.copy(pdf, self.out / "licence.pdf"))
        render_png(copy, self.out / "licence.png", 100)
        return copy

    def _platform(self) -> Any:
        if self.kiosk.embedded is None:
            raise VisitError("--offline needs the embedded platform (it is stopped and restarted)")
        return self.kiosk.embedded

    def _after_the_network_returns(self, application_id: str) -> str:
        self._platform().start()
        self.kiosk.sync.network_back()   # as a network monitor would say; the queue does the rest

        def delivered_and_decided() -> bool:
            status = self.kiosk.outbox.status(application_id)
            return status.state is QueueState.SENT and status.verified

        def ratings_sent() -> bool:
            return self.kiosk.ratings.counts()[RatingState.QUEUED] == 0

        self.robot.wait(delivered_and_decided, "the queue to deliver once the network is back",
                        self.deadline_s)
        self.robot.wait(ratings_sent, "the ratings kept offline to be sent", self.deadline_s)
        return outcome_of(self.kiosk.outbox.status(application_id)).outcome.value

    # ----- helpers ------------------------------------------------------------------------
    def _expect(self, step: str) -> None:
        self.robot.wait(lambda: self.bridge.step == step, f"the {step} page")

    def _shoot(self, report: VisitReport, name: str) -> None:
        if self.out is not None:
            report.screens.append(self.robot.grab(self.out / "screens" / f"{name}.png"))
