"""systemd's watchdog, as systemd speaks it: a real AF_UNIX datagram socket in NOTIFY_SOCKET.

The kiosk runs its real window (``run_gui``) in a child process. It says ``READY=1`` with a
status once the start page is painted, pings ``WATCHDOG=1`` regularly while its GUI loop turns,
stops pinging while that loop is blocked (so systemd would restart it), pings again when the
loop turns again, and says ``STOPPING=1`` when it closes.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from central.testing import running_platform
from kiosk.platform import identity
from kiosk.sdnotify import Notifier

CHILD = Path(__file__).with_name("watchdog_child.py")
WATCHDOG_USEC = 2_000_000            # systemd would kill after 2 s without a ping


def receive(sock: socket.socket, timeout: float) -> dict[str, str]:
    sock.settimeout(timeout)
    data = sock.recv(4096).decode("utf-8")
    return dict(line.split("=", 1) for line in data.splitlines())


def drain(sock: socket.socket) -> int:
    sock.setblocking(False)
    n = 0
    try:
        while True:
            sock.recv(4096)
            n += 1
    except BlockingIOError:
        return n
    finally:
        sock.setblocking(True)


@pytest.fixture
def notify_socket(tmp_path: Path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = tmp_path / "notify.sock"
    sock.bind(str(path))
    yield sock, path
    sock.close()


def test_ready_when_painted_pings_while_the_loop_turns_and_stops_when_it_hangs(
        tmp_path: Path, notify_socket: tuple[socket.socket, Path]) -> None:
    sock, path = notify_socket
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NOTIFY_SOCKET=str(path),
               WATCHDOG_USEC=str(WATCHDOG_USEC))
    child = subprocess.Popen([sys.executable, str(CHILD), str(tmp_path / "data")], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        first = receive(sock, 180)                          # the kiosk starts its parts first
        assert first.get("READY") == "1", first
        assert first["STATUS"] == "ready: start page"

        times = []
        for _ in range(4):
            ping = receive(sock, WATCHDOG_USEC / 1e6)       # each within the watchdog timeout
            assert ping["WATCHDOG"] == "1", ping
            times.append(time.monotonic())
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert all(0.5 < g < 2.0 for g in gaps), gaps       # about every 1 s (half of 2 s)

        child.stdin.write("block\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "blocked"
        drain(sock)                                         # pings sent before it blocked
        with pytest.raises(TimeoutError):
            receive(sock, 2 * WATCHDOG_USEC / 1e6)          # twice the timeout: silence

        child.stdin.write("go on\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "unblocked"
        assert receive(sock, WATCHDOG_USEC / 1e6)["WATCHDOG"] == "1"   # turning again

        child.stdin.write("quit\n")
        child.stdin.flush()
        while (msg := receive(sock, 60)).get("STOPPING") != "1":
            assert msg.get("WATCHDOG") == "1", msg
        assert child.wait(60) == 0, child.stderr.read()[-3000:]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_the_kiosk_comes_up_every_time_it_is_started(
        tmp_path: Path, notify_socket: tuple[socket.socket, Path]) -> None:
    """Six starts in a row on the same data, against a county's platform already running (so
    the window is built at once, while the devices' threads start), each to its start page and
    each stopped by SIGTERM as systemd stops it, at once after its READY=1: each stops whole
    (STOPPING=1, exit 0), where Python's default for SIGTERM ended it with nothing cleaned.
    A deadlock at start (the QML loader thread loading the keyboard's plugin, a device thread
    loading a C extension) used to hang about one start in three before READY=1. What a killed
    process left of a visit is removed at the next start, and a second process on the same
    data is refused while one runs."""
    sock, path = notify_socket
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NOTIFY_SOCKET=str(path))
    env.pop("WATCHDOG_USEC", None)
    with running_platform(tmp_path / "central") as platform:
        key = identity.load_or_create(tmp_path / "data" / "identity" / "kiosk.key")
        config = tmp_path / "kiosk.toml"
        config.write_text(platform.kiosk_settings("kiosk-starts", key.public_key(),
                                                  tmp_path / "data"), encoding="utf-8")
        left = tmp_path / "data" / "sessions" / "visit-of-a-killed-process" / "keyboard"
        left.mkdir(parents=True)
        (left / "usr_dict.dat").write_bytes(b"words the last person typed")
        for n in range(1, 7):
            _start_to_ready(sock, env, config, n)
            assert not left.parent.exists()


# The kiosk as its systemd unit starts it: settings, devices and window, nothing before them.
START = """
import sys
from pathlib import Path
from kiosk.config import settings
from ui.main import run_gui
sys.exit(run_gui(settings.load(Path(sys.argv[1]))))
"""


def _start_to_ready(sock: socket.socket, env: dict[str, str], config: Path, n: int) -> None:
    errors = config.with_name(f"stderr-{n}.txt")
    with errors.open("w") as err:
        child = subprocess.Popen([sys.executable, "-c", START, str(config)], env=env,
                                 cwd=Path(__file__).resolve().parents[2],
                                 stdout=subprocess.DEVNULL, stderr=err)
    try:
        try:
            ready = receive(sock, 60)
        except TimeoutError:
            raise AssertionError(f"start {n} never painted its start page: "
                                 f"{errors.read_text()[-2000:]}") from None
        assert ready.get("READY") == "1", (n, ready)
        if n == 1:
            second = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--config",
                                     str(config)], env=env, capture_output=True, text=True,
                                    cwd=Path(__file__).resolve().parents[2], timeout=120)
            assert second.returncode == 3, second.stderr[-2000:]
            assert "another kiosk process is running" in second.stderr
            assert "Traceback" not in second.stderr
        child.terminate()                                   # as systemd stops it
        while (msg := receive(sock, 60)).get("STOPPING") != "1":
            pass
        assert msg["STATUS"] == "stopping on SIGTERM", msg
        assert child.wait(60) == 0, errors.read_text()[-3000:]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        drain(sock)


def test_notifier_speaks_the_datagram_protocol(notify_socket: tuple[socket.socket, Path]) -> None:
    sock, path = notify_socket
    n = Notifier.from_environ({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "30000000"})
    assert n.ping_interval_s == 15.0
    assert n.ready("ready: start page\nWATCHDOG=1")          # a newline cannot forge a field
    assert receive(sock, 5) == {"READY": "1", "STATUS": "ready: start page WATCHDOG=1"}
    assert n.ping("ready: start page WATCHDOG=1")
    assert receive(sock, 5) == {"WATCHDOG": "1"}             # status unchanged: not repeated
    assert n.ping("visit in progress")
    assert receive(sock, 5) == {"WATCHDOG": "1", "STATUS": "visit in progress"}


def test_an_abstract_socket_and_garbage_in_the_environment() -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"kiosk-test-{os.getpid()}"
    server.bind(b"\0" + name.encode())
    try:
        n = Notifier.from_environ({"NOTIFY_SOCKET": "@" + name})
        assert n.ping_interval_s is None and n.status("x")
        assert receive(server, 5) == {"STATUS": "x"}
    finally:
        server.close()
    for env in ({}, {"NOTIFY_SOCKET": ""}, {"WATCHDOG_USEC": "1000"}):
        quiet = Notifier.from_environ(env)
        assert not quiet.enabled and not quiet.ready() and quiet.ping_interval_s is None
    odd = Notifier.from_environ({"NOTIFY_SOCKET": "/nonexistent/sock", "WATCHDOG_USEC": "-5"})
    assert odd.watchdog_usec is None and odd.send("READY=1") is False   # logged, not raised
    assert Notifier.from_environ({"NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "nan"}).watchdog_usec is None
