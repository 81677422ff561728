"""The embedded platform (``kiosk-central`` as a child of the kiosk) ends with its kiosk, however
the kiosk ends: stopped in order, or killed with SIGKILL so that no code of the kiosk runs."""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from kiosk.platform import identity
from kiosk.platform.embedded import EmbeddedPlatform

ROOT = Path(__file__).resolve().parents[2]


def wait_for_exit(pid: int, timeout_s: float) -> bool:
    """Whether process ``pid`` ends within ``timeout_s`` (an event on its pidfd, no polling)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout_s)
        return bool(ready)
    finally:
        os.close(fd)


def test_stop_ends_the_platform(tmp_path: Path) -> None:
    key = identity.load_or_create(tmp_path / "kiosk.key")
    platform = EmbeddedPlatform(tmp_path / "central", "kiosk-embedded", identity.public_text(key))
    platform.start()
    pid = platform._proc.pid
    assert requests.get(platform.url + "/healthz", timeout=5).ok
    platform.stop()
    assert wait_for_exit(pid, 0.0)
    with pytest.raises(requests.ConnectionError):
        requests.get(platform.url + "/healthz", timeout=5)


def test_a_killed_kiosk_takes_its_platform_with_it(tmp_path: Path) -> None:
    kiosk = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from kiosk.platform import identity
        from kiosk.platform.embedded import EmbeddedPlatform
        key = identity.load_or_create(Path({str(tmp_path)!r}) / "kiosk.key")
        platform = EmbeddedPlatform(Path({str(tmp_path)!r}) / "central", "kiosk-killed",
                                    identity.public_text(key)).start()
        print(platform._proc.pid, platform.url, flush=True)
        sys.stdin.read()            # until the test kills this process
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pid = 0
    try:
        pid_text, url = kiosk.stdout.readline().split()
        pid = int(pid_text)
        assert requests.get(url + "/healthz", timeout=5).ok
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(timeout=30)
        assert wait_for_exit(pid, 20.0), "kiosk-central outlived its killed kiosk"
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
        if pid and not wait_for_exit(pid, 0.0):
            os.kill(pid, signal.SIGKILL)       # an orphan of a failed run must not stay
        kiosk.stdin.close()
        kiosk.stdout.close()
    log = (tmp_path / "central" / "central.log").read_text(encoding="utf-8", errors="replace")
    assert "standard input closed" in log
