"""Visit after visit in one kiosk process: it stays alive and does not grow.

``kiosk run --headless --visits N`` serves N scripted visits, one after another, through the
real session, bridge and QML (offscreen) with the simulated reader, camera, printers and the
platform on loopback, and prints how the process stands every 25 visits. A kiosk in a hall
serves hundreds of people a week without a restart; PySide6 6.12.0 killed it after about 60.

The short soak always runs; ``--runslow`` (or KIOSK_LONG_TESTS=1) runs thousands of visits
(KIOSK_SOAK_VISITS, default 2000; about 4 s each).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SHORT = 100
BATCH = 25
RSS_GROWTH = 0.10         # RSS after the last visit within 10 % of RSS after the 50th
THREADS_FDS_SLACK = 2     # a Qt pool thread or a keep-alive socket may come and go


def soak(tmp_path: Path, visits: int) -> list[dict]:
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{data}"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_CONFIG=str(config))
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--headless",
                           "--visits", str(visits), "--out", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True, timeout=30 * visits)
    batches = [json.loads(line)["batch"] for line in done.stdout.splitlines()
               if line.startswith('{"batch"')]
    assert done.returncode == 0, (f"the kiosk died after {batches[-1]['visits'] if batches else 0}"
                                  f" visits (exit {done.returncode}):\n{done.stderr[-3000:]}")
    assert [b["visits"] for b in batches] == sorted({*range(BATCH, visits + 1, BATCH), visits})
    return batches


def check(batches: list[dict]) -> None:
    for b in batches:
        assert b["sessions_left"] == 0, f"a visit left files in the sessions directory: {b}"
        assert b["outbox"] == b["visits"], f"the outbox does not hold exactly the visits: {b}"
        assert b["outcomes"] == {"approved": b["visits"]}, b
    at_50 = next(b for b in batches if b["visits"] == 50)
    last = batches[-1]
    assert last["rss_bytes"] <= at_50["rss_bytes"] * (1 + RSS_GROWTH), (
        f"RSS grew from {at_50['rss_bytes'] >> 20} MiB at visit 50 to "
        f"{last['rss_bytes'] >> 20} MiB at visit {last['visits']}")
    for key in ("threads", "open_fds"):
        seen = [b[key] for b in batches]
        assert max(seen) - min(seen) <= THREADS_FDS_SLACK, f"{key} per batch: {seen}"


@pytest.mark.longest
def test_a_hundred_visits_in_one_process_leave_it_alive_and_the_same_size(tmp_path: Path) -> None:
    check(soak(tmp_path, SHORT))


@pytest.mark.slow
def test_thousands_of_visits_in_one_process(tmp_path: Path) -> None:
    check(soak(tmp_path, int(os.environ.get("KIOSK_SOAK_VISITS", "2000"))))
