"""The nightly maintenance window on an injected clock: between visits only, once a night, each
step against real parts (an outbox in SQLite, the audit log, rotating log files)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk import logs
from kiosk.audit.log import AuditLog
from kiosk.diagnostics.report import Check, Report
from kiosk.maintenance import MESSAGE_ZH, Maintenance, Window
from offline_queue.outbox import Outbox
from tests.clock import Clock
from tests.offline_queue.conftest import personal_record

CST = dt.timezone(dt.timedelta(hours=8))          # the kiosk's local time, Asia/Shanghai
FACE = b"\xff\xd8face" * 100


def at(day: int, hour: int, minute: int = 0) -> float:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=CST).timestamp()


class Kiosk:
    """The parts maintenance touches, real, with one clock."""

    def __init__(self, tmp: Path) -> None:
        self.clock = Clock(at(10, 1, 30))
        self.outbox = Outbox(tmp / "queue" / "outbox.db", X25519PrivateKey.generate().public_key(),
                             retention_s=7 * 86400, clock=self.clock,
                             disk_free=lambda: 10 * 1024 ** 3)
        self.audit = AuditLog(tmp / "audit" / "audit.log")
        self.visit_on = False
        self.faults = ["camera"]
        self.reported: list[dict] = []
        self.seen_blocking: list[str] = []
        self.m = Maintenance(purge=self.outbox.purge_expired, vacuum=self.outbox.vacuum_if_idle,
                             readiness=self.report, is_idle=self.idle, audit=self.audit,
                             clock=self.clock, tz=CST, on_readiness=self.reported.append)

    def idle(self) -> bool:
        self.seen_blocking.append(self.m.blocks_visits)     # set before the kiosk is asked
        return not self.visit_on

    def report(self) -> Report:
        checks = tuple(Check(n, n not in self.faults, "x") for n in ("idcard_reader", "camera"))
        return Report("kiosk-1", "0.1.0", self.clock(), checks)

    def events(self) -> list[dict]:
        if not self.audit.path.exists():
            return []
        return [json.loads(line) for line in self.audit.path.read_text().splitlines()
                if '"maintenance-completed"' in line]


@pytest.fixture
def kiosk(tmp_path: Path):
    k = Kiosk(tmp_path)
    logs.configure(tmp_path, journald=False)
    yield k
    logs.unconfigure()
    k.outbox.close()


def test_runs_once_a_night_inside_the_window_and_reports_readiness(kiosk: Kiosk,
                                                                   tmp_path: Path) -> None:
    sent = "20260301-AAAAAAAA"
    kiosk.outbox.enqueue(sent, personal_record(), {"face": FACE}, "individual_business")
    attempt, _ = kiosk.outbox.begin_attempt(sent)
    kiosk.outbox.finish_delivered(sent, attempt)
    assert kiosk.m.tick() is None                              # 01:30: not yet
    kiosk.clock.now = at(18, 2, 5)                             # eight days on, 02:05
    logs.logging.getLogger("kiosk.test").info("a line before the night")
    done = kiosk.m.tick()
    assert done is not None and done.purged == 1 and done.vacuumed is True
    assert done.logs_rotated == "rotated" and (tmp_path / "logs" / "kiosk.log.1").exists()
    assert done.readiness == {"ok": False, "faults": ["camera"],
                              "checked_at": "2026-03-17T18:05:00+00:00"}
    assert kiosk.reported == [done.readiness] and kiosk.m.last_readiness == done.readiness
    assert kiosk.seen_blocking == [MESSAGE_ZH] and kiosk.m.blocks_visits == ""
    [event] = kiosk.events()
    assert event["fields"] == {"purged": 1, "vacuumed": True, "logs_rotated": "rotated",
                               "ready": False, "faults": "camera", "disposition": "success"}

    kiosk.clock.advance(1800)
    assert kiosk.m.tick() is None                              # once a night
    kiosk.clock.now = at(19, 2, 0)
    kiosk.faults = []
    again = kiosk.m.tick()
    assert again is not None and again.readiness["ok"] and again.purged == 0
    kiosk.clock.now = at(19, 5, 0)
    assert not kiosk.m.due()                                   # the window has closed


def test_waits_for_the_visit_to_end_and_skips_a_night_that_is_busy_throughout(
        kiosk: Kiosk) -> None:
    kiosk.clock.now = at(10, 2, 0)
    kiosk.visit_on = True
    assert kiosk.m.tick() is None and kiosk.events() == []     # a visit: not now
    assert kiosk.m.blocks_visits == ""                         # and no visit is held back
    kiosk.clock.advance(600)
    kiosk.visit_on = False
    assert kiosk.m.tick() is not None                          # between visits
    kiosk.clock.now = at(11, 2, 0)
    kiosk.visit_on = True
    for _ in range(18):                                        # visits all night long
        assert kiosk.m.tick() is None
        kiosk.clock.advance(600)
    assert not kiosk.m.due() and len(kiosk.events()) == 1
    kiosk.clock.now, kiosk.visit_on = at(12, 4, 59), False
    assert kiosk.m.tick() is not None                          # the next night


def test_vacuum_waits_for_an_idle_queue(kiosk: Kiosk) -> None:
    kiosk.outbox.enqueue("20260301-BBBBBBBB", personal_record(), {}, "individual_business")
    kiosk.clock.now = at(10, 3, 0)
    done = kiosk.m.tick()
    assert done is not None and done.vacuumed is False         # one still waits to be sent


def test_a_failing_step_does_not_stop_the_others(kiosk: Kiosk) -> None:
    def broken() -> Report:
        raise OSError("no camera at all")
    kiosk.m._readiness = broken
    kiosk.clock.now = at(10, 2, 30)
    done = kiosk.m.tick()
    assert done is not None and done.vacuumed and done.logs_rotated == "rotated"
    assert done.readiness["ok"] is False and done.readiness["faults"] == ["readiness_check"]
    assert kiosk.events()[0]["fields"]["disposition"] == "failure"


def test_a_window_across_midnight_belongs_to_the_night_it_opened() -> None:
    w = Window(dt.time(23, 0), dt.time(1, 0))
    assert w.contains(dt.time(23, 30)) and w.contains(dt.time(0, 30))
    assert not w.contains(dt.time(1, 0)) and not w.contains(dt.time(22, 59))
    assert w.night_of(dt.datetime(2026, 3, 11, 0, 30)) == dt.date(2026, 3, 10)
    assert w.night_of(dt.datetime(2026, 3, 10, 23, 30)) == dt.date(2026, 3, 10)
    assert Window().night_of(dt.datetime(2026, 3, 10, 2, 0)) == dt.date(2026, 3, 10)
