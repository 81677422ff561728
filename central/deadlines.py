"""Deadlines for slow clients: a connection that stalls while sending a request is closed.

uvicorn times out only an idle kept-alive connection (``timeout_keep_alive``, after an answer);
it waits for ever for a request's headers or body. So a few hundred connections that declare a
1 MB body and send 1 KB (a stalled upload, or a slowloris attack) each hold a socket and a task
for as long as they like. ``guarded_h11(limits)`` is uvicorn's own h11 protocol (passed as
``uvicorn.Config(http=...)``) with two deadlines while the client is the one to speak:

- ``idle_s``: no byte for this long in the middle of a request (or before its first byte);
- ``request_s``: the whole request (headers and body) has not arrived this long after the
  connection opened or the last answer was sent.

Either closes the connection without an answer; the app, if it was reading the body, sees the
client disconnect (``central.auth`` then gives up quietly). While the app works on a complete
request no deadline runs: a slow answer is the platform's to give. What it does not do: limit
how many connections are open (``limit_concurrency`` in ``central.server``), or anything at the
HTTP level above framing.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass(frozen=True)
class ClientDeadlines:
    """Seconds; a chunk is at most 1 MiB, which a township's 3G link sends in well under 60 s."""

    idle_s: float = 10.0
    request_s: float = 60.0

    def __post_init__(self) -> None:
        if not 0 < self.idle_s <= self.request_s:
            raise ValueError("deadlines must be positive, idle_s no longer than request_s")


def guarded_h11(limits: ClientDeadlines) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol class, with ``limits``."""

    class GuardedH11(H11Protocol):
        _idle: asyncio.TimerHandle | None = None
        _whole: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_whole()
            self._arm_idle()

        def data_received(self, data: bytes) -> None:
            self._arm_idle()
            super().data_received(data)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_whole()           # the next request on this connection starts now

        def connection_lost(self, exc: Exception | None) -> None:
            for timer in (self._idle, self._whole):
                if timer is not None:
                    timer.cancel()
            super().connection_lost(exc)

        def _arm_idle(self) -> None:
            if self._idle is not None:
                self._idle.cancel()
            self._idle = self.loop.call_later(limits.idle_s, self._expired)

        def _arm_whole(self) -> None:
            if self._whole is not None:
                self._whole.cancel()
            self._whole = self.loop.call_later(limits.request_s, self._expired)

        def _expired(self) -> None:
            if self.transport.is_closing():
                return
            if self.flow.read_paused:      # the app has not taken what came: not a stall
                self._arm_idle()
                return
            # Only while the client is the one to speak: headers (IDLE: h11 holds partial
            # headers back; or a kept-alive connection idle longer than uvicorn allows anyway)
            # or body (SEND_BODY). With the request complete, the answer is ours to give.
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
                self.transport.close()

    return GuardedH11
