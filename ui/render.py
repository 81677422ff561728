"""Render a scripted journey offscreen to PNG files: one picture per page.

``render_journey`` builds a session (a real outbox on a temporary disk, so submit works), shows
the real Main.qml offscreen and walks a sample application of one subject type through every
page, saving ``NN-<step>.png`` after each. The ID card and the face are "read" by the script,
as a demo would. ``kiosk run`` calls it when there is no display. It does not touch devices.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.domain.samples import sample_answers, sample_applicant
from kiosk.flow.session import Session
from kiosk.domain.questions import Kind
from ui.app import DEFAULT_SIZE, KioskUi, create_app
from ui.bridges.session_bridge import EventRelay
from ui.qt import QCoreApplication, QEvent, QMetaObject

_MAX_PAGES = 80


class _Discard:
    """A submit port that keeps nothing, for renders without a queue."""

    def enqueue(self, submission_id: str, record: dict[str, Any],
                attachments: dict[str, bytes], subject_type: str) -> None:
        return None


def settle(ui: KioskUi) -> None:
    """Let Qt finish what the last change started, as its event loop would.

    Qt.callLater and Loader work run from the event loop; three passes let bindings settle.
    ``processEvents`` outside ``exec()`` never deletes objects scheduled with ``deleteLater``
    (each page's replaced screen), so a script that drives many pages must send those too.
    """
    for _ in range(3):
        ui.app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def grab(ui: KioskUi, path: Path) -> Path:
    """Save the window as it is now to ``path`` (PNG). Raises OSError when it cannot be saved."""
    settle(ui)
    image = ui.window.grabWindow()
    if image.isNull() or not image.save(str(path), "PNG"):
        raise OSError(f"could not save a frame to {path}")
    return path


def render_journey(out_dir: str | os.PathLike[str], *,
                   subject_type: str = "individual_business",
                   size: tuple[int, int] = DEFAULT_SIZE, elderly: bool = False,
                   show_errors: Sequence[str] = ("phone",),
                   session: Session | None = None, relay: EventRelay | None = None,
                   ui: KioskUi | None = None) -> list[Path]:
    """Walk one sample application through every page and save a PNG of each.

    Args:
        out_dir: folder for the pictures (created).
        subject_type: which sample (``kiosk.domain.samples``) to walk through.
        size: window width and height in pixels (default 1080x1920 portrait).
        elderly: render in 长辈版 (large text).
        show_errors: steps where a wrong answer is given first, to picture the error summary.
        session, relay: an existing session (built with ``listener=relay``); default: a new one
            on a temporary directory that keeps nothing on submit.
        ui: reuse an already created UI (its session is used).
    Returns:
        The files written, in page order: ``00-start.png``, ``01-id_card.png``, ...
    Raises:
        QmlLoadError, FontMissingError: from ``create_app``.
        RuntimeError: when the journey gets stuck on a page.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if ui is None:
        if session is None:
            relay = EventRelay()
            session = Session(_Discard(), Path(tempfile.mkdtemp(prefix="kiosk-render-")),
                              listener=relay)
        ui = create_app(session, relay, size=size, keyboard=False, tick=False)
    bridge = ui.session
    s = bridge.session
    bridge.setElderly(elderly)
    applicant = sample_applicant()
    answers = sample_answers(subject_type, applicant)
    answers["subject_type"] = subject_type
    files = [grab(ui, out / "00-start.png")]
    bridge.begin()
    wrong = set(show_errors)
    for n in range(1, _MAX_PAGES):
        step = s.step or "end"
        if step in answers and step not in s.raw and step not in wrong:
            # Picture the page as the person would have filled it in.
            s.raw[step] = answers[step]
            bridge.refresh()
        files.append(grab(ui, out / f"{n:02d}-{step}.png"))
        if step == "done":
            bridge.finish()
            files.append(grab(ui, out / f"{n + 1:02d}-ended.png"))
            return files
        kind = s.page.kind if s.page else None
        if kind is Kind.ID_CARD:
            s.card_read(applicant)
            bridge.refresh()
        elif kind is Kind.FACE:
            s.face_checked(True, b"\xff\xd8demo")
            bridge.refresh()
        elif kind is Kind.REVIEW:
            bridge.confirmReview()
        elif step == "signature":
            bridge.signStrokes([[{"x": 40, "y": 200}, {"x": 300, "y": 80}, {"x": 600, "y": 260}]],
                               900, 450)
        elif step in wrong:
            wrong.discard(step)
            bridge.answer("12345")  # a deliberately short answer, to show the error summary
            # Rebuild the page as after a real refusal: it starts from what was typed.
            QMetaObject.invokeMethod(ui.window, "showPage")
        elif step in answers:
            bridge.answer(answers[step])
        else:
            bridge.skip()
        if s.step == step and not s.errors:
            raise RuntimeError(f"journey stuck on {step}")
    raise RuntimeError("journey did not finish")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ui.render OUT_DIR [subject_type] [--elderly]``: render a journey."""
    import sys
    args = list(sys.argv[1:] if argv is None else argv)
    elderly = "--elderly" in args
    args = [a for a in args if a != "--elderly"]
    out = args[0] if args else "/tmp/kiosk-render"
    subject = args[1] if len(args) > 1 else "individual_business"
    for f in render_journey(out, subject_type=subject, elderly=elderly):
        print(f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
