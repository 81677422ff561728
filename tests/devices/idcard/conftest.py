"""Fixtures for the ID-card tests: a simulator on a pty and a reader tuned for quick tests."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.idcard.reader import IdCardReader, ReaderEvent
from devices.idcard.simulator import CardSimulator

#: Short intervals so pty tests finish in well under a second each.
FAST = dict(
    poll_interval=0.03,
    status_interval=0.3,
    header_timeout=0.25,
    frame_timeout=1.0,
    reconnect_min=0.03,
    reconnect_max=0.15,
)


class EventLog:
    """Collects reader events from the poll thread; tests wait on it."""

    def __init__(self) -> None:
        self.events: list[ReaderEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: ReaderEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, kind: type) -> list[Any]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(
        self, kind: type, count: int = 1, timeout: float = 5.0, where: Callable[[Any], bool] = lambda e: True
    ) -> Any:
        """Wait until ``count`` events of ``kind`` (matching ``where``) arrived; return the last."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [e for e in self.events if isinstance(e, kind) and where(e)]
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {kind.__name__} #{count} within {timeout}s; got {self.events}")
                self._cond.wait(remaining)

    def types(self) -> list[str]:
        with self._cond:
            return [type(e).__name__ for e in self.events]


@pytest.fixture(autouse=True)
def no_unexpected_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which the driver hit an exception it did not expect (its safety net logs
    those at ERROR); a failing event handler is the one error a test provokes on purpose."""
    yield
    unexpected = [
        r for r in caplog.get_records("call")
        if r.name.startswith("devices.idcard") and r.levelno >= logging.ERROR
        and "event handler failed" not in r.getMessage()
    ]
    assert not unexpected, [r.getMessage() for r in unexpected]


@pytest.fixture
def fast() -> dict[str, float]:
    """Reader keyword arguments for quick tests."""
    return dict(FAST)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[CardSimulator]:
    simulator = CardSimulator(link_path=tmp_path / "idcard")
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def make_reader(sim: CardSimulator, events: EventLog) -> Iterator[Callable[..., IdCardReader]]:
    """Build a started reader on the simulator's device path; stopped after the test."""
    readers: list[IdCardReader] = []

    def make(start: bool = True, **overrides: Any) -> IdCardReader:
        reader = IdCardReader(sim.device_path, events, **{**FAST, **overrides})
        readers.append(reader)
        if start:
            reader.start()
        return reader

    yield make
    for reader in readers:
        reader.close()


def _wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def wait_until() -> Callable[..., None]:
    """``wait_until(condition, timeout=5.0)``: poll a condition until it holds."""
    return _wait_until
