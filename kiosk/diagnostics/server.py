"""The local socket through which ``kiosk diag`` asks a running kiosk (which holds the ports).

A Unix stream socket at ``<data_dir>/run/diag.sock``: the folder is owner-only (0700), the
socket 0600, and each connection's peer must be this user or root (``SO_PEERCRED``), so only the
kiosk's own account reaches it. One request per line, one JSON answer per line::

    {"op": "report"}      -> {"ok": true, "result": {"checks": [...], ...}}
    {"op": "test-read"}   -> {"ok": true, "result": {"ok": ..., "title": ..., "data": {...}}}
    {"op": "test-print"} | {"op": "ping"}
    anything else         -> {"ok": false, "error": "..."}

A request is at most 4 KiB of JSON object with an ``op`` and nothing else; anything else (not
JSON, NaN, deep nesting, a list, another key) is answered with an error and the connection
stays usable. ``serve`` starts it (a stale socket left by a crash is replaced; a live one means
another kiosk runs on this data directory), ``ask`` is the client. Unix sockets take paths of
at most 107 bytes; a longer data directory is reached through ``/proc/self/fd``.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_REQUEST = 4096
SUN_PATH_MAX = 107
ANSWER_TIMEOUT_S = 90.0


class NotRunning(ConnectionError):
    """No kiosk answers on this socket."""


class ServerError(RuntimeError):
    """The socket cannot be served or the kiosk answered with an error."""


Handler = Callable[[str], dict[str, Any]]


def parse_request(line: bytes) -> str:
    """The ``op`` of one request line.

    Raises:
        ValueError: the line is not a well-formed request (the message says why).
    """
    if len(line) > MAX_REQUEST:
        raise ValueError(f"request longer than {MAX_REQUEST} bytes")
    try:
        request = json.loads(line.decode("utf-8"), parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("request nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not a JSON request: {exc}") from None
    if not isinstance(request, dict) or set(request) != {"op"} or not isinstance(request["op"], str):
        raise ValueError('a request is {"op": "<name>"} and nothing else')
    return request["op"]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


@contextlib.contextmanager
def _address(path: Path) -> Iterator[str]:
    """A path the kernel accepts for ``path`` (see the module docstring)."""
    text = str(path)
    if len(text.encode()) <= SUN_PATH_MAX:
        yield text
        return
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    allow_reuse_address = False
    handle_op: Handler

    def server_bind(self) -> None:
        with _address(Path(self.server_address)) as address:   # type: ignore[arg-type]
            self.socket.bind(address)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        creds = request.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, _ = struct.unpack("3i", creds)
        if uid not in (os.getuid(), 0):
            log.warning("diagnostics-socket-refused uid=%d", uid)
            return False
        return True


class _Connection(socketserver.StreamRequestHandler):
    timeout = 300

    def handle(self) -> None:
        server: _Server = self.server    # type: ignore[assignment]
        while True:
            try:
                line = self.rfile.readline(MAX_REQUEST + 1)
            except OSError:
                return
            if not line:
                return
            if len(line) > MAX_REQUEST and not line.endswith(b"\n"):
                self._answer({"ok": False, "error": f"request longer than {MAX_REQUEST} bytes"})
                return          # the rest of that line cannot be told from a next request
            try:
                op = parse_request(line.strip())
            except ValueError as exc:
                self._answer({"ok": False, "error": str(exc)})
                continue
            try:
                self._answer({"ok": True, "result": server.handle_op(op)})
            except KeyError:
                self._answer({"ok": False, "error": f"unknown op {op[:40]!r}"})
            except Exception as exc:  # noqa: BLE001 - a failing check must not end the kiosk
                log.exception("diagnostics-socket-op-failed op=%s", op[:40])
                self._answer({"ok": False, "error": f"{type(exc).__name__}"})

    def _answer(self, body: dict[str, Any]) -> None:
        try:
            self.wfile.write(json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n")
            self.wfile.flush()
        except OSError:
            pass


class DiagnosticsServer:
    """Serves ``handle(op) -> dict`` on the socket at ``path`` until ``stop``.

    ``handle`` raises KeyError for an op it does not know.
    """

    def __init__(self, path: Path, handle: Handler) -> None:
        self.path = Path(path)
        self._handle = handle
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> DiagnosticsServer:
        """Raises: ServerError: another kiosk answers there, or the socket cannot be made."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        if self.path.exists() or self.path.is_symlink():
            try:
                ask(self.path, "ping", timeout=2.0)
            except NotRunning:
                self.path.unlink()          # left by a kiosk that crashed
            else:
                raise ServerError(f"另一个自助机程序正在使用 {folder.parent}（{self.path} 有应答）")
        try:
            server = _Server(str(self.path), _Connection)
        except OSError as exc:
            raise ServerError(f"无法建立诊断接口 {self.path}: {exc.strerror}") from None
        os.chmod(self.path, 0o600)
        server.handle_op = self._handle
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="diagnostics-socket",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def ask(path: Path, op: str, timeout: float = ANSWER_TIMEOUT_S) -> dict[str, Any]:
    """Send one request to a running kiosk and return its ``result``.

    Raises:
        NotRunning: no socket, or nothing accepts on it.
        ServerError: the kiosk answered with an error, or the answer is not one.
    """
    path = Path(path)
    if not path.exists():
        raise NotRunning(str(path))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        with _address(path) as address:
            sock.connect(address)
        sock.sendall(json.dumps({"op": op}).encode() + b"\n")
        reply = sock.makefile("rb").readline(16 * 1024 * 1024)
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        raise NotRunning(f"{path}: {exc.strerror}") from None
    except OSError as exc:
        raise ServerError(f"{path}: {exc}") from None
    finally:
        sock.close()
    try:
        answer = json.loads(reply)
    except ValueError:
        raise ServerError("the kiosk's answer is not JSON") from None
    if not isinstance(answer, dict) or not answer.get("ok"):
        raise ServerError(str(answer.get("error") if isinstance(answer, dict) else answer))
    return answer.get("result") or {}
