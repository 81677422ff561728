"""A scripted visit on embedded defaults: what ``kiosk run`` does where there is no screen.

A simulated resident places a card on the simulated reader (real SAM frames over a pty),
passes the liveness check in front of the simulated camera (real OpenCV), answers every
question with the sample answers, signs and submits. The receipt goes to the simulated
receipt printer (real ESC/POS over TCP), the sync worker delivers the sealed application to the
local platform over signed HTTP, and an instantly approved licence is printed to PDF. Each page
is handed to ``snapshot`` (the UI renders it to PNG); the receipt and licence land in ``out``.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devices.camera import Challenge
from devices.idcard import ReaderStatus
from kiosk.app import Kiosk
from kiosk.domain.samples import sample_answers
from kiosk.flow.session import Phase
from kiosk.domain.questions import Kind

SIGNATURE_PNG = b"\x89PNG\r\n\x1a\n" + b"demo-signature"   # stands in for the pad's strokes


class DemoError(RuntimeError):
    """The scripted visit could not go on; the message says where."""


@dataclass
class DemoReport:
    application_id: str = ""
    steps: list[str] = field(default_factory=list)
    remote_status: str = ""
    files: list[Path] = field(default_factory=list)


def _wait(kiosk: Kiosk, until: Callable[[], bool], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            raise DemoError(f"timed out waiting for {what} (step={kiosk.session.step}, "
                            f"errors={kiosk.session.errors})")
        kiosk.pump(timeout=0.1)


def run_demo(kiosk: Kiosk, out: Path, *, subject: str = "natural_person_llc",
             card: str = "resident_valid", trade: str = "青禾",
             snapshot: Callable[[str, int], None] | None = None) -> DemoReport:
    """Drive one visit through a started ``Kiosk``; returns what happened and where files went.

    Visits can follow one another on the same kiosk: the person takes the card away at the end,
    and ``trade`` gives each application its own 字号 (the platform refuses a name twice).
    """
    out.mkdir(parents=True, exist_ok=True)
    s, report = kiosk.session, DemoReport()
    shoot = snapshot or (lambda step, n: None)
    # Wall-clock simulation on a loaded machine can miss a 150 ms blink; the demo asks for the
    # two motions (scale and turn) that a held-up photo cannot make together.
    kiosk.face_challenges = (Challenge.COME_CLOSER, Challenge.TURN_LEFT)
    printed_before = kiosk.receipt_simulator.printed if kiosk.receipt_simulator else 0
    s.begin()
    shoot("id_card", 1)
    report.steps.append("id_card")
    kiosk.reader.simulator.place(card)
    _wait(kiosk, lambda: s.step == "face", "the card to be read", 15)
    shoot("face", 2)
    report.steps.append("face")
    _pass_face_check(kiosk)
    assert s.applicant is not None
    answers = dict(sample_answers(subject, s.applicant, trade), subject_type=subject)
    for n in range(3, 60):
        step = s.step or ""
        if step in answers:
            s.raw[step] = answers[step]          # picture the page as the person filled it in
        shoot(step, n)
        report.steps.append(step)
        kind = s.page.kind if s.page else None
        if kind is Kind.DONE:
            break
        if kind is Kind.REVIEW:
            problems = s.confirm_review()
        elif step == "signature":
            problems = s.sign(SIGNATURE_PNG)
        elif step in answers:
            problems = s.answer(answers[step])
        else:
            problems = s.skip()
        if problems:
            raise DemoError(f"page {step} refused the sample answer: {problems}")
    if s.phase is not Phase.FINISHED:
        raise DemoError(f"the visit did not finish (step={s.step})")
    report.application_id = s.application_id or ""
    report.files += _collect_receipt(kiosk, out, printed_before)
    report.remote_status, licence = _deliver(kiosk, report.application_id)
    if licence:
        report.files += _licence_files(kiosk, licence, out)
    s.finish()
    kiosk.reader.simulator.remove()             # the person takes the card and leaves
    _wait(kiosk, lambda: kiosk.reader.status is not ReaderStatus.CARD_PRESENT,
          "the card to be taken away", 15)
    return report


def _pass_face_check(kiosk: Kiosk) -> None:
    """Wait for the face check; after a failed try, try again as the person would (3 tries)."""
    s = kiosk.session
    for _ in range(3):
        tried = s.face_attempts
        _wait(kiosk, lambda: s.step != "face" or s.face_attempts > tried, "the face check", 60)
        if s.step != "face":
            return
        kiosk.start_face_check()          # 再试一次
    raise DemoError(f"the face check failed three times: {s.errors}")


def _collect_receipt(kiosk: Kiosk, out: Path, printed_before: int) -> list[Path]:
    sim = kiosk.receipt_simulator
    if sim is None:
        return []
    receipt = sim.wait_for_receipt(after=printed_before, timeout=10)
    text = out / "receipt.txt"
    text.write_text(receipt.text, encoding="utf-8")
    files = [text]
    if receipt.png and receipt.png.exists():
        files.append(Path(shutil.copy(receipt.png, out / "receipt.png")))
    return files


def _deliver(kiosk: Kiosk, application_id: str, timeout_s: float = 30) -> tuple[str, Path | None]:
    """Sync until the platform has decided; print the licence if it was approved."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        kiosk.sync.run_once()
        status = kiosk.outbox.status(application_id)
        remote = status.remote_status.value if status.remote_status else ""
        if remote and remote != "received":
            return remote, kiosk.print_licence(application_id)
        time.sleep(0.2)
    return "received", None


def _licence_files(kiosk: Kiosk, pdf: Path, out: Path) -> list[Path]:
    from devices.printers.licence import render_png
    dest = Path(shutil.copy(pdf, out / "licence.pdf"))
    png = out / "licence.png"
    render_png(dest, png, 100)
    return [dest, png]
