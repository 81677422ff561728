"""A person whose kiosk crashed after their application was stored starts again in a new
visit: one application, under its first number, and one record on the platform.

The first visit runs with the platform down (its application stays queued on the kiosk) and is
SIGKILLed once the outbox holds it; the second, a new process on the same data directory, is the
same person with the same answers on the same day.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_visits import visit


def _queued(outbox: Path) -> list[str]:
    if not outbox.exists():
        return []
    try:
        with sqlite3.connect(f"file:{outbox}?mode=ro", uri=True, timeout=1) as conn:
            return [r[0] for r in conn.execute("SELECT submission_id FROM submissions")]
    except sqlite3.OperationalError:      # not created yet
        return []


def test_submitting_again_after_a_crash_keeps_one_application(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "data.toml"
    config.write_text(f'data_dir = "{data}"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_CONFIG=str(config))
    first = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "run", "--headless", "--json",
                              "--offline", "--subject", "individual_business",
                              "--out", str(tmp_path / "first")],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    outbox = data / "queue" / "outbox.db"
    try:
        deadline = time.monotonic() + 240
        while not (stored := _queued(outbox)):        # the observed point: it is stored
            assert first.poll() is None, "the first visit ended before storing anything"
            assert time.monotonic() < deadline, "the first visit never stored its application"
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(30)
    [first_id] = stored

    # The same answers again: the name too, even if the check says it is taken (by the queued
    # application itself, once the kiosk has delivered it).
    again, _ = visit(data, tmp_path / "second", "--subject", "individual_business", "--keep-name")
    assert again["application_id"] == first_id
    assert again["outcome"] == "approved"
    assert first_id in (tmp_path / "second" / "receipt.txt").read_text(encoding="utf-8")
    assert _queued(outbox) == [first_id]
    with sqlite3.connect(data / "central" / "central.sqlite3") as conn:
        accepted = [r[0] for r in conn.execute("SELECT submission_id FROM accept_log")]
        assert accepted == [first_id], "the platform accepted the application twice"
        with_key = conn.execute("SELECT COUNT(DISTINCT application_key), COUNT(*) "
                                "FROM accept_log").fetchone()
        assert with_key == (1, 1)
