"""SIGTERM (systemd's stop) and SIGINT end the Qt event loop as a quit does, promptly, also when
the signal comes from another thread while the loop waits in C++, or before the loop runs; the
handlers and the wake-up descriptor before are put back afterwards."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from ui.qt import QGuiApplication, QTimer
from ui.stop_signals import QuitOnSignals

pytestmark = pytest.mark.qt
GIVE_UP_MS = 20_000     # a signal that never ends the loop fails the test instead of hanging it


def exec_with_guard(app: QGuiApplication) -> int:
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: app.exit(99))
    guard.start(GIVE_UP_MS)
    try:
        return app.exec()
    finally:
        guard.stop()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_from_another_thread_ends_the_waiting_loop(qapp: QGuiApplication,
                                                            number: int) -> None:
    before = signal.getsignal(number)
    sender = threading.Thread(target=os.kill, args=(os.getpid(), number))
    with QuitOnSignals(qapp) as stop:
        # Sent once the loop waits: the C handler wakes it through the socket, not a timer.
        QTimer.singleShot(0, sender.start)
        assert exec_with_guard(qapp) == 0
        assert stop.received == number
    sender.join()
    assert signal.getsignal(number) is before
    previous = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(previous)
    assert previous == -1


def test_a_signal_before_the_loop_runs_ends_it_once_it_turns(qapp: QGuiApplication) -> None:
    with QuitOnSignals(qapp) as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.received == signal.SIGTERM
        assert exec_with_guard(qapp) == 0


def test_other_signals_and_no_signal_leave_the_loop_alone(qapp: QGuiApplication) -> None:
    with QuitOnSignals(qapp, (signal.SIGTERM,)) as stop:
        QTimer.singleShot(0, lambda: qapp.exit(7))
        assert exec_with_guard(qapp) == 7
        assert stop.received is None
