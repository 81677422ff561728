"""Serving a Platform with uvicorn on loopback, in the foreground or in a background thread.

``ServerThread`` binds 127.0.0.1 itself (port 0 picks a free port, read back after binding),
runs uvicorn's h11 server on its own event loop in a daemon thread and stops it cleanly. A
client that stalls mid-request is cut off (``central.deadlines``).
No other address is ever bound by the test helpers.
"""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn

from central.deadlines import ClientDeadlines, guarded_h11

LOOPBACK = "127.0.0.1"


#: More open connections than this are answered 503 at once, before a file descriptor runs out.
MAX_CONNECTIONS = 1000


def uvicorn_config(app: Any, host: str, port: int, log_level: str = "warning",
                   deadlines: ClientDeadlines = ClientDeadlines()) -> uvicorn.Config:
    # h11 (not httptools) and no proxy-header wrapper: the fault injector relies on reaching
    # uvicorn's own send() to drop a connection without any answer. The h11 protocol is
    # uvicorn's own with deadlines for a client that stalls mid-request (central.deadlines).
    return uvicorn.Config(app, host=host, port=port, http=guarded_h11(deadlines), ws="none",
                          lifespan="off", proxy_headers=False, server_header=False,
                          date_header=False, log_level=log_level, access_log=False,
                          timeout_keep_alive=5, limit_concurrency=MAX_CONNECTIONS)


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind and listen; accepted connections inherit TCP_NODELAY from this socket.

    Without it, a kept-alive connection waits ~40 ms for each response body (Nagle's
    algorithm against the client's delayed ACK): uvicorn only sets TCP_NODELAY on sockets it
    binds itself, not on sockets it is handed.

    Raises:
        OSError: the address cannot be bound.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)  # connections made before uvicorn runs queue instead of failing
    except OSError:
        sock.close()
        raise
    return sock


class ServerThread:
    """A uvicorn server in a background thread.

    Args:
        app: the ASGI app to serve.
        port: 0 for any free port.
        deadlines: how long a client may stall mid-request.
    """

    def __init__(self, app: Any, host: str = LOOPBACK, port: int = 0,
                 deadlines: ClientDeadlines = ClientDeadlines()) -> None:
        self._sock = listening_socket(host, port)
        self.host, self.port = self._sock.getsockname()[:2]
        self.server = uvicorn.Server(uvicorn_config(app, self.host, self.port,
                                                    deadlines=deadlines))
        self._thread = threading.Thread(target=self._run, name="central-uvicorn", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self._sock]))
        except BaseException as exc:  # reported by start()
            self._error = exc

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; returns once the server accepts connections.

        Raises:
            RuntimeError: the server did not start within ``timeout``.
        """
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError(f"platform server failed to start: {self._error!r}")
            if time.monotonic() > deadline:
                raise RuntimeError("platform server did not start in time")
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()
