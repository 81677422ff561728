"""Fixtures for the UI tests: a session on a real outbox, clocks the test moves (monotonic and
wall), and one Qt Quick UI for the whole test run (QML singletons are registered once per
process)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.domain.application import Applicant
from tests.clock import Clock
from kiosk.domain.samples import make_id_number
from kiosk.flow.session import Session
from offline_queue.outbox import Outbox
from kiosk.domain.samples import sample_answers
from kiosk.config.schema import ScreenSettings
from ui.app import KioskUi, create_app
from ui.robot import Robot
from ui.scripted_visit import SIGNATURE
from ui.bridges.session_bridge import EventRelay, SessionBridge

NAME = "司马青云"
ID_NUMBER = make_id_number("440305", dt.date(1981, 7, 2), 219)


def person() -> Applicant:
    return Applicant(name=NAME, id_number=ID_NUMBER, sex="男", birth_date=dt.date(1981, 7, 2),
                     address="广东省深圳市南山区科技园1号", ethnic="汉族", authority="深圳市公安局",
                     valid_until=None)


@dataclass
class Kit:
    session: Session
    bridge: SessionBridge
    clock: Clock
    outbox: Outbox
    events: list
    wall: Clock


WALL_START = dt.datetime(2026, 11, 21, 10, 0).timestamp()   # a fixed day for date rules


def _make(root: Path) -> tuple[Session, EventRelay, Clock, Outbox, list, Clock]:
    outbox = Outbox(root / "queue" / "outbox.db", X25519PrivateKey.generate().public_key())
    clock, wall = Clock(5000.0), Clock(WALL_START)
    relay = EventRelay()
    events: list = []
    relay.happened.connect(events.append)
    session = Session(outbox, root / "sessions", clock=clock, wall_clock=wall, listener=relay)
    return session, relay, clock, outbox, events, wall


@pytest.fixture()
def kit(qapp, tmp_path: Path) -> Iterator[Kit]:
    """A bridge over a fresh session, without QML and without the 1 s timer."""
    session, relay, clock, outbox, events, wall = _make(tmp_path)
    bridge = SessionBridge(session, relay, clock=clock, tick=False)
    yield Kit(session, bridge, clock, outbox, events, wall)
    session.cancel()


@dataclass
class UiKit:
    ui: KioskUi
    clock: Clock

    @property
    def bridge(self) -> SessionBridge:
        return self.ui.session

    def settle(self) -> None:
        for _ in range(3):
            self.ui.app.processEvents()


@pytest.fixture(scope="session")
def ui_kit(qapp, tmp_path_factory: pytest.TempPathFactory) -> UiKit:
    """The real Main.qml, offscreen at 1080x1920, created once for the test run, with the
    ``[screen]`` a kiosk's settings give it by default."""
    session, relay, clock, _, _, _ = _make(tmp_path_factory.mktemp("ui"))
    ui = create_app(session, relay, keyboard=False, tick=False, clock=clock,
                    screen=ScreenSettings())
    return UiKit(ui, clock)


@pytest.fixture()
def fresh_ui(ui_kit: UiKit) -> Iterator[UiKit]:
    """The shared UI back on the start page, standard mode, before and after a test."""
    ui_kit.bridge.cancel()
    ui_kit.bridge.setElderly(False)
    ui_kit.bridge.dismissEnded()
    ui_kit.settle()
    yield ui_kit
    ui_kit.bridge.cancel()
    ui_kit.bridge.setElderly(False)
    ui_kit.settle()


def walk_every_page(kit: UiKit, subject: str, out: Path, *, elderly: bool = False,
                    on_page: Callable[[Robot, str], None] | None = None,
                    on_shown: Callable[[Robot, Path], None] | None = None) -> list[Path]:
    """Answer every page of a visit through the real window (fill it in, press its buttons),
    saving a PNG of each; the test stands in for the card reader and the camera. ``on_page``
    is told each page first (the robot and the step), e.g. to try its way out; ``on_shown``
    each picture just taken, with the page still as the picture shows it."""
    robot, b = Robot(kit.ui), kit.bridge
    s = b.session

    def grab(path: Path) -> Path:
        robot.grab(path)
        if on_shown is not None:
            on_shown(robot, path)
        return path

    files = [grab(out / "00-start.png")]
    robot.tap(f"start_{subject}")
    if elderly:
        robot.tap("elderlySwitch")          # the person's choice, once the visit has begun
    answers = dict(sample_answers(subject, person()), subject_type=subject)
    for n in range(1, 60):
        step = s.step or "end"
        if on_page is not None and step != "end":
            on_page(robot, step)
        if step == "id_card":
            files.append(grab(out / f"{n:02d}-{step}.png"))
            s.card_read(person())
        elif step == "confirm_identity":
            files.append(grab(out / f"{n:02d}-{step}.png"))
            robot.tap("confirmIdentity")
        elif step == "face":
            files.append(grab(out / f"{n:02d}-{step}.png"))
            s.face_checked(True, b"\xff\xd8jpeg")
        elif step == "done":
            files.append(grab(out / f"{n:02d}-done.png"))
            robot.tap("continueButton")
            files.append(grab(out / f"{n + 1:02d}-ended.png"))
            return files
        else:
            if step == "signature":
                robot.stroke("signaturePad", SIGNATURE)
            elif step in answers:
                robot.fill(answers[step])
            files.append(grab(out / f"{n:02d}-{step}.png"))
            robot.tap("continueButton" if step in answers or step in ("review", "signature")
                      else "skipButton")
        b.refresh()
        kit.settle()
        assert s.step != step, f"stuck on {step}: {s.errors}"
    raise AssertionError("the visit did not finish")
