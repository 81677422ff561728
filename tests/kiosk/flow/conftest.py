"""A session wired to a real outbox on a temporary disk, and clocks the test moves: the
monotonic one for timeouts, the wall clock for the date and ``submitted_at``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.domain.application import Applicant
from tests.clock import Clock
from kiosk.domain.samples import make_id_number, sample_answers
from kiosk.flow.session import Session
from kiosk.domain.questions import Kind
from offline_queue.outbox import Outbox

# 2026-11-21 10:00 local time: a fixed day, so date rules do not depend on when tests run.
WALL_START = dt.datetime(2026, 11, 21, 10, 0).timestamp()
# A person who appears nowhere else in the code base, so finding them after a wipe means a leak.
NAME = "欧阳明远"
ID_NUMBER = make_id_number("370323", dt.date(1976, 4, 9), 357)


def person(**changes: Any) -> Applicant:
    base = dict(name=NAME, id_number=ID_NUMBER, sex="男", birth_date=dt.date(1976, 4, 9),
                address="山东省淄博市沂源县历山街道1号", ethnic="汉族", authority="沂源县公安局",
                valid_until=None)
    base.update(changes)
    return Applicant(**base)


@dataclass
class Kit:
    session: Session
    clock: Clock
    outbox: Outbox
    events: list = field(default_factory=list)
    workdir: Path = Path()
    wall: Clock = field(default_factory=Clock)


@pytest.fixture()
def kit(tmp_path: Path) -> Kit:
    outbox = Outbox(tmp_path / "queue" / "outbox.db", X25519PrivateKey.generate().public_key())
    clock, wall = Clock(), Clock(WALL_START)
    events: list = []
    session = Session(outbox, tmp_path / "sessions", clock=clock, wall_clock=wall,
                      listener=events.append)
    return Kit(session, clock, outbox, events, tmp_path / "sessions", wall)


def answers_for(subject: str, applicant: Applicant) -> dict[str, Any]:
    answers = sample_answers(subject, applicant)
    answers["subject_type"] = subject
    return answers


def drive_to(session: Session, stop_at: str, answers: dict[str, Any]) -> list[str]:
    """Answer page after page until ``stop_at``; returns the steps visited."""
    visited = []
    for _ in range(60):
        step = session.step
        visited.append(step)
        if step == stop_at:
            return visited
        kind = session.page.kind
        if kind is Kind.ID_CARD:
            assert session.card_read(person()) == ""
        elif kind is Kind.IDENTITY:
            session.confirm_identity()
        elif kind is Kind.FACE:
            assert session.face_checked(True, b"\xff\xd8jpeg") == ""
        elif kind is Kind.REVIEW:
            assert session.confirm_review() == []
        elif step == "signature":
            assert session.sign(b"\x89PNG-signature") == []
        elif step not in answers:
            assert session.skip() == [], step             # only optional pages can be skipped
        else:
            problems = session.answer(answers[step])
            assert problems == [], (step, problems)
    raise AssertionError(f"never reached {stop_at}: {visited}")
