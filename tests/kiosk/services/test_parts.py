"""The service desk's parts on their own: the staff PIN gate (a real Argon2id hash, the lockout
on an injected clock, the audit without the PIN), the QR reader (real OpenCV on frames of a
receipt held to the simulated camera), and the card holder between the reader and a visit."""
from __future__ import annotations

import io
import queue
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode

from devices.camera.simulator import SimulatedPerson
from devices.idcard.events import CardRead, CardRemoved
from devices.idcard.photo import Photo
from devices.idcard.simulator import simulated_cards
from kiosk.config.settings import HelpSettings
from kiosk.flow.services import Service
from kiosk.flow.session import NoSubmit, Session
from kiosk.services.scanner import QrScan
from kiosk.pin import hash_pin, hash_pin_command
from kiosk.services.staff import StaffPinGate
from kiosk.visit.card import CardHolder
from kiosk.visit.paper import HallTexts
from tests.clock import Clock

PIN = "246810"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    def record(self, event: str, **fields) -> None:
        self.events.append((event, fields))


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


def test_the_pin_opens_and_wrong_ones_lock_the_pad_for_longer_each_time(pin_hash: str) -> None:
    clock, audit = Clock(100.0), Recorder()
    gate = StaffPinGate(HelpSettings(staff_pin_hash=pin_hash, max_failures=3, lockout_s=30),
                        lambda f: f(), audit, clock=clock)
    assert gate.verify(PIN).ok
    assert "还可以再试2次" in gate.verify("000000").message
    assert "还可以再试1次" in gate.verify("12ab").message          # not even digits: counted
    locked = gate.verify("111111")
    assert not locked.ok and locked.locked_s == 30 and "请30秒后再试" in locked.message
    assert not gate.verify(PIN).ok                                  # locked: even the right one
    clock.advance(30)
    assert not gate.verify("222222").ok and gate.verify(PIN).locked_s == 60   # doubled
    clock.advance(60)
    assert gate.verify(PIN).ok
    assert "还可以再试2次" in gate.verify("333333").message          # the count starts again
    said = [e.removeprefix("staff-pin-") for e, _ in audit.events]
    assert said == ["accepted"] + ["refused"] * 6 + ["accepted", "refused"]
    assert all(PIN not in str(f) and "000000" not in str(f) for _, f in audit.events)
    gate.close()


def test_the_check_runs_off_the_callers_thread_and_answers_through_post(pin_hash: str) -> None:
    posted: queue.Queue = queue.Queue()
    gate = StaffPinGate(HelpSettings(staff_pin_hash=pin_hash), posted.put)
    answers: list = []
    gate.check(PIN, answers.append)
    posted.get(timeout=30)()                  # the answer arrives as a posted call
    assert answers[0].ok
    gate.close()


def test_hash_pin_makes_a_hash_the_settings_accept(monkeypatch, capsys) -> None:
    from kiosk.config.settings import parse
    with pytest.raises(ValueError):
        hash_pin("12")
    typed = iter(["24681357", "24681357"])
    assert hash_pin_command(stdin=Terminal(), read=lambda _: next(typed)) == 0
    made = capsys.readouterr().out.strip()
    assert parse(f'[help]\nstaff_pin_hash = "{made}"\n').help.staff_pin_hash == made
    assert parse(f'[diagnostics]\npin_hash = "{made}"\n').diagnostics.pin_hash == made
    typed = iter(["2468", "1357"])
    assert hash_pin_command(stdin=Terminal(), read=lambda _: next(typed)) == 2
    assert "不一致" in capsys.readouterr().out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# ----- the QR code ----------------------------------------------------------------------------

class HeldReceipt:
    """A camera whose frames are a receipt held up to it (the simulator's ``held``), in
    virtual time: every frame read moves a tenth of a second on."""

    def __init__(self, picture: np.ndarray | None) -> None:
        self.person = SimulatedPerson()
        if picture is not None:
            self.person.hold(picture)
        else:
            self.person.mode = "absent"   # type: ignore[assignment]
        self.t = 0.0

    def latest(self, timeout: float) -> object:
        self.t += 0.1
        image = self.person.frame_at(self.t)
        return type("Frame", (), {"image": image, "t": self.t})()


def receipt_with_qr(payload: str) -> np.ndarray:
    page = np.full((1400, 576), 255, np.uint8)
    code = qrcode.QRCode(box_size=6, border=2)
    code.add_data(payload)
    code.make(fit=True)
    qr = np.array(code.make_image().get_image().convert("L"))
    page[700:700 + qr.shape[0], (576 - qr.shape[1]) // 2:(576 + qr.shape[1]) // 2] = qr
    return cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)


def test_a_receipt_held_to_the_camera_is_read_by_opencv() -> None:
    texts = HallTexts("大厅", "12345", "https://zwfw.example.gov.cn/track?id={id}")
    read: queue.Queue = queue.Queue()
    scan = QrScan(HeldReceipt(receipt_with_qr(texts.track("20261121-7KQ4M2XP"))), read.put,
                  lambda _: None).start()
    try:
        assert texts.tracked(read.get(timeout=60)) == "20261121-7KQ4M2XP"
    finally:
        scan.cancel()


def test_no_code_in_sight_says_what_to_do_when_time_runs_out() -> None:
    clock = Clock(0.0)
    camera = HeldReceipt(None)
    notices: list[str] = []
    done = threading.Event()

    def latest(timeout: float) -> object:
        clock.advance(10)               # each frame a long time apart: the limit comes soon
        return HeldReceipt.latest(camera, timeout)

    camera.latest = latest              # type: ignore[method-assign]
    scan = QrScan(camera, lambda _: None, lambda t: (notices.append(t), done.set()),
                  time_limit_s=30, clock=clock).start()
    assert done.wait(60)
    scan.cancel()
    assert "输入申请编号" in notices[0]


# ----- the card holder ------------------------------------------------------------------------

def read_event() -> CardRead:
    return CardRead(simulated_cards()["resident_valid"], Photo(wlt=b""))


@pytest.fixture
def desk(tmp_path: Path):
    posted: list = []
    session = Session(NoSubmit(), tmp_path)
    holder = CardHolder(session, posted.append)
    session._listener = holder.on_session_event      # the holder hears the session's events

    def run() -> None:
        while posted:
            posted.pop(0)()
    return session, holder, run


def test_a_card_laid_down_before_the_visit_is_read_when_the_card_page_opens(desk) -> None:
    session, holder, run = desk
    holder.on_reader_event(read_event())
    run()
    assert session.step is None and holder.holding      # no visit yet: kept
    session.begin(Service.LICENCE)
    run()
    assert session.step == "confirm_identity" and not holder.holding
    session.not_me()
    run()
    assert session.step == "id_card"                    # handed over once: not again


def test_a_card_taken_away_or_a_visit_ending_drops_it(desk) -> None:
    session, holder, run = desk
    holder.on_reader_event(read_event())
    holder.on_reader_event(CardRemoved())
    session.begin()
    run()
    assert session.step == "id_card"
    holder.on_reader_event(read_event())
    session.cancel()                                     # ends the visit before it is read
    run()
    assert not holder.holding


def test_a_card_left_lying_too_long_is_not_used(tmp_path: Path) -> None:
    clock, posted = Clock(0.0), []
    session = Session(NoSubmit(), tmp_path)
    holder = CardHolder(session, posted.append, keep_s=60, clock=clock)
    holder.on_reader_event(read_event())
    clock.advance(61)
    session.begin()
    holder.on_session_event(type("E", (), {})())        # an event it does not know: nothing
    holder._offer()
    assert session.step == "id_card" and session.applicant is None
