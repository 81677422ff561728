"""好差评 ratings in their durable box: kept across a restart, once per id, sealed at rest, and
drained by the sync worker exactly once, backed off while the platform is away."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_queue.model import SUBMISSION_ID_RE
from offline_queue.port import ErrorKind, PlatformError
from offline_queue.ratings import (DuplicateRating, InvalidRating, RatingBox, RatingState)
from offline_queue.sync import SyncWorker

from .conftest import ManualClock

COMMENT = "窗口的王小明态度很差，电话13912345678"      # the person's own words may name people


def rating(rid: str = "rating-0001", level: int = 2, comment: str = COMMENT) -> dict:
    return {"rating_id": rid, "submission_id": "20261121-7KQ4M2XP", "level": level,
            "indicators": {}, "comment": comment, "tags": ["办理时间太长"]}


class RatingPort:
    """The platform's rating rule kept in a fake: the same id and body answers as the first
    time; another body is a conflict; it can be told to be unreachable."""

    def __init__(self) -> None:
        self.stored: dict[str, dict] = {}
        self.posts = 0
        self.down = False
        self.refuse = False

    def post_rating(self, body: dict) -> dict:
        self.posts += 1
        if self.down:
            raise PlatformError(ErrorKind.NETWORK, "connection")
        if self.refuse:
            raise PlatformError(ErrorKind.REFUSED, "invalid_request", http_status=422)
        first = self.stored.setdefault(body["rating_id"], body)
        if first != body:
            raise PlatformError(ErrorKind.CONFLICT, "idempotency_conflict", http_status=409)
        return {"rating_id": body["rating_id"], "replayed": first is not body}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def box(tmp_path: Path, clock: ManualClock):
    made = RatingBox(tmp_path / "queue" / "ratings.db", clock=clock)
    yield made
    made.close()


def worker(box: RatingBox, port: RatingPort, make_outbox, clock) -> SyncWorker:
    return SyncWorker(make_outbox(clock=clock), port, ratings=box,  # type: ignore[arg-type]
                      rating_port=port, heartbeat_s=0)


def test_a_rating_survives_a_restart_and_is_kept_once(tmp_path: Path, box: RatingBox) -> None:
    box.add("rating-0001", rating())
    box.add("rating-0001", rating())                       # the same again: kept once
    with pytest.raises(DuplicateRating):
        box.add("rating-0001", rating(level=5))
    box.close()
    again = RatingBox(tmp_path / "queue" / "ratings.db")
    assert again.body("rating-0001") == rating() and again.counts()[RatingState.QUEUED] == 1
    again.close()


def test_the_comment_is_sealed_at_rest(tmp_path: Path, box: RatingBox) -> None:
    box.add("rating-0001", rating())
    for f in (tmp_path / "queue").iterdir():
        assert COMMENT.encode() not in f.read_bytes() and "13912345678".encode() not in f.read_bytes()


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(max_size=80),
                 st.dictionaries(st.text(max_size=5), st.floats(allow_nan=True), max_size=3)))
def test_garbage_is_refused_and_nothing_stored(tmp_path_factory, junk) -> None:
    box = RatingBox(tmp_path_factory.mktemp("ratings") / "ratings.db")
    bad_id = not (isinstance(junk, str) and SUBMISSION_ID_RE.match(junk))   # "000" is an id
    for rid, body in (((junk, {"rating_id": junk}),) if bad_id else ()) + (
                      ("rating-ok", junk),
                      ("rating-nan", {"rating_id": "rating-nan", "x": float("nan")}),
                      ("rating-big", {"rating_id": "rating-big", "comment": "很" * 9000})):
        with pytest.raises(InvalidRating):
            box.add(rid, body)  # type: ignore[arg-type]
    assert sum(box.counts().values()) == 0
    box.close()


def test_a_file_that_is_not_a_rating_box_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "ratings.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE ratings (x TEXT)")
    from offline_queue.model import SchemaError
    with pytest.raises(SchemaError):
        RatingBox(other)


def test_the_sync_worker_sends_each_rating_once_after_the_network_returns(
        box: RatingBox, make_outbox, clock: ManualClock) -> None:
    port = RatingPort()
    sync = worker(box, port, make_outbox, clock)
    port.down = True
    box.add("rating-0001", rating())
    assert sync.send_rating_now("rating-0001").state is RatingState.QUEUED
    assert sync.run_once().ratings == 0                    # backed off: not yet due
    port.down = False
    assert sync.run_once().ratings == 0
    clock.advance(3600)
    assert sync.run_once().ratings == 1
    assert box.status("rating-0001").state is RatingState.SENT and box.body("rating-0001") is None
    clock.advance(3600)
    sync.run_once()
    assert port.posts == 2 and list(port.stored) == ["rating-0001"]   # one failed, one sent


def test_a_rating_the_platform_refuses_is_held_not_retried(box: RatingBox, make_outbox,
                                                           clock: ManualClock) -> None:
    port = RatingPort()
    port.refuse = True
    sync = worker(box, port, make_outbox, clock)
    box.add("rating-0001", rating())
    sync.run_once()
    clock.advance(3600)
    sync.run_once()
    status = box.status("rating-0001")
    assert status.state is RatingState.HELD and "refused" in status.last_error and port.posts == 1
