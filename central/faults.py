"""Fault injection for tests and demos, switched on by configuration (all rates 0 by default).

Four faults, drawn per ``/v1/`` request from a seeded ``random.Random`` so a sequential test
sees the same faults on every run:

- ``error_rate``: answer 500 or 503 (with ``Retry-After``) before the app runs; nothing stored.
- ``drop_rate``: close the connection without any answer before the app runs; nothing stored.
- ``slow_rate`` / ``slow_seconds``: wait before handling the request.
- ``lost_answer_rate``: for POST and PUT, run the app (the write is committed), then close the
  connection instead of sending its answer: the kiosk must retry and get the idempotent answer.

Every request draws the same five numbers in the same order whatever happens, so one fault
never shifts the sequence of the others. This module does not authenticate or store anything.
"""
from __future__ import annotations

import asyncio
import logging
import random
import threading
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from central.errors import ApiError, send_error

log = logging.getLogger(__name__)

PROTECTED_PREFIX = "/v1/"


@dataclass(frozen=True)
class FaultSettings:
    """Rates are probabilities in [0, 1]; ``slow_seconds`` in [0, 60]; ``seed`` an int."""

    error_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 0.5
    drop_rate: float = 0.0
    lost_answer_rate: float = 0.0
    seed: int = 0

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> FaultSettings:
        """Build settings from a dict such as ``--faults`` JSON.

        Raises:
            ValueError: an unknown key, or a value out of range or of the wrong type.
        """
        return cls().updated(**(values or {}))

    def updated(self, **changes: Any) -> FaultSettings:
        """A copy with some values changed, validated (ValueError on bad input)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        new = replace(self, **changes)
        for name in ("error_rate", "slow_rate", "drop_rate", "lost_answer_rate"):
            value = getattr(new, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number between 0 and 1")
        if isinstance(new.slow_seconds, bool) or not isinstance(new.slow_seconds, (int, float)) \
                or not 0.0 <= new.slow_seconds <= 60.0:
            raise ValueError("slow_seconds must be a number between 0 and 60")
        if isinstance(new.seed, bool) or not isinstance(new.seed, int):
            raise ValueError("seed must be an integer")
        return new

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _transport_of(send: Any) -> Any:
    # uvicorn's send is a bound method of its request cycle, which owns the socket transport.
    # Closing that transport is the only way to end a connection with no bytes at all.
    cycle = getattr(send, "__self__", None)
    return getattr(cycle, "transport", None)


async def drop_connection(send: Any) -> None:
    """End the connection without an answer (no status line, no bytes)."""
    transport = _transport_of(send)
    if transport is not None:
        transport.abort()
        # Let connection_lost run so the server knows not to send a 500 of its own.
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return
    # Another server: start a response and fail mid-body, which also cuts the connection.
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", b"1")]})
    raise ConnectionAbortedError("fault injection: connection dropped")


class FaultInjector:
    """ASGI middleware applying ``FaultSettings``; ``configure`` may be called from any thread."""

    def __init__(self, app: Any, settings: FaultSettings | None = None) -> None:
        self.app = app
        self._lock = threading.Lock()
        self.settings = settings or FaultSettings()
        self._rng = random.Random(self.settings.seed)
        self.counts = {"error": 0, "slow": 0, "drop": 0, "lost_answer": 0}

    def configure(self, **changes: Any) -> FaultSettings:
        """Change settings and restart the random sequence from the (new) seed."""
        with self._lock:
            self.settings = self.settings.updated(**changes)
            self._rng = random.Random(self.settings.seed)
            return self.settings

    def _draw(self) -> tuple[FaultSettings, list[float]]:
        with self._lock:
            return self.settings, [self._rng.random() for _ in range(5)]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED_PREFIX):
            await self.app(scope, receive, send)
            return
        s, (r_error, r_kind, r_drop, r_slow, r_lost) = self._draw()
        if r_error < s.error_rate:
            self.counts["error"] += 1
            if r_kind < 0.5:
                await send_error(send, ApiError(503, "unavailable", "fault injection: unavailable"),
                                 {"Retry-After": "1"})
            else:
                await send_error(send, ApiError(500, "internal_error", "fault injection: error"))
            return
        if r_drop < s.drop_rate:
            self.counts["drop"] += 1
            await drop_connection(send)
            return
        if r_slow < s.slow_rate:
            self.counts["slow"] += 1
            await asyncio.sleep(s.slow_seconds)
        if scope["method"] in ("POST", "PUT") and r_lost < s.lost_answer_rate:
            self.counts["lost_answer"] += 1

            async def swallow(message: dict) -> None:
                return None

            await self.app(scope, receive, swallow)  # the app commits; its answer goes nowhere
            log.info("fault injection: answer to %s %s lost", scope["method"], scope["path"])
            await drop_connection(send)
            return
        await self.app(scope, receive, send)
