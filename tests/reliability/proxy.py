"""A loopback HTTP relay between the kiosk and the platform that shows the campaign each
request and each answer, and lets it kill either side at that moment.

One request per connection (the campaign's kiosk sends ``Connection: close``). For each, the
relay reads the whole request (h11 finds where it ends), calls ``on_forwarded(method, target)``
once it has handed it to the platform, reads the platform's whole answer, calls
``on_answered(method, target, status)`` while it holds it (the platform has committed; the kiosk
does not know yet), then passes it on. When the platform cannot be reached or dies mid-answer,
the kiosk's connection is closed without an answer, as a dead platform's would be. The hooks run
on the connection's thread and may kill a process before returning.

Bytes are relayed unchanged; nothing here parses more of HTTP than its framing.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import h11

Hook = Callable[..., None]


class Relay:
    def __init__(self, on_forwarded: Hook, on_answered: Hook) -> None:
        self.on_forwarded = on_forwarded
        self.on_answered = on_answered
        self.upstream: tuple[str, int] | None = None
        self.in_flight = 0            # requests handed to the platform, not yet answered
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="relay", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed.set()
        self._sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            try:
                raw, method, target = _read_message(client, h11.SERVER)
            except (OSError, h11.ProtocolError):
                return
            upstream = self.upstream
            if upstream is None:
                return
            try:
                server = socket.create_connection(upstream, timeout=30)
            except OSError:
                return                      # the platform is down: no answer at all
            with server:
                with self._lock:
                    self.in_flight += 1
                try:
                    server.sendall(raw)
                    self.on_forwarded(method, target)
                    try:
                        answer, status, _ = _read_message(server, h11.CLIENT, method)
                    except (OSError, h11.ProtocolError):
                        return              # the platform died before its answer was out
                finally:
                    with self._lock:
                        self.in_flight -= 1
            self.on_answered(method, target, status)
            try:
                client.sendall(answer)
            except OSError:
                pass                        # the kiosk died: the answer is lost


def _read_message(sock: socket.socket, role: type[h11.SERVER] | type[h11.CLIENT],
                  method: str = "GET") -> tuple[bytes, str | int, str]:
    """Read one whole HTTP message as raw bytes: (bytes, method or status, target)."""
    conn = h11.Connection(our_role=role)
    if role is h11.CLIENT:          # we read a response: tell h11 what it answers
        conn.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
        conn.send(h11.EndOfMessage())
    raw = bytearray()
    head: str | int = ""
    target = ""
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed mid-message")
            raw += data
            conn.receive_data(data)
            continue
        if isinstance(event, h11.Request):
            head, target = event.method.decode(), event.target.decode()
        elif isinstance(event, h11.Response):
            head = event.status_code
        elif isinstance(event, h11.EndOfMessage):
            return bytes(raw), head, target
        elif isinstance(event, h11.ConnectionClosed):
            raise ConnectionError("closed mid-message")
