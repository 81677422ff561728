"""The platform's accept log (the witness the crash campaign counts from) and the durability of
what it answers a kiosk that then forgets."""
from __future__ import annotations

import sqlite3

from platform_helpers import KIOSK_ID, build_submission, post, upload

from central.store import Store

PERSON = {"name": "王小明", "id_number": "11010519491231002X"}


def record(day: str = "2026-11-21", trade: str = "小明") -> dict:
    return {"schema": 1, "subject_type": "individual_business", "created_at": f"{day}T10:00:00+08:00",
            "applicant": PERSON, "answers": {"name": {"trade_name": trade}}}


def test_each_acceptance_is_logged_once_and_a_replay_not_at_all(platform, client):
    built = build_submission(platform, record())
    assert post(client, built).status_code == 201
    again = post(client, built)
    assert again.status_code == 201 and again.json()["replayed"] is True
    log = platform.accept_log()
    assert [(r["submission_id"], r["kiosk_id"]) for r in log] == [(built.sid, KIOSK_ID)]


def test_the_same_application_under_a_new_id_has_the_same_key_and_no_id_number(platform, client):
    first, second = build_submission(platform, record()), build_submission(platform, record())
    other_day = build_submission(platform, record(day="2026-11-22"))
    other_name = build_submission(platform, record(trade="大明"))
    for built in (first, second, other_day, other_name):
        assert post(client, built).status_code == 201
    keys = [r["application_key"] for r in platform.accept_log()]
    assert keys[0] == keys[1] and len(set(keys)) == 3
    raw = b"".join(p.read_bytes() for p in platform.data_dir.glob("central.sqlite3*"))
    assert PERSON["id_number"].encode() not in raw


def test_an_acceptance_is_committed_durably(platform, client, monkeypatch):
    seen: list[str] = []
    original = Store.__init__

    def tracing(self, path):
        original(self, path)
        self.conn.set_trace_callback(seen.append)

    # The server thread opens its own Store at its first request, which comes after this.
    monkeypatch.setattr(Store, "__init__", tracing)
    built = build_submission(platform, record(), {"face": b"\xff" * 5000})
    assert post(client, built).status_code == 201
    upload(client, built, "face", chunk=4096)
    # The accepting commit and the completing chunk's run under synchronous=FULL; an ordinary
    # chunk (the kiosk asks the platform's offset again) and a nonce do not.
    mode, commits = "NORMAL", []
    for i, sql in enumerate(seen):
        if sql.startswith("PRAGMA synchronous="):
            mode = sql.split("=", 1)[1]
        elif sql.strip().upper() == "COMMIT":
            commits.append((i, mode))

    def commit_after(marker: str) -> str:
        at = next(i for i, s in enumerate(seen) if s.startswith(marker))
        return next(m for i, m in commits if i > at)

    assert commit_after("INSERT INTO accept_log") == "FULL"
    assert commit_after("UPDATE attachments SET complete") == "FULL"
    assert [m for _, m in commits].count("FULL") == 2, "only those two pay for a sync"
    assert mode == "NORMAL"


def test_a_durable_transaction_that_fails_leaves_the_connection_normal(tmp_path):
    store = Store(tmp_path / "c.sqlite3")
    try:
        with store.transaction(durable=True):
            assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
            store.conn.execute("INSERT INTO counters (name, value) VALUES ('x', 1)")
            raise sqlite3.IntegrityError("boom")
    except sqlite3.IntegrityError:
        pass
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    assert store.conn.execute("SELECT COUNT(*) FROM counters").fetchone()[0] == 0
