"""Adding a question is one entry in the table: it is then asked on the path, checked on 继续,
listed on the review page, kept in the record and checked again by ``review_record``."""
from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.domain import answers
from kiosk.domain.questions import QUESTIONS, Kind, Question, describe
from kiosk.domain.review import review_record
from kiosk.flow.session import Session
from offline_queue.outbox import Outbox
from tests.clock import Clock

from .conftest import WALL_START, answers_for, drive_to, person

# The one place: an entry, in page order. Not asked of a branch, to show "when" is honoured.
PETS = Question("pets", Kind.YES_NO, "经营场所内会饲养宠物吗？", section="经营信息", label="饲养宠物",
                when=lambda st, a: not st.is_branch, check=answers.yes_no("是否饲养宠物"),
                describe=describe.yes_no, hint="饲养宠物的场所需要另行办理防疫登记")
TABLE = QUESTIONS.inserting(PETS, after="phone")


@pytest.fixture()
def session(tmp_path: Path) -> Session:
    outbox = Outbox(tmp_path / "outbox.db", X25519PrivateKey.generate().public_key())
    return Session(outbox, tmp_path / "sessions", clock=Clock(), wall_clock=Clock(WALL_START),
                   questions=TABLE)


def test_the_new_question_is_asked_checked_reviewed_and_recorded(session: Session) -> None:
    s = session
    s.begin()
    given = dict(answers_for("sole_proprietorship", person()), pets=True)
    visited = drive_to(s, "pets", given)
    assert visited[-2] == "phone"                      # asked where the table puts it
    assert s.page is PETS and s.can_go_back
    assert s.answer("maybe") == ["请选择“是”或“否”：是否饲养宠物"] and s.step == "pets"
    assert s.answer(True) == [] and s.step == "seals"
    drive_to(s, "review", given)
    rows = {r.step: (r.label, r.value) for sec in s.review_sections() for r in sec.rows}
    assert rows["pets"] == ("饲养宠物", "是")
    s.change("pets")
    assert s.step == "pets"
    assert s.answer(False) == [] and s.step == "review"
    drive_to(s, "done", given)
    record = s.record()
    assert record["answers"]["pets"] is False
    reviewed = review_record(record, TABLE)
    assert reviewed.valid and reviewed.record["answers"]["pets"] is False
    record["answers"]["pets"] = "不知道"
    assert review_record(record, TABLE).problems == ["请选择“是”或“否”：是否饲养宠物"]
    assert "pets" not in review_record(record).record["answers"]   # the default table: dropped


def test_a_record_without_the_new_answer_is_incomplete(session: Session) -> None:
    s = session
    s.begin()
    drive_to(s, "done", dict(answers_for("natural_person_llc", person()), pets=True))
    record = s.record()
    del record["answers"]["pets"]
    assert review_record(record, TABLE).problems == ["请选择“是”或“否”：是否饲养宠物"]


def test_the_new_question_is_not_asked_where_it_does_not_apply(session: Session) -> None:
    s = session
    s.begin()
    visited = drive_to(s, "review", answers_for("branch", person()))
    assert "pets" not in visited
    assert "pets" not in s.record()["answers"]
