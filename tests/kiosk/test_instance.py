"""One kiosk process per data folder (an exclusive flock), and a killed process's visit
folders removed at the next start."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.instance import KioskAlreadyRunning, clear_leftover_visits, hold


def test_a_second_holder_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    lock = tmp_path / "data" / "run" / "kiosk.lock"
    with hold(lock):
        assert (lock.parent.stat().st_mode & 0o777) == 0o700
        assert (lock.stat().st_mode & 0o777) == 0o600
        with pytest.raises(KioskAlreadyRunning, match="another kiosk process is running"):
            with hold(lock):
                pass
    with hold(lock):          # released: the next start gets in
        pass


def test_a_killed_holder_leaves_the_lock_free(tmp_path: Path) -> None:
    lock = tmp_path / "run" / "kiosk.lock"
    code = ("import sys, os; from pathlib import Path; from kiosk.instance import hold\n"
            f"with hold(Path({str(lock)!r})):\n"
            "    print('held', flush=True); os.kill(os.getpid(), 9)\n")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert child.stdout.strip() == "held" and child.returncode == -9
    with hold(lock):
        pass


def test_what_a_killed_process_left_of_its_visits_is_removed(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    (sessions / "visit-1" / "keyboard").mkdir(parents=True)
    (sessions / "visit-1" / "keyboard" / "usr_dict.dat").write_bytes(b"typed words")
    (sessions / "visit-2").mkdir()
    (sessions / "stray.jpg").write_bytes(b"\xff\xd8")
    outside = tmp_path / "keep.txt"
    outside.write_text("not a visit")
    (sessions / "link").symlink_to(outside)
    assert clear_leftover_visits(sessions) == 4
    assert list(sessions.iterdir()) == [] and outside.read_text() == "not a visit"
    assert clear_leftover_visits(sessions) == 0
    assert clear_leftover_visits(tmp_path / "none") == 0
