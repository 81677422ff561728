"""The local socket ``kiosk diag`` asks a running kiosk on: owner-only, one JSON request per
line, and garbage answered with an error on a connection that stays usable."""
from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.diagnostics.server import (MAX_REQUEST, DiagnosticsServer, NotRunning, ServerError, ask,
                                      parse_request)


def handle(op: str) -> dict:
    if op == "ping":
        return {"pong": True}
    if op == "boom":
        raise RuntimeError("a check failed")
    raise KeyError(op)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DiagnosticsServer]:
    s = DiagnosticsServer(tmp_path / "run" / "diag.sock", handle).start()
    yield s
    s.stop()


def raw(path: Path, *lines: bytes) -> list[bytes]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        f = sock.makefile("rwb")
        answers = []
        for line in lines:
            f.write(line)
            f.flush()
            answers.append(f.readline())
        return answers


def test_ask_gets_the_answer_and_the_socket_is_owner_only(server: DiagnosticsServer) -> None:
    assert ask(server.path, "ping") == {"pong": True}
    assert stat.S_IMODE(os.stat(server.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(server.path.parent).st_mode) == 0o700
    with pytest.raises(ServerError, match="unknown op"):
        ask(server.path, "nope")
    with pytest.raises(ServerError, match="RuntimeError"):
        ask(server.path, "boom")


GARBAGE = [b"not json\n", b"[1, 2]\n", b'{"op": 1}\n', b'{"op": "ping", "x": 1}\n',
           b'{"op": NaN}\n', b"\xff\xfe\n", b"[" * 3000 + b"\n", b"\x00\x1b[2J\n", b"null\n",
           b'{"op": "' + b"a" * 5000 + b'"}\n']


@pytest.mark.parametrize("line", GARBAGE)
def test_garbage_gets_an_error_and_the_connection_goes_on(server: DiagnosticsServer,
                                                          line: bytes) -> None:
    if len(line) > MAX_REQUEST:                   # answered, then that connection closes
        assert b"longer than" in raw(server.path, line)[0]
    else:
        answers = raw(server.path, line, b'{"op": "ping"}\n')
        assert b'"ok": false' in answers[0] and answers[1].startswith(b'{"ok": true')
    assert ask(server.path, "ping") == {"pong": True}        # the server itself goes on


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_parse_request_refuses_anything_but_an_op(blob: bytes) -> None:
    try:
        op = parse_request(blob)
    except ValueError:
        return
    assert isinstance(op, str)


def test_a_stale_socket_is_replaced_and_a_live_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "run" / "diag.sock"
    path.parent.mkdir()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()                               # a kiosk that crashed left its socket
    with pytest.raises(NotRunning):
        ask(path, "ping")
    first = DiagnosticsServer(path, handle).start()
    try:
        with pytest.raises(ServerError, match="另一个自助机程序"):
            DiagnosticsServer(path, handle).start()
    finally:
        first.stop()
    assert not path.exists()
    with pytest.raises(NotRunning):
        ask(path, "ping")


def test_a_data_directory_longer_than_a_socket_path_still_works(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "run" / "diag.sock"
    assert len(str(deep)) > 108
    s = DiagnosticsServer(deep, handle).start()
    try:
        assert ask(deep, "ping") == {"pong": True}
    finally:
        s.stop()
